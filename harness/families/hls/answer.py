"""Lenient parsing of a model's answer to an HLS bug-finding prompt.

Accepted shapes: a fenced ```json block or a bare ``{...}`` object with ``buggy``, ``line``,
``type`` and ``fix``; the fixed code may instead (or also) come in a separate ```cpp block.
JSON slips models make are forgiven (Python literals, trailing commas, raw newlines inside
strings, quoted numbers); when the object does not parse, the fields are read one by one. Code
that was copied with the prompt's line numbers (``  12 | ...``) gets them stripped.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from harness.families.hls.taxonomy import normalize_type

_FENCE = re.compile(r"^[ \t]*```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:^[ \t]*```[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
_CODE_LANGS = {"", "cpp", "c++", "cxx", "cc", "c", "h", "hpp", "hls", "vitis", "diff_none"}
_MAIN = re.compile(r"\bint\s+main\s*\(")
_HEADER = re.compile(r"\s*(?://[^\n]*\n\s*)*(#ifndef\s+\w+\s*\n\s*#define\b|#pragma\s+once\b)")
_NUMBERED = re.compile(r"^\s*\d+\s*[|:]\s?")
_TRUE = {"true", "yes", "y", "1", "buggy", "bug", "has_bug"}
_FALSE = {"false", "no", "n", "0", "none", "clean", "correct", "bug_free", "no_bug"}


@dataclass(frozen=True)
class HlsAnswer:
    buggy: bool | None
    line: int | None
    type: str | None
    fix: str | None


def _balanced_objects(text: str) -> list[str]:
    """Top-level ``{...}`` substrings (string-aware brace matching)."""
    out, depth, start, in_str, esc = [], 0, -1, False, False
    for i, ch in enumerate(text):
        if in_str:
            esc = (ch == "\\") and not esc
            if ch == '"' and not esc:
                in_str = False
            continue
        if ch == '"' and depth > 0:
            in_str, esc = True, False
        elif ch == "{":
            depth, start = depth + 1, i if depth == 0 else start
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                out.append(text[start: i + 1])
    return out


def _loads(blob: str) -> dict[str, object] | None:
    attempts = [blob]
    fixed = re.sub(r"\bTrue\b", "true", blob)
    fixed = re.sub(r"\bFalse\b", "false", fixed)
    fixed = re.sub(r"\bNone\b", "null", fixed)
    fixed = re.sub(r",\s*([}\]])", r"\1", fixed)
    attempts.append(fixed)
    for attempt in attempts:
        try:
            data = json.loads(attempt, strict=False)
        except (ValueError, RecursionError, MemoryError):  # not JSON, or nested too deep (red team 7 S4)
            continue
        if isinstance(data, dict):
            return data
    return None


def _fields_by_regex(blob: str) -> dict[str, object]:
    found: dict[str, object] = {}
    m = re.search(r'"?buggy"?\s*[:=]\s*"?(\w+)', blob, re.IGNORECASE)
    if m:
        found["buggy"] = m.group(1)
    m = re.search(r'"?line"?\s*[:=]\s*"?(-?\d+|null|None)', blob, re.IGNORECASE)
    if m:
        found["line"] = m.group(1)
    m = re.search(r'"?type"?\s*[:=]\s*"([^"\n]*)"', blob, re.IGNORECASE)
    if m:
        found["type"] = m.group(1)
    return found


def _scalar(value: object) -> object:
    """A field's value with lists unwrapped to their first item (iteratively: the answer controls
    the depth), and None for what is still a container: nothing nested reaches ``str()``."""
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return value if isinstance(value, (str, int, float)) else None


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    value = _scalar(value)
    if value is None:
        return None
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    return True if text in _TRUE else False if text in _FALSE else None


_MAX_LINE_DIGITS = 9  # no kernel has a billion lines: a longer number is no line (int() would refuse 4301 digits)


def _as_line(value: object) -> int | None:
    """The line number a field holds. Iterative over lists (an answer controls their depth), and
    never ``int()`` of an infinite or NaN float (OverflowError/ValueError) or of a number of
    thousands of digits (ValueError): anything that is no plausible line is None."""
    value = _scalar(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 0 < value < 10 ** _MAX_LINE_DIGITS else None
    if isinstance(value, float):
        return int(value) if 0 < value < 10 ** _MAX_LINE_DIGITS else None  # False for inf and NaN
    m = re.search(r"\d+", str(value))
    if m is None or len(m.group(0).lstrip("0")) > _MAX_LINE_DIGITS:
        return None
    return int(m.group(0)) or None


def strip_line_numbers(code: str) -> str:
    """Remove ``NN | `` prefixes when (nearly) every non-empty line carries one."""
    lines = code.split("\n")
    filled = [ln for ln in lines if ln.strip()]
    if filled and sum(bool(_NUMBERED.match(ln)) for ln in filled) >= 0.8 * len(filled):
        lines = [_NUMBERED.sub("", ln, count=1) for ln in lines]
    return "\n".join(lines)


def _looks_like_code(text: str) -> bool:
    return bool(re.search(r"[;{}]", text)) and len(text.strip()) >= 20


def _pick_code(blocks: list[tuple[str, str]]) -> str | None:
    code = [body for lang, body in blocks if lang.lower() in _CODE_LANGS and not body.lstrip().startswith("{")
            and _looks_like_code(body)]
    if not code:
        return None
    # a model may also echo the header or write a testbench: prefer a kernel file
    kernel = [c for c in code if not _MAIN.search(c) and not _HEADER.match(c)] or code
    full = [c for c in kernel if "#include" in c]
    return (full or kernel)[-1]


def parse_answer(text: str | None) -> HlsAnswer | None:
    """The answer in ``text``, or None when nothing usable is there (``no_code``)."""
    if not text or not text.strip():
        return None
    blocks = [(lang, body) for lang, body in _FENCE.findall(text)]
    json_blobs = [body for lang, body in blocks if lang.lower() in ("json", "json5", "jsonc")]
    json_blobs += [body for lang, body in blocks if lang.lower() not in ("json", "json5", "jsonc") and body.lstrip().startswith("{")]
    outside = _FENCE.sub(" ", text)
    json_blobs += [obj for obj in _balanced_objects(outside) if re.search(r"buggy", obj, re.IGNORECASE)]
    data: dict[str, object] = {}
    for blob in json_blobs:
        parsed = _loads(blob.strip())
        if parsed is not None and any(k in parsed for k in ("buggy", "line", "type", "fix")):
            data = parsed
            break
    if not data:
        for blob in [*json_blobs, outside]:
            data = _fields_by_regex(blob)
            if data:
                break
    fix = data.get("fix")
    fix_text = fix if isinstance(fix, str) and _looks_like_code(fix) else None
    if fix_text is not None and "```" in fix_text:
        fix_text = _pick_code(_FENCE.findall(fix_text)) or fix_text
    if fix_text is None:
        fix_text = _pick_code(blocks)
    if fix_text is not None:
        fix_text = strip_line_numbers(fix_text)
        if not fix_text.endswith("\n"):
            fix_text += "\n"
    if not data and fix_text is None:
        return None
    return HlsAnswer(buggy=_as_bool(data.get("buggy")), line=_as_line(data.get("line")),
                     type=normalize_type(_scalar(data.get("type"))), fix=fix_text)
