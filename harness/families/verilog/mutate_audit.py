"""The testbench audit's extra Verilog mutation operators: stuck bits, off-by-one bounds and
selects, and wrong reset values, added to :func:`harness.families.verilog.mutate.mutations` by
:func:`audit_mutations` (the ``mutant`` baseline draws from ``mutations`` alone). Sites are
found on tokens, so comments and strings are never touched.
"""
from __future__ import annotations

import re

from harness.families.verilog.lexer import Token, tokenize
from harness.families.verilog.mutate import (
    _BASES,
    _PROCEDURAL_STARTERS,
    _SIZED,
    Mutation,
    _format_sized,
    _line,
    _matching,
    _statement_end,
    mutations,
)

_DECL_KW = {"input", "output", "inout", "wire", "reg", "logic"}
_DECL_SKIP = {"wire", "reg", "logic", "signed", "unsigned", "var"}
_RELATIONAL = {"<", "<=", ">", ">=", "==", "!="}
_RESET_NAME = re.compile(r"(?i)^(a|s)?(rst|reset|clr|clear)(_?n|_?b|_?ni)?$")


def _int_literal(text: str) -> tuple[int, int | None] | None:
    """(value, width or None) of a plain decimal or sized literal without x/z/?."""
    m = _SIZED.match(text)
    if m:
        width, _, base, digits = m.groups()
        return int(digits.replace("_", ""), _BASES[base.lower()]), int(width.replace("_", "")) if width else None
    if text.replace("_", "").isdigit():
        return int(text.replace("_", "")), None
    return None


def _with_value(text: str, value: int) -> str:
    """The literal ``text`` rewritten to hold ``value`` (same width, base and signedness)."""
    m = _SIZED.match(text)
    if m:
        width, signed, base, _ = m.groups()
        return _format_sized(width, signed, base, value)
    return str(value)


def declared_widths(toks: list[Token]) -> dict[str, int]:
    """Widths of the signals declared in ``toks`` (one module) with a numeric range or none (1 bit);
    arrays and parameterised ranges are left out."""
    out: dict[str, int] = {}
    i = 0
    while i < len(toks):
        if toks[i].text not in _DECL_KW:
            i += 1
            continue
        j = i + 1
        while j < len(toks) and toks[j].text in _DECL_SKIP:
            j += 1
        width: int | None = 1
        if j < len(toks) and toks[j].text == "[":
            k = _matching(toks, j, "[", "]")
            if k is None:
                return out
            a, b = (_int_literal(t.text) for t in (toks[j + 1], toks[j + 3])) if k == j + 4 else (None, None)
            width = abs(a[0] - b[0]) + 1 if a and b and toks[j + 2].text == ":" else None
            j = k + 1
        while j < len(toks) and toks[j].kind == "ident" and toks[j].text not in _DECL_KW:
            name, j = toks[j].text, j + 1
            if j < len(toks) and toks[j].text == "[":  # an unpacked array
                k = _matching(toks, j, "[", "]")
                j = (k + 1) if k is not None else len(toks)
                out.setdefault(name, 0)
            elif width is not None:
                out.setdefault(name, width)
            depth = 0
            while j < len(toks) and not (depth == 0 and toks[j].text in (",", ";", ")")):
                depth += toks[j].text in ("(", "[", "{")
                depth -= toks[j].text in (")", "]", "}")
                j += 1
            if j < len(toks) and toks[j].text == ",":
                j += 1
                continue
            break
        i = max(j, i + 1)
    return {k: v for k, v in out.items() if v > 0}


def _assignments(toks: list[Token]) -> list[tuple[int, int, int]]:
    """(lhs token, operator token, ``;`` token) of each ``assign x = e;`` and ``x <= e;``/``x = e;``
    statement whose target is a whole signal (no selects, no concatenation)."""
    out = []
    paren = 0
    for i, tok in enumerate(toks[:-2]):
        paren += (tok.text == "(") - (tok.text == ")")
        if tok.kind != "ident" or paren or toks[i + 1].text not in ("=", "<="):
            continue
        prev = toks[i - 1].text if i else ""
        if prev == "assign" or prev in _PROCEDURAL_STARTERS:
            end = _statement_end(toks, i)
            if end is not None and end > i + 2:
                out.append((i, i + 1, end))
    return out


def _stuck_bits(src: str, toks: list[Token], widths: dict[str, int]) -> list[Mutation]:
    out: list[Mutation] = []
    params = {name for group in _parameter_groups(toks) for name in group}
    for lhs, op, end in _assignments(toks):
        width = widths.get(toks[lhs].text)
        single = toks[op + 1].text if end == op + 2 else None
        if width is None or (single and (_int_literal(single) or single in params)):
            continue  # unknown width, or a constant (the constant and reset operators cover those)
        a, b = toks[op + 1].start, toks[end - 1].end
        rhs, name, line = src[a:b], toks[lhs].text, _line(src, a)
        if width == 1:
            stuck = [("1'b0", f"{name} stuck at 0"), ("1'b1", f"{name} stuck at 1")]
        else:
            low, high = ((1 << width) - 1) & ~1, 1 << (width - 1)
            stuck = [(f"({rhs}) & {width}'h{low:x}", f"{name}[0] stuck at 0"),
                     (f"({rhs}) | {width}'h{high:x}", f"{name}[{width - 1}] stuck at 1")]
        out.extend(Mutation("stuck_bit", line, desc, a, b, new) for new, desc in stuck)
    return out


def _off_by_one(src: str, toks: list[Token]) -> list[Mutation]:
    """Bounds compared against (``cnt == 9`` -> ``8``) and constant bit/part selects moved by one."""
    out = []
    decl, paren = False, 0
    for i, tok in enumerate(toks):
        paren += (tok.text == "(") - (tok.text == ")")
        if tok.text in _DECL_KW or tok.text in ("integer", "genvar", "localparam", "parameter", "module"):
            decl = True
        elif tok.text == ";":
            decl = False
        lit = _int_literal(tok.text) if tok.kind == "number" else None
        if lit is None or decl or (i and toks[i - 1].text == "#"):
            continue
        near = {toks[i - 1].text if i else "", toks[i + 1].text if i + 1 < len(toks) else ""}
        if not paren:
            near.discard("<=")  # a non-blocking assignment, not a comparison
        if near & _RELATIONAL and lit[0] > 0:
            new = _with_value(tok.text, lit[0] - 1)
            out.append(Mutation("off_by_one", _line(src, tok.start), f"bound {tok.text} -> {new}",
                                tok.start, tok.end, new))
        elif i > 1 and toks[i - 1].text == "[" and toks[i - 2].kind == "ident":
            close = i + 1 if toks[i + 1].text == "]" else i + 3 if toks[i + 1].text == ":" else None
            if close is None or close >= len(toks) or toks[close].text != "]":
                continue
            ends = [tok] if close == i + 1 else [tok, toks[i + 2]]
            vals = [_int_literal(t.text) for t in ends]
            if any(v is None for v in vals):
                continue
            step = -1 if min(v[0] for v in vals if v) > 0 else 1
            new = ":".join(_with_value(t.text, v[0] + step) for t, v in zip(ends, vals) if v)
            a, b = ends[0].start, ends[-1].end
            out.append(Mutation("off_by_one", _line(src, a), f"select [{src[a:b]}] -> [{new}]", a, b, new))
    return out


def _parameter_groups(toks: list[Token]) -> list[list[str]]:
    """The names of each ``localparam``/``parameter`` statement, in order."""
    groups, i = [], 0
    while i < len(toks):
        if toks[i].text in ("localparam", "parameter"):
            names, depth, j = [], 0, i + 1
            while j < len(toks) and toks[j].text not in (";",) and not (depth < 0):
                depth += toks[j].text in ("(", "[", "{")
                depth -= toks[j].text in (")", "]", "}")
                if depth == 0 and toks[j].kind == "ident" and j + 1 < len(toks) and toks[j + 1].text == "=":
                    names.append(toks[j].text)
                j += 1
            groups.append(names)
            i = j
        i += 1
    return groups


def _reset_values(src: str, toks: list[Token], widths: dict[str, int]) -> list[Mutation]:
    """In the branch taken on reset (``if (rst)``, ``if (!rst_n)``), each constant assigned gets
    its bitwise complement, and a parameter (an FSM state) the next one of its group."""
    out = []
    groups = _parameter_groups(toks)
    for i, tok in enumerate(toks):
        if tok.text != "if" or i + 1 >= len(toks) or toks[i + 1].text != "(":
            continue
        close = _matching(toks, i + 1, "(", ")")
        cond = [t.text for t in toks[i + 2:close]] if close else []
        if not cond or not _RESET_NAME.match(cond[-1] if cond[0] in ("!", "~") else cond[0]) \
                or len(cond) > (2 if cond[0] in ("!", "~") else 3):
            continue
        assert close is not None
        body_end = _matching(toks, close + 1, "begin", "end") if toks[close + 1].text == "begin" \
            else _statement_end(toks, close + 1)
        for lhs, op, end in _assignments(toks[: (body_end or close) + 1]):
            if lhs <= close or end != op + 2:
                continue
            rhs = toks[op + 1]
            lit = _int_literal(rhs.text)
            width = (lit[1] if lit else None) or widths.get(toks[lhs].text)
            if lit and width and width > 1:
                flipped = ~lit[0] & ((1 << width) - 1)
                new = _with_value(rhs.text, flipped) if lit[1] else f"{width}'h{flipped:x}"
            elif rhs.kind == "ident":
                group = next((g for g in groups if rhs.text in g and len(g) > 1), None)
                if group is None:
                    continue
                new = group[(group.index(rhs.text) + 1) % len(group)]
            else:
                continue
            out.append(Mutation("reset_value", _line(src, rhs.start), f"reset value of {toks[lhs].text}: "
                                f"{rhs.text} -> {new}", rhs.start, rhs.end, new))
    return out


def audit_mutations(src: str) -> list[Mutation]:
    """``mutations(src)`` plus stuck bits, off-by-one bounds and wrong reset values; each edit once.
    Nothing on a compiler-directive line (```timescale 1ns/1ps``) is touched."""
    toks = tokenize(src)
    found = mutations(src)
    starts = [i for i, t in enumerate(toks) if t.text in ("module", "macromodule")] + [len(toks)]
    for a, b in zip(starts, starts[1:]):
        mod = toks[a:b]
        widths = declared_widths(mod)
        found += [*_stuck_bits(src, mod, widths), *_off_by_one(src, mod), *_reset_values(src, mod, widths)]
    lines = src.splitlines()
    seen: set[tuple[int, int, str]] = set()
    out = []
    for m in found:
        key = (m.start, m.end, m.replacement)
        if key in seen or src[m.start:m.end] == m.replacement or lines[m.line - 1].lstrip().startswith("`"):
            continue
        seen.add(key)
        out.append(m)
    return out
