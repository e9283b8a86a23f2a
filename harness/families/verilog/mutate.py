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


# the audit's extra operators live in mutate_audit.py (imported last: it builds on this module)
from harness.families.verilog.mutate_audit import audit_mutations, declared_widths  # noqa: E402

__all__ = ["SWAPS", "Mutation", "audit_mutations", "declared_widths", "mutant", "mutations"]
