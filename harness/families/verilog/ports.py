"""The design's ports as the testbench sees them, and connections that only flow into the design.

A module's input port and the testbench net connected to it are one net to the simulator (port
collapsing). A design that ``force``s its own input, drives it with ``supply`` strength, ties it
through a ``tran`` switch, or declares it ``wand``/``tri0``, changes what the testbench and the
reference model see on that net: the reference then computes its answer from the design's
chosen inputs (or from X, which VerilogEval's comparison accepts as matching anything).

:func:`one_way_inputs` rewrites, in trusted sources, every connection to a design input into a
concatenation, ``.a(x)`` -> ``.a({x})``: an expression, not a net, so the port becomes a net of
the design's own, driven from the testbench's and never back. The directions come from the
reference's header (:func:`port_directions`), never from the candidate.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.families.verilog.extract import module_spans
from harness.families.verilog.keywords import KEEP_WORDS
from harness.families.verilog.lexer import Token, tokenize

DIRECTIONS = ("input", "output", "inout", "ref")
Ports = Sequence[tuple[str, str]]  # (name, direction) in declaration order


def _names(toks: list[Token], start: int, stop: str) -> list[tuple[str, str | None]]:
    """(name, direction or None) of the declared names from ``toks[start]`` to ``stop`` at depth 0."""
    out: list[tuple[str, str | None]] = []
    direction: str | None = None
    depth = 0
    for i in range(start, len(toks)):
        t = toks[i]
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and t.text == stop:
            break
        elif depth == 0 and t.text in DIRECTIONS:
            direction = t.text
        elif depth == 0 and t.kind == "ident" and t.text not in KEEP_WORDS:
            nxt = toks[i + 1].text if i + 1 < len(toks) else ""
            if nxt in (",", ")", ";", "[", "=") or nxt == stop:
                out.append((t.text.lstrip("\\"), direction))
    return out


def port_directions(source: str, top: str) -> list[tuple[str, str]]:
    """The ports of module ``top`` in ``source`` with their directions (ANSI or not), in order."""
    for name, start, end in module_spans(source):
        if name.lstrip("\\") != top:
            continue
        toks = tokenize(source[start:end])
        i = 2
        if i < len(toks) and toks[i].text == "#":  # parameter list
            depth = 0
            for j in range(i + 1, len(toks)):
                depth += toks[j].text == "("
                depth -= toks[j].text == ")"
                if depth == 0:
                    i = j + 1
                    break
        if i >= len(toks) or toks[i].text != "(":
            return []
        header = _names(toks, i + 1, ")")
        declared: dict[str, str] = {}
        for j, t in enumerate(toks):  # non-ANSI: `input [3:0] a, b;` in the body
            if t.text in DIRECTIONS and (j == 0 or toks[j - 1].text in (";", ")")):
                for port, direction in _names(toks, j, ";"):
                    declared.setdefault(port, direction or t.text)
        return [(port, direction or declared.get(port, "")) for port, direction in header]
    return []


def bracket_end(toks: list[Token], i: int) -> int:
    """The index of the bracket closing ``toks[i]`` (or the last token)."""
    depth = 0
    for j in range(i, len(toks)):
        depth += toks[j].text in "([{"
        depth -= toks[j].text in ")]}"
        if depth == 0:
            return j
    return len(toks) - 1


def _connections(toks: list[Token], open_i: int, close_i: int) -> list[tuple[int, int]]:
    """Token index ranges [a, b) of the comma-separated items inside ``toks[open_i:close_i]``."""
    items, depth, a = [], 0, open_i + 1
    for j in range(open_i + 1, close_i):
        depth += toks[j].text in "([{"
        depth -= toks[j].text in ")]}"
        if toks[j].text == "," and depth == 0:
            items.append((a, j))
            a = j + 1
    items.append((a, close_i))
    return [(x, y) for x, y in items if x < y]


def one_way_inputs(source: str, designs: Mapping[str, Ports]) -> str:
    """``source`` with every connection to an input of an instance of ``designs`` made one-way."""
    toks = tokenize(source)
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(toks):
        ports = designs.get(toks[i].text.lstrip("\\")) if toks[i].kind == "ident" else None
        if not ports or (i and toks[i - 1].text in ("module", "macromodule", ".")):
            i += 1
            continue
        j = i + 1
        if j < len(toks) and toks[j].text == "#":
            j = bracket_end(toks, j + 1) + 1 if j + 1 < len(toks) and toks[j + 1].text == "(" else j + 2
        while j + 1 < len(toks) and toks[j].kind == "ident":  # inst [range] ( ... ) [, inst2 (...)]
            j += 1
            while j < len(toks) and toks[j].text == "[":
                j = bracket_end(toks, j) + 1
            if j >= len(toks) or toks[j].text != "(":
                break
            close = bracket_end(toks, j)
            edits += _wrap(source, toks, j, close, ports)
            j = close + 1
            if j < len(toks) and toks[j].text == ",":
                j += 1
                continue
            break
        i = j
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def _wrap(source: str, toks: list[Token], open_i: int, close_i: int, ports: Ports) -> list[tuple[int, int, str]]:
    inputs = {name for name, direction in ports if direction == "input"}
    edits = []
    for n, (a, b) in enumerate(_connections(toks, open_i, close_i)):
        if toks[a].text == "." and a + 1 < b and toks[a + 1].text == "*":
            named = [f".{p}({{{p}}})" if p in inputs else f".{p}" for p, _ in ports]
            edits.append((toks[a].start, toks[b - 1].end, ", ".join(named)))
        elif toks[a].text == "." and a + 1 < b:
            port = toks[a + 1].text.lstrip("\\")
            if port not in inputs:
                continue
            if a + 2 == b:  # `.a` connects the net named a
                edits.append((toks[a + 1].end, toks[a + 1].end, f"({{{port}}})"))
            elif toks[a + 2].text == "(" and b - a > 4:  # `.a(expr)`; `.a()` stays unconnected
                edits.append((toks[a + 3].start, toks[b - 2].end, "{" + source[toks[a + 3].start:toks[b - 2].end] + "}"))
        elif n < len(ports) and ports[n][1] == "input":  # positional
            edits.append((toks[a].start, toks[b - 1].end, "{" + source[toks[a].start:toks[b - 1].end] + "}"))
    return edits
