"""Loader for a Chrysalis-HLS checkout (https://github.com/UIUC-ChenLab/Chrysalis-HLS).

Layout: ``HLS_Bug_Dataset/<suite>/<design>/Source_Code/<design>.cpp`` and
``.../Bugs/bug_<T1>[_<T2>].txt``, each bug file a JSON record::

    {"Error Size": 1, "Error Specification": [
        {"Error Type": "OOB", "Original Code": "...", "Faulty Code": "..."}]}

How a specification is applied (snippets are matched up to whitespace, on token boundaries):

* a faulty snippet that is the original with ``#pragma`` lines added (before, inside or after
  it) inserts only those pragma lines, at the matching places in the source, which keeps the
  source's own text: the bug is the pragma, as labelled, not a duplicated statement;
* a faulty snippet made only of pragma lines, whose original is not a pragma, is inserted on a
  new line after the original (its anchor), which stays;
* anything else replaces the original; a faulty snippet with a ``#pragma`` after code on the
  same line (which would swallow that code) is skipped as ``inline_pragma``.

A snippet that occurs more than once is resolved to its one verbatim occurrence when there is
exactly one, else the record is dropped as ``ambiguous`` (records give no line numbers). Two
specifications that replace overlapping code are ``conflicting``. Every record that does not
apply is skipped, with its reason counted (:attr:`ChrysalisLoad.skipped_by_reason`). There are
no testbenches, so these items are scored on detection, localisation and type only. Ids are
``<suite>/<design>/<bug file stem>``.
"""
from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.families.hls.items import HlsItem
from harness.families.hls.taxonomy import normalize_type

log = logging.getLogger(__name__)

#: Why a record was skipped, by reason code.
SKIP_REASONS: dict[str, str] = {
    "bad_record": "the file is not a JSON record with an error specification",
    "no_source": "the design has no single source file in Source_Code",
    "no_change": "original and faulty code are the same",
    "not_found": "the original code does not occur in the source",
    "conflicting": "two specifications of the record edit the same code",
    "ambiguous": "the original code occurs more than once and no single occurrence is verbatim",
    "elided": "an elided original ('...') can only anchor an inserted pragma",
    "inline_pragma": "the faulty code has a #pragma after other code on its line (not a directive C++ can hold)",
}


class RecordError(ValueError):
    """A record that does not apply; ``kind`` is a key of :data:`SKIP_REASONS`."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


@dataclass
class ChrysalisLoad:
    items: list[HlsItem] = field(default_factory=list)
    records: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, str] = field(default_factory=dict)  # problem id -> why
    skipped_by_reason: Counter[str] = field(default_factory=Counter)  # reason code -> records

    def skip(self, pid: str, exc: Exception) -> None:
        self.skipped += 1
        self.skipped_reasons[pid] = str(exc)
        self.skipped_by_reason[getattr(exc, "kind", "bad_record")] += 1


def dataset_root(path: Path) -> Path:
    """``path`` itself, or its ``HLS_Bug_Dataset`` folder when given a checkout."""
    return path / "HLS_Bug_Dataset" if (path / "HLS_Bug_Dataset").is_dir() else path


def _pattern(snippet: str) -> re.Pattern[str] | None:
    tokens = snippet.split()
    if not tokens:
        return None
    body = r"\s*".join(re.escape(t) for t in tokens)
    head = r"(?<!\w)" if re.match(r"\w", tokens[0]) else ""
    tail = r"(?!\w)" if re.search(r"\w$", tokens[-1]) else ""
    return re.compile(head + body + tail)


def _overlaps(span: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)


def _locate(source: str, snippet: str, taken: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The one place of ``snippet`` in ``source`` not overlapping ``taken`` (RecordError if none)."""
    pattern = _pattern(snippet)
    spans = [m.span() for m in pattern.finditer(source)] if pattern else []
    if not spans:
        raise RecordError("not_found", f"original code not found: {snippet.strip()[:60]!r}")
    free = [s for s in spans if not _overlaps(s, taken)]
    if not free:
        raise RecordError("conflicting", f"another specification already edits {snippet.strip()[:60]!r}")
    if len(free) > 1:
        verbatim = [s for s in free if source[s[0]:s[1]] == snippet.strip()]
        if len(verbatim) != 1:
            raise RecordError("ambiguous", f"original code occurs {len(free)} times: {snippet.strip()[:60]!r}")
        return verbatim[0]
    return free[0]


def _unquote(text: str) -> str:
    stripped = text.strip()
    for q in ('"""', "'''"):
        if stripped.startswith(q) and stripped.endswith(q) and len(stripped) >= 6:
            return stripped[3:-3]
    return text


def _is_pragma(text: str) -> bool:
    return text.strip().startswith("#pragma")


def _pragma_split(faulty: str) -> tuple[list[tuple[int, str]], str]:
    """The pragma lines of ``faulty``, each with the number of code tokens before it, and the
    faulty code without them."""
    pragmas: list[tuple[int, str]] = []
    rest: list[str] = []
    for line in faulty.split("\n"):
        if _is_pragma(line):
            pragmas.append((len(" ".join(rest).split()), line.strip()))
        else:
            rest.append(line)
    return pragmas, "\n".join(rest)


def _token_end(source: str, start: int, tokens: Sequence[str], k: int) -> int:
    """The position just after the ``k``-th token of the match of ``tokens`` at ``start``."""
    pos = start
    for tok in tokens[:k]:
        while source[pos].isspace():
            pos += 1
        pos += len(tok)
    return pos


def _insertion(source: str, pos: int, text: str) -> tuple[int, str]:
    """Where and what to insert so that ``text`` stands on lines of its own at ``pos``."""
    line_start = source.rfind("\n", 0, pos) + 1
    if not source[line_start:pos].strip():
        return line_start, text + "\n"
    line_end = source.find("\n", pos)
    line_end = len(source) if line_end < 0 else line_end
    if not source[pos:line_end].strip():
        return line_end, "\n" + text
    return pos, "\n" + text + "\n"


_INLINE_PRAGMA = re.compile(r"^[^\n]*\S[^\n]*#\s*pragma\b", re.MULTILINE)
_Edit = tuple[int, int, str, int]  # start, end, new text, index of the spec


def _anchored_pragma(source: str, n: int, orig: str, pragmas: Sequence[str]) -> _Edit:
    if "..." in orig:  # an elided body: only the head anchors the pragma
        orig = orig.split("...")[0].rstrip().rstrip("{").rstrip()
    span = _locate(source, orig, [])
    pos = source.find("\n", span[1])
    pos = len(source) if pos < 0 else pos
    nxt = source.find("\n", pos + 1)
    if source[pos + 1: len(source) if nxt < 0 else nxt].strip() == "{":
        pos = len(source) if nxt < 0 else nxt
    return pos, pos, "\n" + "\n".join(pragmas), n


def _spec_edits(source: str, n: int, orig: str, faulty: str, taken: list[tuple[int, int]]) -> list[_Edit]:
    """The edits of one specification (``taken`` gains the span it replaces)."""
    pragmas, rest = _pragma_split(faulty)
    if pragmas and not _is_pragma(orig):
        if rest.split() == orig.split():  # the original with pragma lines added: insert only those
            span = _locate(source, orig, [])
            edits = []
            for k, line in pragmas:
                pos, text = _insertion(source, _token_end(source, span[0], orig.split(), k), line)
                edits.append((pos, pos, text, n))
            return edits
        if not rest.strip():
            return [_anchored_pragma(source, n, orig, [line for _, line in pragmas])]
    if "..." in orig:
        raise RecordError("elided", f"elided original code cannot be replaced: {orig.strip()[:60]!r}")
    span = _locate(source, orig, taken)
    taken.append(span)
    return [(span[0], span[1], faulty, n)]


def _splice(source: str, edits: Sequence[_Edit], n_specs: int) -> tuple[str, list[tuple[int, int]]]:
    out: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    last = 0
    for start, end, new, n in sorted(edits, key=lambda e: (e[0], e[1], e[3])):
        if start < last:
            raise RecordError("conflicting", "two specifications edit the same code")
        out.append(source[last:start])
        first = "".join(out).count("\n") + 1 + (len(new) - len(new.lstrip("\n")))
        this = (first, first + new.strip("\n").count("\n"))
        old = spans.get(n)
        spans[n] = this if old is None else (min(old[0], this[0]), max(old[1], this[1]))
        out.append(new)
        last = end
    out.append(source[last:])
    return "".join(out), [spans[n] for n in range(n_specs)]


def apply_record(source: str, specs: Sequence[dict[str, object]]) -> tuple[str, list[tuple[int, int]], list[str]]:
    """The buggy source, the 1-based line span of each change in it, and the types.

    Raises :class:`RecordError` when the record does not apply to ``source``.
    """
    edits: list[_Edit] = []
    taken: list[tuple[int, int]] = []
    types: list[str] = []
    for n, spec in enumerate(specs):
        orig, faulty = _unquote(str(spec.get("Original Code", ""))), _unquote(str(spec.get("Faulty Code", "")))
        types.append(normalize_type(spec.get("Error Type")) or "UNKNOWN")
        if orig.split() == faulty.split():
            raise RecordError("no_change", "original and faulty code are the same")
        if _INLINE_PRAGMA.search(faulty):
            raise RecordError("inline_pragma", f"#pragma after code on one line: {faulty.strip()[:60]!r}")
        edits.extend(_spec_edits(source, n, orig, faulty, taken))
    for start, _, _, _ in edits:
        if any(a < start < b for a, b in taken):
            raise RecordError("conflicting", "a pragma would be inserted inside another specification's edit")
    code, spans = _splice(source, edits, len(specs))
    return code, spans, types


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
                    load.skip(f"{base}/{bug.stem}", RecordError("no_source", "no single source file in Source_Code"))
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
                        raise RecordError("bad_record", "no error specification")
                    code, spans, types = apply_record(source, specs)
                except (ValueError, KeyError, TypeError) as exc:
                    load.skip(pid, exc)
                    log.debug("chrysalis record %s skipped: %s", pid, exc)
                    continue
                load.items.append(HlsItem(id=pid, kernel=design.name, code=code, original=source, types=types,
                                          spans=spans, description=f"Chrysalis record {bug.name}", source="chrysalis",
                                          meta={"suite": suite_dir.name, "design": design.name, "record": bug.stem}))
    if load.skipped:
        log.info("chrysalis: %d of %d bug records did not apply and were skipped (%s)", load.skipped, load.records,
                 ", ".join(f"{k}: {v}" for k, v in sorted(load.skipped_by_reason.items())))
    return load
