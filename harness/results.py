"""The run files as code (DESIGN.md, "Run directory"). Every read and write goes through here.

- ``config.json``: resolved configuration, versions.
- ``completions.jsonl``: one line per (suite, problem_id, sample_idx); the resume journal.
- ``executions.jsonl``: one line per evaluated sample.
- ``results.json``: ``{"schema": "hweval.results/1", "suites": {...}, "config": {...}}``.

Each file's records are typed here (:class:`ConfigFile`, :class:`ResultsFile` with
:class:`SuiteResults`, :class:`ExecutionRecord`, and :class:`harness.types.Completion`); the JSON
Schemas shipped in :mod:`harness.schemas` are generated from these classes. config.json is
validated before it is written, results.json after it is written and whenever it is read
(``report``, ``publish``, ``compare``), and every journal line as it is appended.
"""
from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jsonlines

from harness.cache import atomic_write_json
from harness.config import RunConfig
from harness.errors import DataError
from harness.types import Completion, StageResult, Verdict

RESULTS_SCHEMA = "hweval.results/1"
CONFIG = "config.json"
COMPLETIONS = "completions.jsonl"
EXECUTIONS = "executions.jsonl"
RESULTS = "results.json"

#: journal file -> the record kind its lines are (harness.schemas)
JOURNAL_KINDS = {COMPLETIONS: "completion", EXECUTIONS: "execution"}

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


@dataclass
class SandboxInfo:
    kind: str | None
    image: dict[str, str] | str | None = None  # the image digests by image name (docker)


@dataclass
class SuiteInfo:
    version: str
    family: str
    content_hash: str


@dataclass
class ConfigFile:
    """config.json: the resolved settings, the backend's identity, the sandbox, the suites and
    the environment (harness version and git hash, Python, tool versions). Fields with defaults
    were added after the first release (older files lack them); extra keys are allowed, so a
    newer harness can add some."""

    run: RunConfig
    sandbox: SandboxInfo
    suites: dict[str, SuiteInfo]
    config_hash: str = ""
    backend: dict[str, Any] | None = None
    harness_version: str = ""
    plugin_api_version: int = 1
    git_hash: str | None = None
    python: str = ""
    platform: str = ""
    tools: dict[str, str | None] = field(default_factory=dict)


@dataclass
class SuiteResults:
    """One suite's entry in results.json (see :mod:`harness.summary`). ``metrics`` maps a metric
    name to ``{"mean", "stderr", "ci95", "n"}`` or to a family's own record. Fields with defaults
    were added after the first release (older files lack them)."""

    n_problems: int
    n_samples: int
    metrics: dict[str, Any]
    excluded: list[dict[str, str]]
    status_counts: dict[str, int]
    n_loaded: int | None = None
    n_selected: int | None = None
    load_exclusions: dict[str, int] = field(default_factory=dict)
    n_excluded: int = 0
    excluded_by_reason: dict[str, int] = field(default_factory=dict)
    n_not_run: int = 0
    not_run_by_reason: dict[str, int] = field(default_factory=dict)
    not_run: list[dict[str, str]] = field(default_factory=list)
    content_hash: str = ""
    suite_version: str = ""
    family: str = ""
    per_problem: dict[str, dict[str, int]] = field(default_factory=dict)
    provenance: dict[str, int] = field(default_factory=dict)
    complete: bool = True


@dataclass
class ResultsFile:
    """results.json (``hweval.results/1``). Fields with defaults were added after the first
    release; extra keys are allowed, so a newer harness can add some."""

    schema: str
    suites: dict[str, SuiteResults]
    config: ConfigFile
    complete: bool = True
    infra_errors: int = 0
    not_run: int = 0


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


@functools.cache
def journal_checker(kind: str) -> Callable[[Any, str | Path], None]:
    """``check(record, source)`` for a journal line of ``kind``: exactly the schema's verdict (a
    DataError naming the field), at a few microseconds for a valid record. The schema compiled to a
    plain predicate (:mod:`harness.schemas.fast`, never more lenient than jsonschema) accepts
    the record; only a record it refuses goes to jsonschema, which decides and words the error."""
    from harness.schemas import generate, validator
    from harness.schemas.fast import compile_schema

    full = validator(kind)
    fast = compile_schema(generate(kind))
    if fast is None:
        return full

    def check(doc: Any, source: str | Path) -> None:
        if not fast(doc):
            full(doc, source)

    return check


class Journal:
    """Append-only JSONL file, flushed per record (it is the resume journal): a record written
    is in the kernel's hands, so a kill -9 loses nothing; a partial last line is repaired."""

    def __init__(self, path: Path, kind: str | None = None) -> None:
        self.path = path
        #: checks each record against its schema before it is written (None: a journal of another kind)
        self._check = journal_checker(kind or JOURNAL_KINDS[path.name]) if (kind or path.name in JOURNAL_KINDS) \
            else None
        _repair_tail(path)
        self._fh = path.open("a", encoding="utf-8")
        self._writer = jsonlines.Writer(self._fh, compact=True, sort_keys=True, flush=True)

    def append(self, record: dict[str, Any]) -> None:
        if self._check is not None:
            self._check(record, f"{self.path} (new line)")
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
    """results.json of ``run_dir``, checked against its schema (DataError naming the field)."""
    from harness.schemas import validate

    data = read_json(run_dir / RESULTS)
    if not isinstance(data, dict) or data.get("schema") != RESULTS_SCHEMA:
        tag = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise DataError(f"{run_dir / RESULTS}: schema {tag!r}, expected {RESULTS_SCHEMA!r}")
    validate("results", data, run_dir / RESULTS)
    return data
