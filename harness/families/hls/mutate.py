"""Deterministic bug-injection operators for HLS C++ kernels (Chrysalis-HLS type codes).

Each operator edits one line (``BUF`` may swap two adjacent lines), so line numbers are the
same in the original and the buggy file and a variant's span is exact. The operators read the
kernel coding style of ``benchmarks/hls_bugs/kernels``: binary operators surrounded by spaces,
template arguments written without a space before ``<`` (``ap_int<8>``), one ``for`` header
per line and ``#pragma`` lines on their own. Whether a variant is a real bug is decided later by
C-simulation (``build.py``); here they are only candidates.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.families.hls.taxonomy import BUG_TYPES

TYPE_ORDER: tuple[str, ...] = tuple(BUG_TYPES)


@dataclass(frozen=True)
class Variant:
    type: str
    span: tuple[int, int]  # 1-based, inclusive, in ``source``
    source: str
    description: str

    @property
    def key(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:12]


@dataclass
class _Line:
    idx: int
    text: str
    code: str  # comments blanked out
    is_code: bool
    is_for: bool
    protected: list[tuple[int, int]]  # template argument spans


_Edit = tuple[str, int, int, dict[int, str], str]  # type, first idx, last idx, new lines, description

_TEMPLATE = re.compile(r"\b[A-Za-z_][\w:]*<[^<>;]*>")
_FOR = re.compile(r"^(?P<pre>\s*for \()(?P<init>[^;]*);\s*(?P<cond>[^;]*);\s*(?P<step>[^)]*)\)(?P<rest>.*)$")
_INIT = re.compile(r"^(?:(?P<type>[\w:<>, ]+?)\s+)?(?P<var>\w+)\s*=\s*(?P<start>.+)$")
_COND = re.compile(r"^(?P<var>\w+) (?P<op><=|>=|<|>|!=) (?P<bound>.+)$")
_DECL_INIT = re.compile(r"^(?P<head>\s+(?!return\b)(?:const\s+)?[A-Za-z_][\w:]*(?:<[^;=]*>)?\s+\w+(?:\[[^\]]*\])*)"
                        r"\s*=\s*(?P<init>[^;]+);(?P<tail>.*)$")
_ASSIGN = re.compile(r"^\s*(?P<lhs>[A-Za-z_][\w.]*(?:\[[^\]]*\])*)\s*(?P<op>[-+*/&|^]|<<|>>)?=(?!=)\s*(?P<rhs>.*);\s*$")
_OPS = {" + ": " - ", " - ": " + ", " * ": " + ", " & ": " | ", " | ": " & ", " ^ ": " | ",
        " && ": " || ", " || ": " && ", " += ": " -= ", " -= ": " += ", " ^= ": " |= ", " &= ": " |= ",
        " |= ": " ^= ", " < ": " > ", " > ": " < ", " <= ": " >= ", " >= ": " <= ", " == ": " != ",
        " != ": " == "}
_LITERAL = re.compile(r"(?<![\w.])(0[xX][0-9A-Fa-f]+|\d+\.\d+|\d+)(?![\w.])")
_SHIFT_AMT = re.compile(r"(<<=?|>>=?) (\d+)\b")
_APINT = re.compile(r"\bap_(u?)int<(\d+)>")
_APFIXED = re.compile(r"\bap_(u?)fixed<(\d+), (\d+)")


def _analyse(src: str) -> list[_Line]:
    out: list[_Line] = []
    in_block = False
    for idx, text in enumerate(src.split("\n")):
        code, i = [], 0
        while i < len(text):
            if in_block:
                end = text.find("*/", i)
                if end < 0:
                    code.append(" " * (len(text) - i))
                    break
                code.append(" " * (end + 2 - i))
                i, in_block = end + 2, False
            elif text.startswith("//", i):
                code.append(" " * (len(text) - i))
                break
            elif text.startswith("/*", i):
                in_block, code = True, code + ["  "]
                i += 2
            else:
                code.append(text[i])
                i += 1
        c = "".join(code)
        stripped = c.strip()
        is_code = bool(stripped) and not stripped.startswith("#")
        out.append(_Line(idx, text, c, is_code, bool(_FOR.match(c)),
                         [m.span() for m in _TEMPLATE.finditer(c)]))
    return out


def _free(line: _Line, start: int, end: int) -> bool:
    return all(end <= a or start >= b for a, b in line.protected)


def _sub_at(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _body_lines(lines: list[_Line]) -> Iterator[_Line]:
    """Code lines inside a function body (indented), excluding ``for`` headers."""
    for ln in lines:
        if ln.is_code and not ln.is_for and ln.text[:1].isspace():
            yield ln


def _loops(lines: list[_Line]) -> Iterator[tuple[_Line, re.Match[str], re.Match[str] | None, re.Match[str] | None]]:
    for ln in lines:
        m = _FOR.match(ln.code) if ln.is_for else None
        if m:
            yield ln, m, _INIT.match(m.group("init").strip()), _COND.match(m.group("cond").strip())


def _header(m: re.Match[str], init: str | None = None, cond: str | None = None, step: str | None = None) -> str:
    return (f"{m.group('pre')}{init if init is not None else m.group('init')}; {cond if cond is not None else m.group('cond').strip()}; "
            f"{step if step is not None else m.group('step').strip()}){m.group('rest')}")


def _op_loop_bounds(lines: list[_Line]) -> Iterator[_Edit]:
    for ln, m, init, cond in _loops(lines):
        if cond is None:
            continue
        v, op, bound = cond.group("var"), cond.group("op"), cond.group("bound")
        i = ln.idx
        if op == "<":
            yield "OOB", i, i, {i: _header(m, cond=f"{v} <= {bound}")}, f"loop condition `{v} < {bound}` became `{v} <= {bound}`"
            yield "MLU", i, i, {i: _header(m, cond=f"{v} < {bound} - 1")}, f"loop stops one iteration early (`{v} < {bound} - 1`)"
        elif op == "<=":
            yield "MLU", i, i, {i: _header(m, cond=f"{v} < {bound}")}, f"loop condition `{v} <= {bound}` became `{v} < {bound}`"
        elif op in (">", ">="):
            lit = bound.lstrip("-").isdigit()
            further = f"{v} >= {bound}" if op == ">" else f"{v} >= {int(bound) - 1 if lit else bound + ' - 1'}"
            earlier = f"{v} > {int(bound) + 1 if lit else bound + ' + 1'}" if op == ">" else f"{v} > {bound}"
            yield "OOB", i, i, {i: _header(m, cond=further)}, f"downward loop `{v} {op} {bound}` runs one step too far"
            yield "MLU", i, i, {i: _header(m, cond=earlier)}, f"downward loop `{v} {op} {bound}` stops one step early"
            step = m.group("step")
            if op == ">" and bound == "0" and re.search(r"/ 2|>> 1|/= 2|>>= 1", step):
                yield "INF", i, i, {i: _header(m, cond=f"{v} >= 0")}, f"halving loop `{v} > 0` became `{v} >= 0` and never ends"
        if init is not None and op in ("<", "<=") and init.group("start").strip().isdigit():
            k = int(init.group("start").strip())
            new_init = m.group("init").replace(f"= {k}", f"= {k + 1}", 1)
            yield "MLU", i, i, {i: _header(m, init=new_init)}, f"loop starts at {k + 1} instead of {k}"
        if init is not None and op == "<" and bound.isdigit():
            tm = _APINT.search(init.group("type") or "")
            if tm and tm.group(1) == "u" and int(bound) == 2 ** (int(tm.group(2)) - 1):
                w = int(tm.group(2))
                new_init = m.group("init").replace(f"ap_uint<{w}>", f"ap_uint<{w - 1}>", 1)
                yield "INF", i, i, {i: _header(m, init=new_init)}, f"loop counter ap_uint<{w - 1}> can never reach {bound}"


def _op_index(lines: list[_Line]) -> Iterator[_Edit]:
    loop_vars = {init.group("var") for _, _, init, _ in _loops(lines) if init}
    for ln in _body_lines(lines):
        for m in re.finditer(r"\[(\w+)( [-+] 1)?\]", ln.code):
            var, off = m.group(1), m.group(2)
            if var not in loop_vars or not _free(ln, *m.span()):
                continue
            new = {None: f"[{var} + 1]", " + 1": f"[{var} + 2]", " - 1": f"[{var} - 2]"}[off]
            yield "OOB", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), new)}, f"index `{m.group(0)}` became `{new}`"


def _op_init(lines: list[_Line]) -> Iterator[_Edit]:
    for ln in _body_lines(lines):
        m = _DECL_INIT.match(ln.code)
        if not m or re.match(r"\s*(static|const)\b", ln.code):
            continue
        yield "INIT", ln.idx, ln.idx, {ln.idx: f"{m.group('head')};{m.group('tail')}".rstrip()}, \
            f"initialiser `= {m.group('init').strip()}` removed"


def _op_shift(lines: list[_Line]) -> Iterator[_Edit]:
    for ln in (x for x in lines if x.is_code and not x.is_for):
        for m in re.finditer(r" (<<|>>)(=?) ", ln.code):
            flip = (">>" if m.group(1) == "<<" else "<<") + m.group(2)
            yield "SHFT", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), f" {flip} ")}, \
                f"`{m.group(1)}{m.group(2)}` became `{flip}`"
        for m in _SHIFT_AMT.finditer(ln.code):
            k = int(m.group(2))
            for new in (k + 1, k - 1):
                if new >= 1:
                    yield "SHFT", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), f"{m.group(1)} {new}")}, \
                        f"shift amount {k} became {new}"


def _op_inf_while(lines: list[_Line]) -> Iterator[_Edit]:
    depth, cond_vars = 0, set()  # brace depth inside the current ``while (...) {`` block
    for ln in lines:
        wm = re.match(r"^\s*while \((\w+) (!=|>) 0\)", ln.code)
        if wm:
            old = f"{wm.group(1)} {wm.group(2)} 0"
            yield "INF", ln.idx, ln.idx, {ln.idx: ln.text.replace(old, f"{wm.group(1)} >= 0", 1)}, \
                f"loop condition `{old}` became `{wm.group(1)} >= 0`"
        if depth == 0:
            head = re.match(r"^\s*while \((.*)\) \{\s*$", ln.code)
            if head:
                depth, cond_vars = 1, set(re.findall(r"[A-Za-z_]\w*", head.group(1)))
            continue
        um = re.match(r"^(\s*)(\w+) (>>|<<|/|&)= (.+);\s*$", ln.code)
        if um and um.group(2) in cond_vars:
            yield "INF", ln.idx, ln.idx, {ln.idx: f"{um.group(1)}{um.group(2)} {um.group(3)} {um.group(4)};"}, \
                f"loop update `{um.group(2)} {um.group(3)}= ...` no longer assigns"
        depth += ln.code.count("{") - ln.code.count("}")


def _op_use(lines: list[_Line]) -> Iterator[_Edit]:
    for ln in (x for x in lines if x.is_code and x.text[:1].isspace() and (x.is_for or x.code.rstrip().endswith(";"))):
        for m in _APINT.finditer(ln.code):
            u, w = m.group(1), int(m.group(2))
            other = "ap_int" if u else "ap_uint"
            yield "USE", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), f"{other}<{w}>")}, \
                f"`{m.group(0)}` became `{other}<{w}>`"
            if w >= 4 and not ln.is_for:
                yield "USE", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), f"ap_{u}int<{w // 2}>")}, \
                    f"`{m.group(0)}` narrowed to {w // 2} bits"
        for m in _APFIXED.finditer(ln.code):
            u, w, i = m.group(1), int(m.group(2)), int(m.group(3))
            if not u:
                yield "USE", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), f"ap_ufixed<{w}, {i}")}, \
                    "signed ap_fixed became ap_ufixed"
            if i >= 4:
                cut = i - i // 2
                yield "USE", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), f"ap_{u}fixed<{w - cut}, {i // 2}")}, \
                    f"ap_fixed integer bits cut from {i} to {i // 2}"
        if not ln.is_for:
            for m in re.finditer(r"^(\s+)(int|unsigned) (?=\w+ = )", ln.code):
                other = "unsigned" if m.group(2) == "int" else "int"
                yield "USE", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, m.start(2), m.end(2), other)}, \
                    f"`{m.group(2)}` became `{other}`"
        for m in re.finditer(r"\.to_(u?)int\(\)", ln.code):
            other = ".to_int()" if m.group(1) else ".to_uint()"
            yield "USE", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), other)}, f"`{m.group(0)}` became `{other}`"


def _op_zero(lines: list[_Line]) -> Iterator[_Edit]:
    # variables whose zero value needs a guard: divisors, and values a later loop shifts until
    # a bit shows up (a zero never gets there)
    divisors = {m.group(2) for ln in lines if ln.is_code for m in re.finditer(r" (/|%) (\w+)", ln.code)}
    divisors |= {m.group(1) for ln in lines if ln.is_code for m in re.finditer(r"^\s*(\w+) (?:<<|>>)= ", ln.code)}
    for ln in _body_lines(lines):
        if not re.search(r"\bif \(|\?", ln.code):
            continue
        for m in re.finditer(r"\b(\w+) (==|!=|>) 0\b", ln.code):
            if m.group(1) not in divisors:
                continue
            new = {"==": "<", "!=": ">=", ">": ">="}[m.group(2)]
            yield "ZERO", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), f"{m.group(1)} {new} 0")}, \
                f"zero guard `{m.group(0)}` became `{m.group(1)} {new} 0`"


def _op_buf(lines: list[_Line]) -> Iterator[_Edit]:
    for a, b in zip(lines, lines[1:]):
        ma, mb = _ASSIGN.match(a.code), _ASSIGN.match(b.code)
        if not (a.is_code and b.is_code and mb) or a.is_for or b.is_for:
            continue
        indent_a, indent_b = a.text[: len(a.text) - len(a.text.lstrip())], b.text[: len(b.text) - len(b.text.lstrip())]
        if indent_a != indent_b or not a.code.rstrip().endswith(";"):
            continue
        target = mb.group("lhs")
        if ma and ma.group("op") and ma.group("op") == mb.group("op") and ma.group("lhs") == target:
            continue  # two accumulations into the same variable commute
        reads = ma.group("rhs") + (f" {ma.group('lhs')}" if ma.group("op") else "") if ma else a.code.split("=", 1)[-1]
        pattern = re.escape(target) + (r"(?![\w\[])" if "[" in target else r"\b(?!\[)")
        if re.search(r"(?<![\w.])" + pattern, reads):
            yield "BUF", a.idx, b.idx, {a.idx: indent_a + b.text.strip(), b.idx: indent_b + a.text.strip()}, \
                f"`{target}` is overwritten before it is read (statements swapped)"
    shifted = {m.group(1) for ln in lines for m in re.finditer(r"\b(\w+)\[(\w+)\] = \1\[\2 - 1\]", ln.code)}
    for ln, m, init, cond in _loops(lines):
        nxt = lines[ln.idx + 1].code if ln.idx + 1 < len(lines) else ""
        sm = re.search(r"\b(\w+)\[(\w+)\] = \1\[\2 - 1\]", nxt)
        if init and cond and sm and cond.group("op") == ">" and cond.group("bound") == "0":
            start = init.group("start").strip()
            top = start[:-4] if start.endswith(" - 1") else f"{start} + 1"
            v = init.group("var")
            new = _header(m, init=m.group("init").replace(f"= {start}", "= 1", 1), cond=f"{v} < {top}", step=f"{v}++")
            yield "BUF", ln.idx, ln.idx, {ln.idx: new}, "shift register updated in ascending order (overwrites before reading)"
    for ln in _body_lines(lines):
        for name in shifted:
            if re.match(rf"^(\s*){name}\[0\] = ", ln.code):
                yield "BUF", ln.idx, ln.idx, {ln.idx: ln.text.replace(f"{name}[0] = ", f"{name}[1] = ", 1)}, \
                    f"new sample written to {name}[1] instead of {name}[0]"


def _op_operator(lines: list[_Line]) -> Iterator[_Edit]:
    for ln in _body_lines(lines):
        for m in re.finditer("|".join(re.escape(k) for k in sorted(_OPS, key=len, reverse=True)), ln.code):
            if _free(ln, *m.span()):
                new = _OPS[m.group(0)]
                yield "OP", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), new)}, \
                    f"`{m.group(0).strip()}` became `{new.strip()}`"


def _op_const(lines: list[_Line]) -> Iterator[_Edit]:
    for ln in (x for x in lines if x.is_code and not x.is_for):
        shift_amts = {m.start(2) for m in _SHIFT_AMT.finditer(ln.code)}
        for m in _LITERAL.finditer(ln.code):
            if not _free(ln, *m.span()) or m.start() in shift_amts or ln.code[max(0, m.start() - 1)] == "[":
                continue
            lit = m.group(0)
            if lit.lower().startswith("0x"):
                new = lit[:-1] + format(int(lit[-1], 16) ^ 1, "X" if lit[-1].isupper() else "x")
            elif "." in lit:
                new = repr(float(lit) * 2)
            else:
                new = str(int(lit) + 1)
            yield "CONST", ln.idx, ln.idx, {ln.idx: _sub_at(ln.text, *m.span(), new)}, f"constant {lit} became {new}"


_OPERATORS = (_op_loop_bounds, _op_index, _op_init, _op_shift, _op_inf_while, _op_use, _op_zero, _op_buf,
              _op_operator, _op_const)


def _rank(seed: int, typ: str, source: str) -> str:
    return hashlib.sha256(f"{seed}\0{typ}\0{source}".encode()).hexdigest()


def generate_variants(src: str, seed: int = 0) -> list[Variant]:
    """Every candidate bug of ``src``, one per distinct buggy source, grouped by type in
    :data:`TYPE_ORDER` and, within a type, in a seeded but stable order."""
    lines = _analyse(src)
    texts = src.split("\n")
    seen: set[str] = {src}
    found: list[Variant] = []
    for op in _OPERATORS:
        for typ, first, last, edits, desc in op(lines):
            new_texts = list(texts)
            for idx, new in edits.items():
                new_texts[idx] = new
            buggy = "\n".join(new_texts)
            if buggy in seen:
                continue
            seen.add(buggy)
            found.append(Variant(typ, (first + 1, last + 1), buggy, desc))
    return sorted(found, key=lambda v: (TYPE_ORDER.index(v.type), _rank(seed, v.type, v.source)))
