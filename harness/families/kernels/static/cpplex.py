"""A C++ lexer for the CUDA checks: comments, literals and line splices as the compiler reads them.

A regex cannot do this (red team 6 S9: ``R"x(")x"`` is one raw string, but a string regex took
``"x("`` as a literal and then blanked the code up to the next quote, a ``cudaMemcpy`` included).
:func:`lex` follows the translation phases that matter here: a backslash (optionally followed by
spaces) before a newline splices lines, also inside ``//`` comments and ordinary literals, but not
inside raw strings; ``/* */`` and ``//`` comments become one space; string and character literals
(prefixes ``u8``/``u``/``U``/``L``, raw strings ``R"delim(...)delim"``, escapes, digit separators
in numbers such as ``1'000``) become ``""``, their decoded text kept apart. Trigraphs are not
replaced: the builds use C++17 or later, which has none (older ``-std`` flags are rejected).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_SPLICE = re.compile(r"\\[ \t\f\v]*\r?\n")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_RAW_DELIM = re.compile(r'([^()\\\s"]{0,16})\(')
_PREFIXES = ("u8", "u", "U", "L", "")
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@dataclass
class Lexed:
    code: str  # comments -> " ", literals -> '""'; newlines kept (spliced ones moved to the line's end)
    literals: list[str] = field(default_factory=list)  # decoded text, adjacent string literals joined
    unterminated: bool = False  # a literal or comment ran to the end of the text


def _decode(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] in "xuU" and len(e) > 1:
            return chr(min(int(e[1:], 16), 0x10FFFF))
        if e[0] in "01234567":
            return chr(int(e, 8))
        return _SIMPLE.get(e, e)

    return _ESCAPE.sub(one, body)


class _Lexer:
    def __init__(self, src: str, keep_lines: bool = True) -> None:
        self.s = src
        self.keep_lines = keep_lines
        self.i = 0
        self.out: list[str] = []
        self.pending = 0  # newlines removed by splices, re-emitted at the next newline
        self.literals: list[str] = []
        self.last_literal_end = -1  # index in out after the last string literal (for joining)
        self.unterminated = False

    def splice_at(self, i: int) -> int:
        """Length of the line splice at ``i`` (0 when none)."""
        if self.s.startswith("\\", i):
            m = _SPLICE.match(self.s, i)
            if m:
                self.pending += 1
                return m.end() - i
        return 0

    def ch(self) -> str:
        """The next logical character (splices skipped), '' at the end; advances."""
        while True:
            n = self.splice_at(self.i)
            if not n:
                break
            self.i += n
        if self.i >= len(self.s):
            return ""
        c = self.s[self.i]
        self.i += 1
        return c

    def peek(self, k: int = 0) -> str:
        j, left = self.i, k
        while True:
            while True:
                m = _SPLICE.match(self.s, j) if self.s.startswith("\\", j) else None
                if not m:
                    break
                j = m.end()
            if j >= len(self.s):
                return ""
            if left == 0:
                return self.s[j]
            j += 1
            left -= 1

    def emit(self, text: str) -> None:
        if "\n" in text and self.pending:
            text = text.replace("\n", "\n" * (self.pending + 1), 1)
            self.pending = 0
        self.out.append(text)

    def literal(self, text: str, string: bool) -> None:
        joined = string and self.last_literal_end == len(self.out) and self.literals
        if joined:
            self.literals[-1] += text
        else:
            self.literals.append(text)
        self.emit('""')
        self.last_literal_end = len(self.out) if string else -1

    def run(self) -> Lexed:
        while True:
            c = self.ch()
            if not c:
                break
            if c == "/" and self.peek() == "/":
                self.line_comment()
            elif c == "/" and self.peek() == "*":
                self.block_comment()
            elif c in "\"'":
                self.quoted(c, "")
            elif c.isalpha() or c in "_$":
                self.word(c)
            elif c.isdigit() or (c == "." and self.peek().isdigit()):
                self.number(c)
            else:
                keep = self.last_literal_end == len(self.out) and c.isspace()
                self.emit(c)
                if keep:
                    self.last_literal_end = len(self.out)  # whitespace between adjacent literals
        if self.pending:
            self.emit("\n")
        return Lexed("".join(self.out), self.literals, self.unterminated)

    def line_comment(self) -> None:
        while (c := self.peek()) and c != "\n":
            self.ch()
        keep = self.last_literal_end == len(self.out)
        self.emit(" ")
        if keep:
            self.last_literal_end = len(self.out)

    def block_comment(self) -> None:
        self.ch()
        newlines = 0
        while True:
            c = self.ch()
            if not c:
                self.unterminated = True
                break
            newlines += c == "\n"
            if c == "*" and self.peek() == "/":
                self.ch()
                break
        keep = self.last_literal_end == len(self.out)
        self.emit(" " + "\n" * (newlines if self.keep_lines else 0))
        if keep:
            self.last_literal_end = len(self.out)

    def word(self, first: str) -> None:
        text = first
        while (c := self.peek()) and (c.isalnum() or c in "_$"):
            text += self.ch()
        q = self.peek()
        if q in "\"'":
            if text in _PREFIXES:
                self.ch()
                return self.quoted(q, text)
            if q == '"' and text.endswith("R") and text[:-1] in _PREFIXES:
                self.ch()
                return self.raw()
        self.emit(text)
        return None

    def number(self, first: str) -> None:
        text = first
        while (c := self.peek()) and (c.isalnum() or c in "_.'" or (c in "+-" and text[-1] in "eEpP")):
            if c == "'" and not (self.peek(1).isalnum() or self.peek(1) == "_"):
                break
            text += self.ch()
        self.emit(text)

    def quoted(self, quote: str, prefix: str) -> None:
        body = ""
        while True:
            c = self.ch()
            if not c or c == "\n":
                self.unterminated = True
                if c:
                    self.i -= 1
                break
            if c == "\\":
                body += c + self.ch()
                continue
            if c == quote:
                break
            body += c
        self.literal(_decode(body), quote == '"')

    def raw(self) -> None:
        m = _RAW_DELIM.match(self.s, self.i)
        if m is None:  # an invalid raw string: the compiler stops here, so do we
            self.unterminated = True
            self.literal(self.s[self.i:], True)
            self.i = len(self.s)
            return
        end = self.s.find(")" + m.group(1) + '"', m.end())
        if end < 0:
            self.unterminated = True
            body, self.i = self.s[m.end():], len(self.s)
        else:
            body, self.i = self.s[m.end():end], end + len(m.group(1)) + 2
        self.literal(body, True)
        if self.keep_lines:
            self.out[-1] = '""' + "\n" * body.count("\n")


def lex(src: str) -> Lexed:
    """``src`` with comments and literals handled as the compiler reads them (see the module doc)."""
    return _Lexer(src).run()


def strip(src: str) -> str:
    return lex(src).code


def logical_lines(src: str) -> list[str]:
    """The lines of :func:`lex` ``(src).code`` with splices joined (preprocessing directives are
    logical lines; a block comment spanning lines inside one continues it)."""
    return _Lexer(_SPLICE.sub("", src), keep_lines=False).run().code.split("\n")
