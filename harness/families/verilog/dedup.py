"""The dedup key of a Verilog answer: candidates with equal keys share one verdict, so two texts
may get one key only when the tool cannot tell them apart.

The key is the exact text with only comments and runs of blanks canonicalised, never a token
stream (a lexer that splits ``0ns`` into ``0`` ``ns`` made ``#0ns ;``, a null statement after a
zero delay, hash like ``#0 ns ;``, a zero delay then a call of a task named ``ns``):

- every character outside comments and blanks is kept as written, so time literals (``1.5ps``),
  based numbers (``4'b1010`` against ``4 'b 1010``), escaped identifiers, strings, ``$`` names,
  attributes and macro text keep every boundary the tool sees;
- a run of blanks (space, tab, newline) becomes one space, or, when the answer holds a backtick
  (compiler directives end at their line; `` `__LINE__ `` counts lines), as many newlines as it
  held; it is never removed between two tokens, and kept as written after a backslash (a line
  continuation) or when it holds any other blank character;
- a comment counts as blanks (the compiler reads it as one), except on the logical line of a
  directive (backslash continuations joined; a backtick followed by anything but the name of a
  macro the answer defines) and inside a macro call's argument list (or between the macro's
  name and what follows it): there it keeps its kind and its line count but not its words, since
  Icarus's preprocessor deletes such comments, pasting ``ab/**/cd`` in a `` `define `` body or
  in `` `P(ab/**/cd) `` into ``abcd``. A ``//`` comment ending in a backslash stays as written;
- an answer holding SystemVerilog's macro string quote (`` `" ``) or a quote that opens no string
  is keyed on its exact text, and so is one that a size limit could tell from another text of its
  key (:func:`size_safe`: one defining a macro, or near a limit).
"""
from __future__ import annotations

import json
import re

from harness.families.verilog.lexer import pieces
from harness.types import sha256_text

_PLAIN_BLANKS = re.compile(r"[ \t\n]*")
_DEFINED = re.compile(r"`define[ \t]+(\w+)")
_BACKTICK = re.compile(r"`(\w*)")


def _directive_lines(code: str) -> set[int]:
    """Physical line numbers that belong to a logical line (backslash continuations joined)
    holding a directive: a backtick not followed by the name of a macro the code defines."""
    macros = set(_DEFINED.findall(code))
    lines = code.split("\n")
    out: set[int] = set()
    i = 0
    while i < len(lines):
        start = i
        while lines[i].endswith("\\") and i + 1 < len(lines):
            i += 1
        words = [w for j in range(start, i + 1) for w in _BACKTICK.findall(lines[j])]
        if any(w not in macros for w in words):
            out.update(range(start, i + 1))
        i += 1
    return out


def canonical_text(code: str) -> str | None:
    """The text the key hashes, or None when only the exact text is safe."""
    if '`"' in code or '"""' in code:  # a triple-quoted string: Verilator reads the text inside as text
        return None
    lines = _directive_lines(code)
    macros = set(_DEFINED.findall(code))
    line_mode = "`" in code
    out: list[str] = []
    run: list[str] = []  # blanks (comments read as blanks included) not yet written
    raw: list[str] = []  # the same run as written
    line, depth, after_use = 0, 0, False
    for kind, text in pieces(code):
        first, line = line, line + text.count("\n")
        if kind == "other" and text == '"':
            return None
        if kind == "comment" and (depth or after_use or any(n in lines for n in range(first, line + 1))):
            kind, text = "marker", _marker(text)
        if kind in ("ws", "comment"):
            run.append(text if kind == "ws" else "\n" * text.count("\n"))
            raw.append(text)
            continue
        if kind != "marker":  # a macro's argument list: its comments are pasted away, not blanks
            if after_use and text == "(":
                depth += 1
            elif depth:
                depth += (text == "(") - (text == ")")
            after_use = kind == "directive" and text[1:] in macros
        out.append(_blanks("".join(run), "".join(raw), out, line_mode))
        run, raw = [], []
        out.append(text)
    if out and out[-1].endswith("\\"):
        out.append("".join(raw))
    return "".join(out)


def _marker(comment: str) -> str:
    if comment.startswith("//"):
        return comment if comment.endswith("\\") else "//"
    return "/*" + "\n" * comment.count("\n") + "*/"


def _blanks(run: str, raw: str, out: list[str], line_mode: bool) -> str:
    """What a run of blanks between two kept pieces becomes."""
    if not raw:
        return ""
    if (out and out[-1].endswith("\\")) or not _PLAIN_BLANKS.fullmatch(run):
        return raw
    newlines = run.count("\n")
    if line_mode and newlines:
        return "\n" * newlines
    return " " if out else ""


def size_safe(code: str) -> bool:
    """Can no size limit of the checks tell ``code`` from another text of its canonical key? True when
    it defines no macro (an expansion multiplies its blanks) and is well under the largest preprocessed
    text accepted (rule ``size``) and the compiled text that travels back for synthesis, so that every
    text of the key is under both (red team 15 S3: 3 MiB of spaces in an answer holding a backtick
    shared the key of the same answer without them: one ``rejected``, the other ``pass``)."""
    from harness.jobs.verilog_check import MAX_PREPROCESSED, RETURN_CAP

    return "`define" not in code and len(code.encode()) <= MAX_PREPROCESSED // 2 and \
        len(json.dumps(code)) <= RETURN_CAP - 4096


def normalized_sha256(code: str) -> str:
    """The dedup key of ``code`` (see the module docstring)."""
    text = canonical_text(code) if size_safe(code) else None
    return sha256_text("exact\0" + code) if text is None else sha256_text(text)
