"""A small Verilog tokenizer: enough to mask comments and strings, find mutation sites and scan
what the compiler sees (:mod:`harness.families.verilog.integrity`).

It reads ASCII the way Icarus's lexer does: ``\\w`` is ``[A-Za-z0-9_]``, an escaped identifier
runs to the next blank, and ``$name`` is one token (a system task or function).
"""
from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<comment>//[^\r\n]*|/\*.*?\*/)
      | (?P<string>"(?:\\.|[^"\\\n])*")
      | (?P<number>(?:\d[\d_]*)?\s*'[sS]?[bBoOdDhH]\s*[0-9a-fA-FxXzZ_?]+|'[01xXzZ](?![\w$])|\d[\d_]*(?:\.\d+)?)
      | (?P<directive>`\w+)
      | (?P<systask>\$[\w$]+)
      | (?P<ident>[A-Za-z_][\w$]*|\\[^ \t\b\f\r\n]+)
      | (?P<op>===|!==|<<<|>>>|==|!=|<=|>=|&&|\|\||<<|>>|~&|~\||~\^|\^~|\+:|-:|->|\*\*|[-+*/%&|^~!<>=?:;,()\[\]{}@#.'])
      | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL | re.ASCII,
)


class Token(NamedTuple):
    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def normalize_newlines(text: str) -> str:
    """``text`` with every CR LF and lone CR made LF. Icarus ends a line (and a ``//`` comment) at a
    lone CR; text read otherwise could hide code after ``// note\\r`` from the scan and the dedup key
    (red team 10a S4), so candidate code is normalised before anything reads or compiles it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def tokenize(src: str) -> list[Token]:
    """All tokens except whitespace and comments."""
    out = []
    for m in _TOKEN.finditer(src):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        out.append(Token(kind, m.group(), m.start()))
    return out


def pieces(src: str) -> list[tuple[str, str]]:
    """(kind, text) of every piece of ``src`` in order, whitespace and comments included: the
    texts join back into ``src``."""
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(src)]


def mask_comments(src: str) -> str:
    """``src`` with comments and string contents replaced by spaces (offsets preserved)."""
    chars = list(src)
    for m in _TOKEN.finditer(src):
        if m.lastgroup == "comment":
            for i in range(m.start(), m.end()):
                if chars[i] != "\n":
                    chars[i] = " "
        elif m.lastgroup == "string":
            for i in range(m.start() + 1, m.end() - 1):
                chars[i] = " "
    return "".join(chars)


def blank_comments(src: str) -> str:
    """``src`` with every comment replaced by blanks (newlines kept, so line numbers hold)."""
    out = []
    pos = 0
    for m in _TOKEN.finditer(src):
        if m.lastgroup == "comment":
            out.append(src[pos:m.start()])
            out.append(re.sub(r"[^\n]", " ", m.group()))
            pos = m.end()
    out.append(src[pos:])
    return "".join(out)
