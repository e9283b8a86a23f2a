"""Loader for a Chrysalis-HLS checkout (https://github.com/UIUC-ChenLab/Chrysalis-HLS).

Layout: ``HLS_Bug_Dataset/<suite>/<design>/Source_Code/<design>.cpp`` and
``.../Bugs/bug_<T1>[_<T2>].txt``, each bug file a JSON record::

    {"Error Size": 1, "Error Specification": [
        {"Error Type": "OOB", "Original Code": "...", "Faulty Code": "..."}]}

Each specification replaces its original snippet (first match, exact or up to whitespace) by
the faulty one; a faulty ``#pragma`` whose original is not a pragma is inserted on a new line
after the original. A record that does not apply (snippet not found, overlapping edits, no
change, bad JSON) is skipped and counted. There are no testbenches, so these items are scored
on detection, localisation and type only. Ids are ``<suite>/<design>/<bug file stem>``.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.families.hls.items import HlsItem
from harness.families.hls.taxonomy import normalize_type

log = logging.getLogger(__name__)


@dataclass
class ChrysalisLoad:
    items: list[HlsItem] = field(default_factory=list)
    records: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, str] = field(default_factory=dict)  # problem id -> why


def dataset_root(path: Path) -> Path:
    """``path`` itself, or its ``HLS_Bug_Dataset`` folder when given a checkout."""
    return path / "HLS_Bug_Dataset" if (path / "HLS_Bug_Dataset").is_dir() else path


def _find(source: str, snippet: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    tokens = snippet.split()
    if not tokens:
        return None
    pattern = re.compile(r"\s*".join(re.escape(t) for t in tokens))
    for m in pattern.finditer(source):
        if all(m.end() <= a or m.start() >= b for a, b in taken):
            return m.span()
    return None


def _unquote(text: str) -> str:
    stripped = text.strip()
    for q in ('"""', "'''"):
        if stripped.startswith(q) and stripped.endswith(q) and len(stripped) >= 6:
            return stripped[3:-3]
    return text


def apply_record(source: str, specs: Sequence[dict[str, object]]) -> tuple[str, list[tuple[int, int]], list[str]]:
    """The buggy source, the 1-based line span of each change in it, and the types.

    Raises ValueError when the record does not apply to ``source``.
    """
    edits: list[tuple[int, int, str, int]] = []  # start, end, new text, index of the spec
    taken: list[tuple[int, int]] = []
    types: list[str] = []
    for n, spec in enumerate(specs):
        orig, faulty = _unquote(str(spec.get("Original Code", ""))), _unquote(str(spec.get("Faulty Code", "")))
        types.append(normalize_type(spec.get("Error Type")) or "UNKNOWN")
        if orig.strip() == faulty.strip():
            raise ValueError("original and faulty code are the same")
        insert = faulty.lstrip().startswith("#pragma") and not orig.lstrip().startswith("#pragma")
        if "..." in orig:  # an elided body: only usable as the anchor of an inserted pragma
            if not insert:
                raise ValueError("elided original code ('...') cannot be replaced")
            orig = orig.split("...")[0].rstrip().rstrip("{").rstrip()
        # an inserted pragma leaves its anchor untouched, so the anchor may be another edit's
        span = _find(source, orig, [] if insert else taken)
        if span is None:
            raise ValueError(f"original code not found: {orig[:60]!r}")
        if not insert:
            taken.append(span)
        if insert:
            pos = source.find("\n", span[1])
            pos = len(source) if pos < 0 else pos
            nxt = source.find("\n", pos + 1)
            if source[pos + 1: len(source) if nxt < 0 else nxt].strip() == "{":
                pos = len(source) if nxt < 0 else nxt
            edits.append((pos, pos, "\n" + faulty.strip(), n))
        else:
            edits.append((span[0], span[1], faulty, n))
    edits.sort()
    out: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    last = 0
    for start, end, new, n in edits:
        if start < last:
            raise ValueError("overlapping changes")
        out.append(source[last:start])
        first = "".join(out).count("\n") + 1 + (1 if new.startswith("\n") else 0)
        spans[n] = (first, first + new.strip("\n").count("\n"))
        out.append(new)
        last = end
    out.append(source[last:])
    return "".join(out), [spans[n] for n in range(len(specs))], types


def _design_source(design: Path) -> Path | None:
    folder = design / "Source_Code"
    preferred = folder / f"{design.name}.cpp"
    if preferred.is_file():
        return preferred
    found = sorted(p for p in folder.glob("*") if p.suffix in (".cpp", ".c", ".cc")) if folder.is_dir() else []
    return found[0] if len(found) == 1 else None


def load_chrysalis(path: Path, *, suites: Sequence[str] | None = None, controls: bool = True) -> ChrysalisLoad:
    """Items for every applicable bug record under ``path`` (a checkout or its dataset folder).

    With ``controls`` each design's original source is added as ``<suite>/<design>/control``.
    """
    root = dataset_root(path)
    load = ChrysalisLoad()
    for suite_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if suites and suite_dir.name not in suites:
            continue
        for design in sorted(p for p in suite_dir.iterdir() if p.is_dir()):
            bug_files = sorted((design / "Bugs").glob("bug_*.txt")) if (design / "Bugs").is_dir() else []
            src_path = _design_source(design)
            base = f"{suite_dir.name}/{design.name}"
            if src_path is None:
                for bug in bug_files:
                    load.records += 1
                    load.skipped += 1
                    load.skipped_reasons[f"{base}/{bug.stem}"] = "no single source file in Source_Code"
                continue
            source = src_path.read_text(errors="replace")
            if controls:
                load.items.append(HlsItem(id=f"{base}/control", kernel=design.name, code=source, original=source,
                                          description="original design", source="chrysalis",
                                          meta={"suite": suite_dir.name, "design": design.name}))
            for bug in bug_files:
                load.records += 1
                pid = f"{base}/{bug.stem}"
                try:
                    record = json.loads(bug.read_text(errors="replace"))
                    specs = record["Error Specification"]
                    if not isinstance(specs, list) or not specs:
                        raise ValueError("no error specification")
                    code, spans, types = apply_record(source, specs)
                except (ValueError, KeyError, TypeError) as exc:
                    load.skipped += 1
                    load.skipped_reasons[pid] = str(exc)
                    log.debug("chrysalis record %s skipped: %s", pid, exc)
                    continue
                load.items.append(HlsItem(id=pid, kernel=design.name, code=code, original=source, types=types,
                                          spans=spans, description=f"Chrysalis record {bug.name}", source="chrysalis",
                                          meta={"suite": suite_dir.name, "design": design.name, "record": bug.stem}))
    if load.skipped:
        log.info("chrysalis: %d of %d bug records did not apply and were skipped", load.skipped, load.records)
    return load
