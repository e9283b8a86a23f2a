"""Deterministic single-bug corruptions of kernel answers (the ``mutant`` baseline backend).

Triton answers are mutated inside ``@triton.jit`` bodies (found with :mod:`ast`); CUDA answers
inside the ``__global__``-holding source string of their ``load_inline`` call. Operators: wrong
constant, off-by-one mask bound, boundary flip, wrong reduction init (``-inf`` -> 0, zeros -> ones),
swapped min/max/sum, operator swap, dropped scale factor. Each mutant is one text splice, so the
rest of the answer (comments included) is unchanged.
"""
from __future__ import annotations

import ast
import hashlib
import random
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Mutation:
    kind: str
    line: int
    description: str
    start: int
    end: int
    replacement: str

    def apply(self, src: str) -> str:
        return src[: self.start] + self.replacement + src[self.end:]


_CALL_SWAPS = {"maximum": "minimum", "minimum": "maximum", "max": "min", "min": "max", "sum": "max",
               "exp": "exp2", "sqrt": "rsqrt", "rsqrt": "sqrt"}
_BINOP_SWAPS: dict[type[ast.operator], str] = {ast.Add: "-", ast.Sub: "+", ast.Mult: "+", ast.Div: "*"}
_CMP_SWAPS: dict[type[ast.cmpop], str] = {ast.Lt: "<=", ast.LtE: "<", ast.Gt: ">=", ast.GtE: ">"}
_SCALE_NAMES = re.compile(r"scale|inv|rstd|slope", re.I)


class _Offsets:
    def __init__(self, src: str) -> None:
        self.src = src
        self.lines = src.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def pos(self, lineno: int, col_bytes: int) -> int:
        line = self.lines[lineno - 1]
        return self.starts[lineno - 1] + len(line.encode()[:col_bytes].decode(errors="ignore"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.pos(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                self.pos(node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]


def _is_jit(fn: ast.FunctionDef) -> bool:
    for d in fn.decorator_list:
        node = d.func if isinstance(d, ast.Call) else d
        if (isinstance(node, ast.Attribute) and node.attr == "jit") or (isinstance(node, ast.Name)
                                                                         and node.id == "jit"):
            return True
    return False


def _in_other_kwarg(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Constants given as ``other=`` of tl.load only fill masked lanes: mutating them is often a no-op."""
    parent = parents.get(id(node))
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.keyword) and parent.arg == "other":
            return True
        parent = parents.get(id(parent))
    return False


def _in_load_mask(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Inside ``mask=`` of ``tl.load``: widening a load mask by one lane is usually invisible."""
    parent = parents.get(id(node))
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.keyword) and parent.arg == "mask":
            call = parents.get(id(parent))
            return isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "load"
        parent = parents.get(id(parent))
    return False


def _in_pointer_arg(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Inside the pointer argument of tl.load/tl.store: a swapped sign there is a wild pointer."""
    child, parent = node, parents.get(id(node))
    while parent is not None and not isinstance(parent, ast.stmt):
        if (isinstance(parent, ast.Call) and getattr(parent.func, "attr", "") in ("load", "store")
                and parent.args and parent.args[0] is child):
            return True
        child, parent = parent, parents.get(id(parent))
    return False


def _python_sites(src: str) -> list[Mutation]:
    """Mutation sites in the ``@triton.jit`` bodies of ``src``, in walk order."""
    tree = ast.parse(src)
    off = _Offsets(src)
    out: list[Mutation] = []
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and _is_jit(n)):
        parents = {id(c): p for p in ast.walk(fn) for c in ast.iter_child_nodes(p)}
        for node in ast.walk(fn):
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.Constant) and isinstance(node.value, float) and not _in_other_kwarg(node, parents):
                s, e = off.span(node)
                new = "1.0" if node.value == 0.0 else repr(round(node.value * 1.25 + 0.01, 6))
                out.append(Mutation("constant", line, f"{node.value!r} -> {new}", s, e, new))
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and "inf" in ast.unparse(node):
                s, e = off.span(node)
                out.append(Mutation("reduction_init", line, "-inf -> 0.0", s, e, "0.0"))
            elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMP_SWAPS:
                out += _compare_sites(node, src, off, parents, line)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                out += _call_sites(node, node.func, off, line)
            elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAPS and not _in_pointer_arg(node, parents):
                out += _binop_sites(node, src, off, line)
    return out


def _compare_sites(node: ast.Compare, src: str, off: _Offsets, parents: dict[int, ast.AST],
                   line: int) -> list[Mutation]:
    """``x < n`` -> ``x < (n - 1)`` (a mask off by one) and the comparison's boundary swapped."""
    out: list[Mutation] = []
    op = type(node.ops[0])
    right = node.comparators[0]
    s, e = off.span(right)
    if op is ast.Lt and isinstance(right, ast.Name | ast.Attribute):
        text = ast.unparse(right)
        out.append(Mutation("mask_off_by_one", line, f"< {text} -> < {text} - 1", s, e, f"({text} - 1)"))
    s0, _ = off.span(node.left)
    seg = src[s0:s]
    m = re.search(r"(<=|>=|<|>)(?!.*(<=|>=|<|>))", seg, re.S)
    if m and not _in_load_mask(node, parents):
        new = _CMP_SWAPS[op]
        out.append(Mutation("boundary", line, f"{m.group(1)} -> {new}", s0 + m.start(1), s0 + m.end(1), new))
    return out


def _call_sites(node: ast.Call, func: ast.Attribute, off: _Offsets, line: int) -> list[Mutation]:
    """A method call swapped for its twin (``maximum`` -> ``minimum`` ...), ``zeros`` -> ``full(1.0)``."""
    attr = func.attr
    if attr in _CALL_SWAPS:
        s, e = off.span(func)
        prefix = ast.unparse(func.value)
        return [Mutation("call_swap", line, f"{attr} -> {_CALL_SWAPS[attr]}", s, e,
                         f"{prefix}.{_CALL_SWAPS[attr]}")]
    if attr == "zeros":
        args = ", ".join(ast.unparse(a) for a in node.args[:1])
        kw = "".join(f", {ast.unparse(k)}" for k in node.keywords)
        s, e = off.span(node)
        return [Mutation("reduction_init", line, "zeros -> full(1.0)", s, e,
                         f"{ast.unparse(func.value)}.full({args}, 1.0{kw})")]
    return []


def _binop_sites(node: ast.BinOp, src: str, off: _Offsets, line: int) -> list[Mutation]:
    """The operator swapped (``+`` -> ``-`` ...), and a ``* scale`` dropped."""
    out: list[Mutation] = []
    ls, le = off.span(node.left)
    rs, _ = off.span(node.right)
    seg = src[le:rs]
    sym = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}[type(node.op)]
    idx = seg.find(sym)
    if idx >= 0:
        new = _BINOP_SWAPS[type(node.op)]
        out.append(Mutation("op_swap", line, f"{sym} -> {new}", le + idx, le + idx + 1, new))
    if isinstance(node.op, ast.Mult) and _SCALE_NAMES.search(ast.unparse(node.right)):
        s, e = off.span(node)
        out.append(Mutation("drop_scale", line, f"drop * {ast.unparse(node.right)}", s, e,
                            f"({ast.unparse(node.left)})"))
    return out


_CPP_SITES = [
    ("boundary", re.compile(r"(?<=\s)<(?=\s)"), "<="),
    ("boundary", re.compile(r"(?<=\s)>=(?=\s)"), ">"),
    ("op_swap", re.compile(r"(?<=\s)\+(?=\s)"), "-"),
    ("op_swap", re.compile(r"(?<=\s)\*(?=\s)"), "+"),
    ("call_swap", re.compile(r"\bfminf\b"), "fmaxf"),
    ("reduction_init", re.compile(r"-INFINITY"), "0.0f"),
    ("call_swap", re.compile(r"\bfmaxf\b"), "fminf"),
    ("call_swap", re.compile(r"\bexpf\b"), "exp2f"),
    ("op_swap", re.compile(r"\+="), "-="),
    ("constant", re.compile(r"(?<![\w.])\d+\.\d+f\b"), None),
]


def _cuda_sites(src: str) -> list[Mutation]:
    tree = ast.parse(src)
    off = _Offsets(src)
    out: list[Mutation] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and "__global__" in node.value):
            continue
        s, e = off.span(node)
        body = src[s:e]
        for kind, pattern, repl in _CPP_SITES:
            for m in pattern.finditer(body):
                if "<<<" in body[max(0, m.start() - 2):m.end() + 2] or "#include" in body[
                        body.rfind("\n", 0, m.start()) + 1:m.start() + 1]:
                    continue
                new = repl if repl is not None else ("1.0f" if float(m.group()[:-1]) == 0.0
                                                     else f"{float(m.group()[:-1]) * 1.25 + 0.01:.6g}f")
                line = src.count("\n", 0, s + m.start()) + 1
                out.append(Mutation(kind, line, f"{m.group()} -> {new}", s + m.start(), s + m.end(), new))
    return out


def mutations(code: str) -> list[Mutation]:
    """Every single-site mutation of ``code`` (kernel code only), in source order."""
    sites = _python_sites(code) + _cuda_sites(code)
    return sorted(sites, key=lambda m: (m.start, m.kind))


def mutate(code: str, seed: int) -> str:
    """One deterministic mutant of ``code`` for ``seed`` (the code unchanged if no site exists)."""
    sites = mutations(code)
    if not sites:
        return code
    key = hashlib.sha256(f"{seed}:{code}".encode()).digest()
    rng = random.Random(int.from_bytes(key[:8], "big"))
    kinds = sorted({m.kind for m in sites})
    kind = kinds[rng.randrange(len(kinds))]  # pick the operator first: rare kinds get their share
    pool = [m for m in sites if m.kind == kind]
    return pool[rng.randrange(len(pool))].apply(code)
