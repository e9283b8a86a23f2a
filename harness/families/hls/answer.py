"""Lenient parsing of a model's answer to an HLS bug-finding prompt.

Accepted shapes: a fenced ```json block or a bare ``{...}`` object with ``buggy``, ``line``,
``type`` and ``fix``; the fixed code may instead (or also) come in a separate ```cpp block.
JSON slips models make are forgiven (Python literals, trailing commas, raw newlines inside
strings, quoted numbers); when the object does not parse, the fields are read one by one. Code
that was copied with the prompt's line numbers (``  12 | ...``) gets them stripped.

Fences follow CommonMark (:func:`fenced_blocks`): three or more backticks or tildes, closed only by
a line of the same character at least as long (a ````` ```` ````` block is not closed by ```` ``` ````;
one never closed runs to the end of the answer); a code block's info string is a C/C++ language
name (``cpp``, ``c``, ``cc``, ``cxx``, ``h``, ``hlscpp``...) or a file name with a C/C++ extension
(``kernel.cpp``). Of several kernel files the last wins; with ``shown`` (the code the prompt
showed), a file identical to it is not the fix where another file changes it (:func:`choose_fix`:
honest round 16, the fixed file followed by the original "for comparison").
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.families.hls.taxonomy import normalize_type

#: An opening fence (CommonMark, indentation aside): three or more backticks or tildes and an info
#: string (a backtick fence's info string holds no backtick, so ```` ```x``` ```` on one line is none).
_OPEN = re.compile(r"^[ \t]*(?:(?P<ticks>`{3,})(?P<tinfo>[^`\n]*)|(?P<tildes>~{3,})(?P<info>[^\n]*))$")
_LANG = re.compile(r"[\w+#.-]*")
_CODE_LANGS = {"", "cpp", "c++", "cxx", "cc", "c", "h", "hpp", "hh", "hxx", "hls", "hlscpp", "hls-cpp", "hls_cpp",
               "vitis", "diff_none"}
#: An info string that is a file name of C/C++ source (```` ```kernel.cpp ````).
_CODE_FILE = re.compile(r"[\w.+-]*\.(?:cpp|cc|cxx|c\+\+|c|h|hpp|hh|hxx)")
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


def fenced_blocks(text: str) -> tuple[list[tuple[str, str]], str]:
    """``([(language, body), ...], the text outside the blocks)``: CommonMark fenced code blocks.
    A fence is three or more backticks or tildes (any indentation); it closes at a line holding
    only the same character, at least as many times; one never closed runs to the end of ``text``
    (so a ```` ``` ```` line inside a four-backtick block is part of its body). The language is the
    start of the info string (``cpp``, ``kernel.cpp``)."""
    blocks: list[tuple[str, str]] = []
    outside: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _OPEN.match(line.rstrip("\r")) if "```" in line or "~~~" in line else None
        if m is None:
            outside.append(line)
            i += 1
            continue
        fence = m.group("ticks") or m.group("tildes")
        info = (m.group("tinfo") if m.group("ticks") else m.group("info")) or ""
        j = i + 1
        while j < len(lines) and not _closes(lines[j], fence):
            j += 1
        body = lines[i + 1: j]
        # the body ends with a newline where a line follows it (the closing fence's or the text's end)
        blocks.append((_LANG.match(info.strip()).group(0), "\n".join(body) + ("\n" if body and j < len(lines) else "")))  # type: ignore[union-attr]
        outside.append(" ")
        i = j + 1
    return blocks, "\n".join(outside)


def _closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes a block opened by ``fence``: blanks, the fence's character at least as
    many times, blanks (CommonMark)."""
    body = line.rstrip("\r").strip(" \t")
    return len(body) >= len(fence) and body == fence[0] * len(body)


def _is_code_lang(lang: str) -> bool:
    return lang.lower() in _CODE_LANGS or _CODE_FILE.fullmatch(lang.lower()) is not None


def _code_candidates(blocks: list[tuple[str, str]]) -> list[str]:
    """The blocks that may be the fixed kernel file, in order: kernel files (not a header or a
    testbench a model echoed or wrote) that hold an ``#include`` (whole files), else all kernel
    code blocks."""
    code = [body for lang, body in blocks if _is_code_lang(lang) and not body.lstrip().startswith("{")
            and _looks_like_code(body)]
    kernel = [c for c in code if not _MAIN.search(c) and not _HEADER.match(c)] or code
    full = [c for c in kernel if "#include" in c]
    return full or kernel


def choose_fix(candidates: Sequence[str], shown: str | None = None) -> str | None:
    """The fix among the answer's kernel files: the last one, except that with ``shown`` (the code
    the prompt showed) a file that does not change it (:func:`integrity.changed_lines` is 0: the
    original echoed "for comparison") is passed over where another file changes it. Of several
    files that change the code the last is still the one (an answer never gets more than one fix
    executed); a file changing nothing is chosen only where no file changes anything."""
    if not candidates:
        return None
    if shown is not None:
        same = _code_lines(shown)
        changed = [c for c in candidates if _code_lines(strip_line_numbers(c)) != same]
        if changed:
            return changed[-1]
    return candidates[-1]


def _code_lines(code: str) -> list[str]:
    """The non-blank lines of ``code``, stripped: two texts have none of :func:`integrity.changed_lines`
    between them exactly when these are equal (compared in linear time, whatever an answer holds)."""
    return [ln.strip() for ln in code.replace("\r\n", "\n").split("\n") if ln.strip()]


def normalize_newlines(text: str) -> str:
    """``text`` with every CR LF and lone CR made LF, as the compiler reads line ends."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_answer(text: str | None, shown: str | None = None) -> HlsAnswer | None:
    """The answer in ``text``, or None when nothing usable is there (``no_code``). ``shown``: the
    code the prompt showed, which lets :func:`choose_fix` pass over an echoed original."""
    if not text or not text.strip():
        return None
    text = normalize_newlines(text)
    shown = normalize_newlines(shown) if shown is not None else None
    blocks, outside = fenced_blocks(text)
    json_blobs = [body for lang, body in blocks if lang.lower() in ("json", "json5", "jsonc")]
    json_blobs += [body for lang, body in blocks if lang.lower() not in ("json", "json5", "jsonc") and body.lstrip().startswith("{")]
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
    if fix_text is not None and ("```" in fix_text or "~~~" in fix_text):
        fix_text = choose_fix(_code_candidates(fenced_blocks(fix_text)[0]), shown) or fix_text
    if fix_text is None:
        fix_text = choose_fix(_code_candidates(blocks), shown)
    if fix_text is not None:
        # GCC ends a line at a lone CR, the checks' line rules at LF only: a directive after `x;\r` was
        # compiled and never scanned (red team s16 rth2); the fix is compiled as normalised here
        fix_text = strip_line_numbers(normalize_newlines(fix_text))
        if not fix_text.endswith("\n"):
            fix_text += "\n"
    if not data and fix_text is None:
        return None
    return HlsAnswer(buggy=_as_bool(data.get("buggy")), line=_as_line(data.get("line")),
                     type=normalize_type(_scalar(data.get("type"))), fix=fix_text)
