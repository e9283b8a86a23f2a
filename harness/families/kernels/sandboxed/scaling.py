"""KernelBench module constants: read them statically and scale them down for the CPU.

``int_constants`` evaluates module-level integer constants without running the module;
``scale_candidates`` lists scaled-down overrides (least scaling first); ``odd_sizes`` makes the
even sizes odd, tried before each candidate so shapes are no multiple of a block size.
"""
from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

#: Integer operators of module constants evaluated statically (``N = 2048 * 2``).
_INT_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
            ast.FloorDiv: lambda a, b: a // b, ast.Pow: lambda a, b: a ** b}


def assigned_names(stmt: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets = [stmt.target]
    names = []
    for t in targets:
        for node in ast.walk(t):
            if isinstance(node, ast.Name):
                names.append(node.id)
    return names


def int_constants(source: str) -> dict[str, int | tuple[int, ...]]:
    """Module-level names bound to integer expressions (of literals and earlier such names) or to
    tuples of them (``input_shape = (32768,)``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    known: dict[str, int | tuple[int, ...]] = {}

    def ev(node: ast.expr) -> int | None:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.Name):
            value = known.get(node.id)
            return value if isinstance(value, int) else None
        if isinstance(node, ast.BinOp) and type(node.op) in _INT_OPS:
            a, b = ev(node.left), ev(node.right)
            if a is None or b is None or (isinstance(node.op, ast.Pow) and b > 64):
                return None
            return int(_INT_OPS[type(node.op)](a, b))
        return None

    def ev_any(node: ast.expr) -> int | tuple[int, ...] | None:
        if isinstance(node, ast.Tuple) and node.elts:
            items = [ev(e) for e in node.elts]
            return None if any(i is None for i in items) else tuple(i for i in items if i is not None)
        return ev(node)

    for stmt in tree.body:
        if not (isinstance(stmt, ast.Assign | ast.AnnAssign) and getattr(stmt, "value", None) is not None):
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            value_node: ast.expr = stmt.value  # type: ignore[assignment]
            if isinstance(target, ast.Tuple) and isinstance(value_node, ast.Tuple) and \
                    len(target.elts) == len(value_node.elts):  # depth, height, width = 16, 32, 32
                pairs = list(zip(target.elts, value_node.elts, strict=True))
            else:
                pairs = [(target, value_node)]
            for tgt, val in pairs:
                value = ev_any(val) if isinstance(tgt, ast.Name) else None
                for node in ast.walk(tgt):
                    if isinstance(node, ast.Name):
                        if value is None:
                            known.pop(node.id, None)
                        else:
                            known[node.id] = value
    return known


_PROTECTED = ("kernel", "stride", "pad", "dilation", "group", "seed", "axis")
#: divide the large constants (>= 64) by each factor in turn, the least scaling first ...
_FACTORS = (4, 8, 16, 32, 64, 128, 256, 1024)
#: ... then also halve / quarter the medium ones (>= 16)
_MEDIUM_FACTORS = (2, 4)


def _scaled(value: int | tuple[int, ...], factor: int, threshold: int) -> int | tuple[int, ...]:
    if isinstance(value, tuple):
        return tuple(max(8, v // factor) if v >= threshold else v for v in value)
    return max(8, value // factor) if value >= threshold else value


def scale_candidates(source: str, threshold: int = 64) -> list[dict[str, Any]]:
    """Module constants scaled down, from the least scaling to the most; constants named like
    kernel sizes, strides, paddings, dilations, groups are kept."""
    consts = {n: v for n, v in int_constants(source).items() if not any(p in n.lower() for p in _PROTECTED)}
    out: list[dict[str, Any]] = []

    def add(values: dict[str, Any]) -> None:
        cand = {n: v for n, v in values.items() if v != consts[n]}
        if cand and cand not in out:
            out.append(cand)

    for f in _FACTORS:
        add({n: _scaled(v, f, threshold) for n, v in consts.items()})
    for f in _MEDIUM_FACTORS:
        add({n: _scaled(_scaled(v, _FACTORS[-1], threshold), f, 16) for n, v in consts.items()})
    return out


def odd_sizes(consts: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any] | None:
    """``overrides`` with every even size >= 16 made odd (one less): sizes that are no multiple of
    a block size, so an off-by-one mask shows (attack class 9). Tried first; None if nothing changes."""
    def odd(v: Any) -> Any:
        if isinstance(v, tuple | list):
            return tuple(odd(x) for x in v)
        return v - 1 if isinstance(v, int) and v >= 16 and v % 2 == 0 else v

    merged = {**consts, **overrides}
    changed = {n: odd(v) for n, v in merged.items() if odd(v) != (tuple(v) if isinstance(v, list) else v)}
    return {**overrides, **changed} if changed else None


