"""CVDP records: read NVlabs/cvdp_benchmark JSONL (a file, a folder, or ``hf://``) and classify them.

A non-agentic record is ``{"id", "categories": [cid, difficulty], "input": {"prompt",
"context": {path: text}}, "output": {"response", "context": {path: text}}, "harness":
{"files": {path: text}}}``. ``output.context`` names the files the model must write (filled in
the ``_with_solutions`` files). Agentic records carry ``prompt``/``context``/``patch`` at the
top level instead. Every record is kept: the ones hweval cannot score carry ``unsupported``
with the reason, so a run lists them instead of dropping them.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.errors import DataError, UsageError

#: CVDP's own constants (src/constants.py): comprehension categories and how CVDP scores them.
BLEU_CATEGORIES = {"cid006", "cid008"}
LLM_JUDGE_CATEGORIES = {"cid009", "cid010"}
#: Categories CVDP itself runs only with a commercial simulator and licence network.
COMMERCIAL_CATEGORIES = {"cid012", "cid013", "cid014"}
#: Markers of CVDP's commercial EDA image or licence network (src/commercial_eda.py).
COMMERCIAL_MARKERS = ("__VERIF_EDA_IMAGE__", "__LICENSE_NETWORK__", "licnetwork")
OPEN_SIMULATORS = {"icarus"}


@dataclass(frozen=True)
class CvdpRecord:
    id: str
    category: str
    difficulty: str
    prompt: str
    context: dict[str, str]
    outputs: dict[str, str]
    harness: dict[str, str]
    response: str = ""
    origin: str = ""  # "file:line" the record came from
    unsupported: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def has_solution(self) -> bool:
        return bool(self.outputs) and all(text.strip() for text in self.outputs.values())


def parse_env(text: str) -> dict[str, str]:
    """A docker-compose ``env_file`` (``KEY = value`` lines, as CVDP writes ``src/.env``)."""
    env: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[key] = value
    return env


def _files(value: Any, where: str, name: str) -> dict[str, str]:
    """A ``{path: text}`` map; ``datasets`` fills absent keys with None, which are dropped."""
    if value is None:
        return {}
    if isinstance(value, str):  # some exports store the maps as JSON text
        try:
            value = json.loads(value) if value.strip() else {}
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: field {name} is not a file map ({exc.msg})") from exc
    if not isinstance(value, dict):
        raise DataError(f"{where}: field {name} must be an object of file paths")
    out = {}
    for path, text in value.items():
        if text is None:
            continue
        if not isinstance(text, str):
            raise DataError(f"{where}: field {name}[{path!r}] must be text")
        out[str(path)] = text
    return out


def _field(row: dict[str, Any], dotted: str, where: str) -> Any:
    value: Any = row
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value or value[part] is None:
            raise DataError(f"{where}: missing field {dotted}")
        value = value[part]
    return value


def parse_record(row: Any, where: str) -> CvdpRecord:
    """One JSON object as a :class:`CvdpRecord`; a malformed one is a DataError naming ``where``."""
    if not isinstance(row, dict):
        raise DataError(f"{where}: expected a JSON object")
    rid = _field(row, "id", where)
    cats = _field(row, "categories", where)
    if not isinstance(rid, str) or not rid:
        raise DataError(f"{where}: field id must be a non-empty string")
    if not isinstance(cats, list) or not cats or not all(isinstance(c, str) for c in cats):
        raise DataError(f"{where}: field categories must be a list like [\"cid003\", \"easy\"]")
    category, difficulty = cats[0], (cats[1] if len(cats) > 1 else "unknown")
    if "input" not in row and ("patch" in row or "system_message" in row):
        text = row.get("prompt")
        return CvdpRecord(rid, category, difficulty, text if isinstance(text, str) else "", _files(row.get("context"), where, "context"), {},
                          {}, origin=where, unsupported="agentic record (the model edits a workspace in CVDP's "
                          "agent container): not run until hweval's agent mode supports CVDP workspaces")
    prompt = _field(row, "input.prompt", where)
    if not isinstance(prompt, str):
        raise DataError(f"{where}: field input.prompt must be text")
    context = _files(_field(row, "input.context", where), where, "input.context")
    output = _field(row, "output", where)
    outputs = _files(output.get("context") if isinstance(output, dict) else None, where, "output.context")
    response = output.get("response") if isinstance(output, dict) else ""
    harness = row.get("harness") or {}
    files = _files(harness.get("files") if isinstance(harness, dict) else None, where, "harness.files")
    env = parse_env(files.get("src/.env", ""))
    rec = CvdpRecord(rid, category, difficulty, prompt, context, outputs, files,
                     response=response if isinstance(response, str) else "", origin=where, env=env)
    reason = unsupported_reason(rec, json.dumps(row))
    return rec if reason is None else replace(rec, unsupported=reason)


def unsupported_reason(rec: CvdpRecord, raw: str) -> str | None:
    """Why hweval cannot score ``rec`` the way CVDP does, or None when it can."""
    if rec.category in BLEU_CATEGORIES:
        return (f"comprehension category {rec.category}: CVDP scores it with a BLEU score (nltk), "
                "a fraction rather than a pass/fail verdict; not scored by hweval")
    if rec.category in LLM_JUDGE_CATEGORIES:
        return (f"comprehension category {rec.category}: CVDP scores it with an LLM judge; "
                "not scored by hweval")
    if rec.category in COMMERCIAL_CATEGORIES:
        return (f"category {rec.category} (testbench/assertion generation): CVDP runs it only with a commercial "
                "simulator's coverage and assertion tools, and hweval's integrity rules are written for RTL "
                "answers, not testbenches")
    marker = next((m for m in COMMERCIAL_MARKERS if m in raw), None)
    if marker:
        return f"needs a commercial simulator (the harness names {marker})"
    if not rec.outputs:
        return "no output files to produce (output.context is empty)"
    if "src/.env" not in rec.harness or "docker-compose.yml" not in rec.harness:
        return "no cocotb harness (harness.files lacks src/.env or docker-compose.yml)"
    sim = rec.env.get("SIM", "icarus").strip().lower()
    if sim not in OPEN_SIMULATORS:
        return f"needs the simulator {sim!r} (SIM in src/.env); hweval runs CVDP's cocotb tests with Icarus"
    lang = rec.env.get("TOPLEVEL_LANG", "verilog").strip().lower()
    if lang != "verilog":
        return f"TOPLEVEL_LANG={lang}: hweval runs Verilog/SystemVerilog designs only"
    return None


# -- reading ------------------------------------------------------------------------------------
def read_file(path: Path) -> list[CvdpRecord]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: unreadable: {exc}") from exc
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: not valid JSON ({exc.msg})") from exc
        out.append(parse_record(row, where))
    return out


def merge(records: Iterable[CvdpRecord]) -> list[CvdpRecord]:
    """One record per id, in first-seen order; a copy with solutions replaces one without."""
    by_id: dict[str, CvdpRecord] = {}
    for rec in records:
        old = by_id.get(rec.id)
        if old is None or (rec.has_solution and not old.has_solution):
            by_id[rec.id] = rec
    return list(by_id.values())


def load_local(data: str) -> list[CvdpRecord]:
    path = Path(data).expanduser()
    if path.is_dir():
        files = sorted(path.rglob("*.jsonl"))
        if not files:
            raise DataError(f"--data {data}: no .jsonl files in the folder")
    elif path.is_file():
        files = [path]
    else:
        raise DataError(f"--data {data}: no such file or folder")
    records = merge(rec for f in files for rec in read_file(f))
    if not records:
        raise DataError(f"--data {data}: no CVDP records")
    return records


def load_hub(spec: str, config: str | None, split: str | None) -> list[CvdpRecord]:
    """Rows of ``hf://OWNER/NAME`` through ``datasets`` (its cache and HF_DATASETS_OFFLINE apply)."""
    name = spec.removeprefix("hf://").strip("/")
    if not re.fullmatch(r"[^/\s]+/[^/\s]+", name):
        raise UsageError(f"--data {spec}: expected hf://OWNER/NAME")
    import datasets

    try:
        loaded = datasets.load_dataset(name, config, split=split) if split else datasets.load_dataset(name, config)
    except Exception as exc:  # noqa: BLE001 - network, auth, missing dataset: the user's to fix
        raise DataError(f"--data {spec}: could not load the dataset: {type(exc).__name__}: {exc} (choose a "
                        "subset with -S config=NAME, or download its .jsonl files and pass --data FOLDER)") from exc
    parts = [(split, loaded)] if split else sorted(loaded.items())
    rows = [parse_record(_drop_none(dict(row)), f"{spec}[{part}] row {i}")
            for part, ds in parts for i, row in enumerate(ds)]
    if not rows:
        raise DataError(f"--data {spec}: no CVDP records")
    return merge(rows)


def _drop_none(value: Any) -> Any:
    """A row as its JSON line had it: Arrow gives every record every key of the schema, None-filled."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


def load(data: str | None, config: str | None = None, split: str | None = None) -> list[CvdpRecord]:
    if not data:
        raise UsageError("suite cvdp needs --data: a CVDP .jsonl file, a folder of them, "
                         "or hf://nvidia/cvdp-benchmark-dataset")
    if data.startswith("hf://"):
        return load_hub(data, config, split)
    return load_local(data)
