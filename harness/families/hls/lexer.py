"""One lexer of C++ source text for the gate's text rules (issue 14, round 9).

The text rules (:func:`harness.families.hls.integrity.check_fix`, :func:`harness.families.hls.scan.check_text`)
read a fix with its comments and literals taken out, so they must split the text exactly where
GCC does: a literal the gate misreads lets it take code for a comment (and skip a directive or a
banned name) or the reverse. Round 9 found two misreadings, both shown by
``tests/security/test_hls_rt9.py``:

* ``R"(" /* ")"``: the old character lexer read the raw string as ``"("`` and took ``/*`` for a
  comment up to the next ``*/``, hiding what lay between from the name rules;
* ``1'0 + sizeof("'/*")``: both lexers took the C++14 digit separator for a character literal
  ``'0 + sizeof("'``, then ``/*`` for a comment: a ``#line`` directive there was hidden from the
  directive rules, and through it an ``asm`` from the token rules.

This lexer takes tokens in GCC's order at each token start: raw strings, strings and characters
(with their ``u8``/``u``/``U``/``L`` prefixes), comments, preprocessing numbers (digit separators,
exponents, suffixes), identifiers (``$`` and non-ASCII letters included, so ``xR"`` is an
identifier and a string), then one character. A string or character literal without its closing
quote runs to the end of its line, as GCC lexes it. Line splices (a backslash, optional blanks,
a newline: GCC joins those too) are joined first by :func:`join_splices`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

_SPLICE = re.compile(r"\\[ \t\f\v]*\r?\n")
_PREFIX = r"(?:u8|u|U|L)?"
_LEX = re.compile(rf"""
    (?P<raw>{_PREFIX}R"(?P<delim>[^()\\\s]{{0,16}})\((?:.|\n)*?\)(?P=delim)")
  | (?P<str>{_PREFIX}"(?:[^"\\\n]|\\.)*\\?(?:"|(?=\n)|\Z))
  | (?P<chr>{_PREFIX}'(?:[^'\\\n]|\\.)*\\?(?:'|(?=\n)|\Z))
  | (?P<block>/\*(?:.|\n)*?(?:\*/|\Z))
  | (?P<line>//[^\n]*)
  | (?P<num>\.?[0-9](?:[eEpP][+-]|'[A-Za-z0-9_]|[A-Za-z0-9_.])*)
  | (?P<ident>(?:[A-Za-z_$]|[^\x00-\x7f])(?:[A-Za-z0-9_$]|[^\x00-\x7f])*)
  | (?P<other>\s+|.)
""", re.VERBOSE)
#: The start of a raw string literal anywhere in the text (in comments and literals too: the
#: ``raw-string`` rule errs on the side of seeing one).
RAW_STRING_START = re.compile(r'(?<![A-Za-z0-9_$])(?:u8|u|U|L)?R"')


def join_splices(code: str) -> str:
    """``code`` with its line splices joined (backslash, optional blanks, newline), as GCC's phase 2."""
    return _SPLICE.sub("", code)


def lex(code: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` for each token of ``code`` (splices already joined), whitespace included:
    kinds ``raw``, ``str``, ``chr``, ``block``, ``line``, ``num``, ``ident``, ``other``."""
    for m in _LEX.finditer(code):
        kind = m.lastgroup or "other"
        yield ("raw" if kind == "delim" else kind), m.group(0)


def strip(code: str, *, literals: bool) -> str:
    """``code`` with each comment replaced by a space (its newlines kept) and, with ``literals``,
    each string or character literal emptied to its quotes (``""``, ``''``; newlines kept)."""
    out: list[str] = []
    for kind, text in lex(code):
        if kind in ("block", "line"):
            out.append(" " + "\n" * text.count("\n"))
        elif literals and kind in ("raw", "str", "chr"):
            quote = "'" if kind == "chr" else '"'
            out.append(quote * 2 + "\n" * text.count("\n"))
        else:
            out.append(text)
    return "".join(out)
