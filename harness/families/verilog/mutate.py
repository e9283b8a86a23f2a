"""Deterministic single-bug mutations of Verilog source.

Used by the ``mutant`` baseline backend (one bug per sample) and by the testbench audit (every
mutant). Operators: operator swap, boundary change, dropped negation, constant change, inverted
``if`` condition, dropped assignment, swapped case items; the audit (``audit_mutations``) adds
stuck bits, off-by-one bounds and selects, and wrong reset values. Each site is found on tokens, so
comments and strings are never touched.
"""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from harness.families.verilog.lexer import Token, tokenize

SWAPS = {"+": "-", "-": "+", "&": "|", "|": "&", "^": "&", "&&": "||", "||": "&&", "==": "!=",
         "!=": "==", "<<": ">>", ">>": "<<", "<": "<=", ">": ">=", ">=": ">", "*": "+"}
_OPERAND_END = {"ident", "number"}
_SIZED = re.compile(r"(\d[\d_]*)?\s*'([sS]?)([bBoOdDhH])\s*([0-9a-fA-F_]+)$")
_BASES = {"b": 2, "o": 8, "d": 10, "h": 16}
_PROCEDURAL_STARTERS = {";", "begin", "else", ")", ":", "end"}


@dataclass(frozen=True)
class Mutation:
    # op_swap | negation | constant | invert_if | drop_assign | swap_case; the audit adds
    # stuck_bit | off_by_one | reset_value
    kind: str
    line: int
    description: str
    start: int
    end: int
    replacement: str

    def apply(self, src: str) -> str:
        return src[: self.start] + self.replacement + src[self.end:]


def _line(src: str, pos: int) -> int:
    return src.count("\n", 0, pos) + 1


def _binary(tokens: list[Token], i: int) -> bool:
    prev = tokens[i - 1] if i else None
    return prev is not None and (prev.kind in _OPERAND_END or prev.text in (")", "]", "}"))


def _format_sized(width: str | None, signed: str, base: str, value: int) -> str:
    digits = {2: "b", 8: "o", 10: "d", 16: "h"}[_BASES[base.lower()]]
    text = {2: f"{value:b}", 8: f"{value:o}", 10: f"{value:d}", 16: f"{value:x}"}[_BASES[base.lower()]]
    return f"{width or ''}'{signed}{digits}{text}"


def _constant_site(src: str, tok: Token) -> tuple[str, str] | None:
    m = _SIZED.match(tok.text)
    if m:
        width, signed, base, digits = m.groups()
        value = int(digits.replace("_", ""), _BASES[base.lower()])
        nbits = int(width.replace("_", "")) if width else 32
        new = (value + 1) % (1 << nbits) if nbits > 1 else value ^ 1
        return _format_sized(width, signed, base, new), f"constant {tok.text} -> {_format_sized(width, signed, base, new)}"
    if tok.text.replace("_", "").isdigit():
        value = int(tok.text.replace("_", ""))
        return str(value + 1), f"constant {tok.text} -> {value + 1}"
    return None


def _matching(tokens: list[Token], i: int, open_: str, close: str) -> int | None:
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].text == open_:
            depth += 1
        elif tokens[j].text == close:
            depth -= 1
            if depth == 0:
                return j
    return None


def _statement_end(tokens: list[Token], i: int) -> int | None:
    for j in range(i, len(tokens)):
        if tokens[j].text == ";":
            return j
        if tokens[j].text in ("begin", "end", "endmodule"):
            return None
    return None


def mutations(src: str) -> list[Mutation]:
    """Every single-site mutation of ``src``, in source order."""
    toks = tokenize(src)
    out: list[Mutation] = []
    paren = bracket = 0
    decl_stmt = False  # inside a declaration (widths, parameters): constants there are skipped
    for i, tok in enumerate(toks):
        t = tok.text
        if t == "(":
            paren += 1
        elif t == ")":
            paren -= 1
        elif t == "[":
            bracket += 1
        elif t == "]":
            bracket -= 1
        if t in ("input", "output", "inout", "wire", "reg", "logic", "integer", "genvar", "localparam",
                 "parameter", "module"):
            decl_stmt = True
        elif t == ";" or (t == ")" and paren == 0 and decl_stmt and toks[i + 1].text == ";" if i + 1 < len(toks) else False):
            decl_stmt = False
        line = _line(src, tok.start)
        if tok.kind == "op" and t in SWAPS and _binary(toks, i) and bracket == 0:
            if t == "<=" or (t in ("<", ">", ">=") and paren == 0):
                continue
            new = SWAPS[t]
            out.append(Mutation("op_swap", line, f"operator {t} -> {new}", tok.start, tok.end, new))
        elif tok.kind == "op" and t == "<=" and paren > 0 and bracket == 0:
            out.append(Mutation("op_swap", line, "operator <= -> <", tok.start, tok.end, "<"))
        elif tok.kind == "op" and t in ("~", "!") and not _binary(toks, i):
            out.append(Mutation("negation", line, f"dropped {t}", tok.start, tok.end, ""))
        elif tok.kind == "number" and bracket == 0 and not decl_stmt and (i == 0 or toks[i - 1].text != "#"):
            site = _constant_site(src, tok)
            if site:
                out.append(Mutation("constant", line, site[1], tok.start, tok.end, site[0]))
        elif t == "if" and i + 1 < len(toks) and toks[i + 1].text == "(":
            j = _matching(toks, i + 1, "(", ")")
            if j is not None:
                a, b = toks[i + 1].start, toks[j].end
                out.append(Mutation("invert_if", line, f"inverted condition {src[a:b]}", a, b, f"(!{src[a:b]})"))
        elif tok.kind == "ident" and paren == 0 and i + 1 < len(toks):
            out.extend(_drop_assign(src, toks, i, line))
    out.extend(_case_swaps(src, toks))
    return out


def _drop_assign(src: str, toks: list[Token], i: int, line: int) -> list[Mutation]:
    tok = toks[i]
    if tok.text == "assign":
        end = _statement_end(toks, i)
        if end is not None:
            return [Mutation("drop_assign", line, f"dropped `{src[tok.start:toks[end].end]}`",
                             tok.start, toks[end].end, "")]
        return []
    prev = toks[i - 1].text if i else ""
    if prev not in _PROCEDURAL_STARTERS:
        return []
    j = i + 1
    if toks[j].text == "[":
        k = _matching(toks, j, "[", "]")
        if k is None:
            return []
        j = k + 1
    if j < len(toks) and toks[j].text in ("<=", "="):
        end = _statement_end(toks, i)
        lhs = src[tok.start:toks[j].start].strip()
        rhs = src[toks[j].end:toks[end].start].strip() if end is not None else ""
        if end is not None and lhs != rhs:  # dropping `q <= q;` would be an equivalent mutant
            return [Mutation("drop_assign", line, f"dropped `{src[tok.start:toks[end].end]}`",
                             tok.start, toks[end].end, ";")]
    return []


def _case_swaps(src: str, toks: list[Token]) -> list[Mutation]:
    """Swap the bodies of two consecutive single-statement case items."""
    out = []
    items: list[tuple[int, int]] = []  # (body start char, body end char) of `label: stmt;` items
    depth = 0
    for i, tok in enumerate(toks):
        if tok.text in ("case", "casez", "casex"):
            depth += 1
            items = []
        elif tok.text == "endcase":
            depth -= 1
            for (a0, a1), (b0, b1) in zip(items, items[1:], strict=False):
                body_a, body_b = src[a0:a1], src[b0:b1]
                if body_a != body_b:
                    repl = body_b + src[a1:b0] + body_a
                    out.append(Mutation("swap_case", _line(src, a0), "swapped two case items", a0, b1, repl))
            items = []
        elif depth and tok.text == ":" and i + 1 < len(toks) and toks[i + 1].kind == "ident" \
                and toks[i + 1].text != "begin":
            end = _statement_end(toks, i + 1)
            if end is not None:
                items.append((toks[i + 1].start, toks[end].end))
    return out


def mutant(src: str, key: str, sample_idx: int) -> Mutation | None:
    """The mutation a ``mutant`` sample ``sample_idx`` of problem ``key`` applies (deterministic)."""
    sites = mutations(src)
    if not sites:
        return None
    seed = int(hashlib.sha256(key.encode()).hexdigest()[:16], 16)
    order = list(range(len(sites)))
    random.Random(seed).shuffle(order)
    return sites[order[sample_idx % len(order)]]


# -- operators used by the testbench audit only --------------------------------------------------
# ``mutations`` stays as it is (the ``mutant`` baseline draws from it); ``audit_mutations`` adds
# stuck bits, off-by-one bounds and indices, and wrong reset values.
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
