"""The run files as code (DESIGN.md, "Run directory"). Every read and write goes through here.

- ``config.json``: resolved configuration, versions.
- ``completions.jsonl``: one line per (suite, problem_id, sample_idx); the resume journal.
- ``executions.jsonl``: one line per evaluated sample.
- ``results.json``: ``{"schema": "hweval.results/1", "suites": {...}, "config": {...}}``.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jsonlines

from harness.cache import atomic_write_json
from harness.errors import DataError
from harness.types import Completion, StageResult, Verdict

RESULTS_SCHEMA = "hweval.results/1"
CONFIG = "config.json"
COMPLETIONS = "completions.jsonl"
EXECUTIONS = "executions.jsonl"
RESULTS = "results.json"

Key = tuple[str, str, int]
RKey = tuple[str, str, int, int]  # with the repair round


@dataclass
class ExecutionRecord:
    suite: str
    problem_id: str
    sample_idx: int
    candidate_sha256: str
    status: str
    reason: str = ""
    rule: str | None = None
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    wall_s: float = 0.0
    logs: dict[str, str] = field(default_factory=dict)
    shared_with: int | None = None  # sample whose identical candidate was executed
    dedup_key: str = ""  # normalised-code hash identical candidates share
    round: int = 1  # repair round of the completion judged (``--rounds``)
    tokens: int = 0  # tokens the completion cost (prompt + completion, all agent turns)

    def key(self) -> Key:
        return (self.suite, self.problem_id, self.sample_idx)

    def rkey(self) -> RKey:
        return (self.suite, self.problem_id, self.sample_idx, self.round)

    @classmethod
    def from_verdict(cls, key: Key, candidate_sha256: str, v: Verdict) -> ExecutionRecord:
        return cls(*key, candidate_sha256=candidate_sha256, status=str(v.status), reason=v.reason[:4000],
                   rule=v.rule, stages={k: asdict(s) for k, s in v.stages.items()}, metrics=v.metrics,
                   wall_s=round(v.wall_s, 4), logs={k: s[-4000:] for k, s in v.logs.items()})

    def verdict(self) -> Verdict:
        from harness.types import Status

        return Verdict(Status(self.status), self.reason, {k: StageResult(**s) for k, s in self.stages.items()},
                       self.wall_s, self.logs, self.metrics, self.rule)


def completion_to_json(c: Completion) -> dict[str, Any]:
    out = asdict(c)
    for key in ("feedback", "agent"):  # multi-turn fields: only on the lines that have them
        if not out[key]:
            del out[key]
    return out


def completion_from_json(d: dict[str, Any]) -> Completion:
    return Completion(**{k: d[k] for k in Completion.__dataclass_fields__ if k in d})


def _repair_tail(path: Path) -> None:
    """Drop a partial last line left by a kill mid-write, so appends start on a fresh line."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 1))
        if fh.read(1) == b"\n":
            return
        fh.seek(0)
        data = fh.read()
        cut = data.rfind(b"\n") + 1
        fh.truncate(cut)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Lines of a run journal. A malformed line in the middle is an error naming file and line."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if not line.endswith("\n"):
                return  # a partial final line from an interrupted write: ignored, repaired on append
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{lineno}: malformed line ({exc.msg})") from exc


class Journal:
    """Append-only JSONL file, flushed per record (it is the resume journal): a record written
    is in the kernel's hands, so a kill -9 loses nothing; a partial last line is repaired."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _repair_tail(path)
        self._fh = path.open("a", encoding="utf-8")
        self._writer = jsonlines.Writer(self._fh, compact=True, sort_keys=True, flush=True)

    def append(self, record: dict[str, Any]) -> None:
        self._writer.write(record)

    def close(self) -> None:
        self._writer.close()
        self._fh.close()


def read_completions(run_dir: Path) -> Iterator[Completion]:
    for d in read_jsonl(run_dir / COMPLETIONS):
        yield completion_from_json(d)


def read_executions(run_dir: Path) -> Iterator[ExecutionRecord]:
    for d in read_jsonl(run_dir / EXECUTIONS):
        yield ExecutionRecord(**{k: d[k] for k in ExecutionRecord.__dataclass_fields__ if k in d})


def write_json_atomic(path: Path, obj: Any) -> None:
    """``obj`` as indented JSON, through a unique temporary file in the same folder."""
    atomic_write_json(path, obj, indent=2)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise DataError(f"{path}: not found") from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON ({exc.msg})") from exc


def read_results(run_dir: Path) -> dict[str, Any]:
    data = read_json(run_dir / RESULTS)
    if data.get("schema") != RESULTS_SCHEMA:
        raise DataError(f"{run_dir / RESULTS}: schema {data.get('schema')!r}, expected {RESULTS_SCHEMA!r}")
    return data
