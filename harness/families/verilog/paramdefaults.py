"""A module's parameter defaults, as numbers where the text makes them plain numbers.

A test that sizes its stimulus from the design (``int(dut.WIDTH.value)``, a common CVDP idiom)
tests whatever width the answer chose: an answer declaring ``parameter WIDTH = 1`` passed a
multiplier's test with one AND gate (red team 9 S2b); ``len(dut.a)`` reads a port's width the
same way. :func:`changed_defaults` compares an answer's module with the reference's module of
the same name: where the reference's parameter default is a number (an integer literal, sized or
not, or arithmetic on literals and earlier parameters), a parameter the answer declares must
have the same number; where the reference's port width is a number at those defaults (packed
ranges of plain types), the answer's port of that name must have the same width.
"""
from __future__ import annotations

import ast
import operator
import re

from harness.families.verilog.extract import module_spans
from harness.families.verilog.lexer import Token, tokenize

_LITERAL = re.compile(r"^(\d+)?'[sS]?([bBoOdDhH])([0-9a-fA-F_xXzZ?]+)$")
_BASES = {"b": 2, "o": 8, "d": 10, "h": 16}
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv,
        ast.Mod: operator.mod, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
        ast.Pow: operator.pow}


def _number(text: str) -> int | None:
    text = text.replace("_", "")
    if text.isdigit():
        return int(text)
    m = _LITERAL.match(text)
    if m and not re.search(r"[xXzZ?]", m.group(3)):
        return int(m.group(3), _BASES[m.group(2).lower()])
    return None


def _value(toks: list[Token], known: dict[str, int | None]) -> int | None:
    """The integer a default expression's tokens make, or None."""
    parts = []
    for t in toks:
        if t.text == "$clog2":
            parts.append("clog2")
        elif t.kind == "ident":
            if known.get(t.text) is None:
                return None
            parts.append(str(known[t.text]))
        elif (n := _number(t.text)) is not None:
            parts.append(str(n))
        elif t.text in ("+", "-", "*", "/", "%", "(", ")", "<<", ">>", "**"):
            parts.append("//" if t.text == "/" else t.text)
        else:
            return None
    try:
        return _eval(ast.parse(" ".join(parts), mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError):
        return None


def _eval(node: ast.AST) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        right = _eval(node.right)
        if isinstance(node.op, ast.Pow) and right > 64:
            raise ValueError("exponent too large")
        return int(_OPS[type(node.op)](_eval(node.left), right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "clog2" \
            and len(node.args) == 1 and not node.keywords:
        n = _eval(node.args[0])
        return max(0, (n - 1).bit_length())
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _eval(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    raise ValueError("not a constant expression")


def _port_widths(toks: list[Token], known: dict[str, int | None],
                 types: dict[str, int] | None = None) -> dict[str, int | None]:
    """``{port: width or None}`` of a module's ports, declared in an ANSI header or in the body
    (``input [3:0] a;``): the product of the packed ranges ``[msb:lsb]`` (1 without one), None
    where a bound is not a number or a type other than ``wire``/``reg``/``logic``/``bit`` gives it."""
    if len(toks) < 3:
        return {}
    i = 2
    if toks[i].text == "#":
        i = _skip(toks, i + 1) + 1
    if i >= len(toks) or toks[i].text != "(":
        return {}
    stop = _skip(toks, i)
    if any(t.text in DIRECTIONS for t in toks[i:stop]):
        return _declared(toks, i + 1, stop, known, types)
    out: dict[str, int | None] = {}
    for j in range(stop + 1, len(toks)):  # non-ANSI: `input [3:0] a, b;` statements in the body
        if toks[j].text in DIRECTIONS and toks[j - 1].text in (";", ")"):
            end = next((k for k in range(j, len(toks)) if toks[k].text == ";"), len(toks))
            out.update(_declared(toks, j, end, known, types))
    return out


DIRECTIONS = ("input", "output", "inout")
_PLAIN_TYPES = frozenset({"wire", "reg", "logic", "bit", "signed", "unsigned", "var"})
#: the widths of SystemVerilog's integer types
_INT_TYPES = {"int": 32, "integer": 32, "byte": 8, "shortint": 16, "longint": 64}


def typedef_widths(source: str) -> dict[str, int]:
    """``typedef logic [7:0] byte_t;``-style names (one packed range of a plain type, or an
    integer type) with their widths."""
    toks = tokenize(source)
    out: dict[str, int] = {}
    for i, t in enumerate(toks):
        if t.text != "typedef":
            continue
        end = next((k for k in range(i, len(toks)) if toks[k].text == ";"), len(toks))
        body = toks[i + 1:end]
        if len(body) < 2 or body[-1].kind != "ident":
            continue
        width = _declared([*body[:-1], body[-1]], 0, len(body), {}, {}).get(body[-1].text)
        if width is not None:
            out[body[-1].text] = width
    return out


def _declared(toks: list[Token], k: int, stop: int, known: dict[str, int | None],
              types: dict[str, int] | None = None) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    types = {**_INT_TYPES, **(types or {})}
    width: int | None = 1
    while k < stop:
        t = toks[k]
        if t.text in DIRECTIONS:
            width = 1
        elif t.text == "[":
            end = _skip(toks, k)
            colon = next((c for c in range(k + 1, end) if toks[c].text == ":"), None)
            hi = _value(toks[k + 1:colon], known) if colon else None
            lo = _value(toks[colon + 1:end], known) if colon else None
            width = None if width is None or hi is None or lo is None else width * (abs(hi - lo) + 1)
            k = end
        elif t.kind == "ident" and t.text not in _PLAIN_TYPES:
            after = toks[k + 1].text if k + 1 < len(toks) else ";"
            if k + 1 >= stop or after in (",", ")", "=", "[", ";"):
                out[t.text] = None if after == "[" else width  # an unpacked dimension: left out
            elif t.text in types and width is not None:
                width = types[t.text] * width  # `int unsigned`, `byte_t [1:0]`: the type's width first
            else:
                width = None  # another type (a struct, an interface): its width is not read here
        k += 1
    return out


def _skip(toks: list[Token], i: int) -> int:
    depth = 0
    for k in range(i, len(toks)):
        depth += toks[k].text in "([{"
        depth -= toks[k].text in ")]}"
        if depth == 0:
            return k
    return len(toks) - 1


def _fit(value: int | None, decl: list[Token], known: dict[str, int | None]) -> int | None:
    """``value`` as a parameter declared with ``decl`` before its name holds it: a packed range
    ``[2:0]`` keeps its low bits (``parameter [2:0] W = 8`` is 0); other types than the plain
    integer ones leave it unknown."""
    if value is None:
        return None
    words = {t.text for t in decl if t.kind == "ident"} - {"int", "integer", "unsigned", "signed", "logic", "bit",
                                                           "reg", "longint", "shortint"}
    if words:
        return None
    if any(t.text == "[" for t in decl):
        start = next(k for k, t in enumerate(decl) if t.text == "[")
        end = _skip(decl, start)
        colon = next((c for c in range(start + 1, end) if decl[c].text == ":"), None)
        hi = _value(decl[start + 1:colon], known) if colon else None
        lo = _value(decl[colon + 1:end], known) if colon else None
        if hi is None or lo is None:
            return None
        return value % (1 << min(abs(hi - lo) + 1, 4096))
    return value


def defaults(source: str, local: bool = False) -> dict[str, dict[str, int | None]]:
    """``{module: {parameter: default or None}}`` for the ``parameter`` declarations of each module
    (header and body), and with ``local`` its ``localparam`` ones too (an answer's localparam of a
    parameter's name is what a test reads back as well); a name declared twice in one module
    counts as not a number (None)."""
    out: dict[str, dict[str, int | None]] = {}
    for name, start, end in module_spans(source):
        out[name.lstrip("\\")] = _span_defaults(tokenize(source[start:end]), local)[0]
    return out


def _span_defaults(toks: list[Token], local: bool) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """(the parameters reported, every parameter and localparam's value) of one module's tokens."""
    known: dict[str, int | None] = {}
    shown: dict[str, int | None] = {}
    i = 0
    while i < len(toks):
        word = toks[i].text
        if word not in ("parameter", "localparam"):
            i += 1
            continue
        i += 1
        while i < len(toks):  # `parameter [type] A = 1, B = A * 2` up to `;` or the header's `)`
            j = i
            while j + 1 < len(toks) and toks[j + 1].text != "=" and toks[j].text not in (",", ";", ")"):
                j += 1
            if j + 1 >= len(toks) or toks[j].kind != "ident":
                break
            k, depth = j + 2, 0
            while k < len(toks) and not (depth == 0 and toks[k].text in (",", ";", ")")):
                depth += toks[k].text in "([{"
                depth -= toks[k].text in ")]}"
                k += 1
            name = toks[j].text
            value = _fit(_value(toks[j + 2:k], known), toks[i:j], known)
            known[name] = None if name in known else value
            if word == "parameter" or local:
                shown[name] = None if name in shown else value
            i = k + 1
            if k >= len(toks) or toks[k].text != "," or (k + 1 < len(toks) and toks[k + 1].text in
                                                          ("parameter", "localparam")):
                break
    return shown, known


def _spans(source: str, local: bool) -> list[tuple[str, dict[str, int | None], dict[str, int | None], dict[str, str]]]:
    """(module, parameters, port widths, port directions) of every module definition in ``source``,
    each definition on its own (an ``ifdef``-ed decoy of the same name is one more definition)."""
    from harness.families.verilog.ports import port_directions

    types = typedef_widths(source)
    out = []
    for name, start, end in module_spans(source):
        toks = tokenize(source[start:end])
        shown, known = _span_defaults(toks, local)
        dirs = dict(port_directions(source[start:end], name.lstrip("\\")))
        out.append((name.lstrip("\\"), shown, _port_widths(toks, known, types), dirs))
    return out


def changed_defaults(answer: str, reference: str) -> list[str]:
    """What an answer's module changes of the reference's module of the same name, for each of its
    definitions: a numeric parameter default the answer declares (``parameter`` or ``localparam``)
    with another value or one that is not a number; a port width the answer's text makes another
    number (a width it does not compute, a struct type, is not compared); a port direction."""
    ref = {name: (params, ports, dirs) for name, params, ports, dirs in _spans(reference, local=False)}
    out = []
    for module, params, ports, dirs in _spans(answer, local=True):
        if module not in ref:
            continue
        ref_params, ref_ports, ref_dirs = ref[module]
        for param, value in ref_params.items():
            if value is not None and param in params and params[param] != value:
                got = params[param]
                out.append(f"{module}.{param} (reference {value}, answer {got if got is not None else 'not a number'})")
        for port, width in ref_ports.items():
            got = ports.get(port)
            if width is not None and got is not None and got != width:
                out.append(f"{module}.{port}'s width (reference {width}, answer {got})")
        for port, direction in ref_dirs.items():
            if direction and dirs.get(port) and dirs[port] != direction:
                out.append(f"{module}.{port}'s direction (reference {direction}, answer {dirs[port]})")
    return sorted(set(out), key=out.index)
