"""Input sizes that KernelBench writes as literals, made scalable for the CPU check.

Some level-3 models write input dimensions as literals (``torch.rand(batch_size, 3, 224, 224)``)
or keep layer widths in lists (``layer_sizes = [16384, 16384]``); the family's scale search only
rewrites module-level integer constants, so those problems never fit the CPU budget. Here:

* :func:`hoist_input_literals` rewrites a copy of the source so that every integer literal >= 16
  in ``get_inputs`` becomes a module-level constant (``hweval_input_dim_0 = 224``) placed just
  before ``get_inputs``. The copy computes exactly what the original does; only the scale search
  can then shrink those dimensions.
* :func:`scale_search` is the family's search over the copy plus lists of integers scaled the
  same way (large entries >= 64 divided by 4, 8, ... 1024, then medium ones >= 16 halved or
  quartered).

Whether a scaled copy still runs is decided in the sandbox by the reference itself (a model whose
layers fix the input size, such as AlexNet's ``fc1`` on 256*6*6 features, fails every scaled copy
and is then reported as not run on the CPU).
"""
from __future__ import annotations

import ast
from typing import Any

from harness.families.kernels.sandboxed.scaling import int_constants, scale_candidates

HOIST_PREFIX = "hweval_input_dim_"
#: same factors as the family's search (harness.families.kernels.sandboxed.refcases)
_FACTORS = (4, 8, 16, 32, 64, 128, 256, 1024)
_MEDIUM_FACTORS = (2, 4)
_PROTECTED = ("kernel", "stride", "pad", "dilation", "group", "seed", "axis")


def _get_inputs(tree: ast.Module) -> ast.FunctionDef | None:
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "get_inputs"), None)


class _Hoist(ast.NodeTransformer):
    def __init__(self) -> None:
        self.names: list[tuple[str, int]] = []

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if type(node.value) is int and node.value >= 16:
            name = f"{HOIST_PREFIX}{len(self.names)}"
            self.names.append((name, node.value))
            return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)
        return node


def hoist_input_literals(source: str) -> str:
    """``source`` with the integer literals (>= 16) of ``get_inputs`` turned into module constants;
    ``source`` itself when there are none (or it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    fn = _get_inputs(tree)
    if fn is None:
        return source
    hoist = _Hoist()
    fn.body = [hoist.visit(stmt) for stmt in fn.body]
    if not hoist.names:
        return source
    at = tree.body.index(fn)
    consts = [ast.parse(f"{name} = {value}").body[0] for name, value in hoist.names]
    tree.body[at:at] = consts
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def int_lists(source: str) -> dict[str, list[int]]:
    """Module-level names bound to a list of integer literals (``layer_sizes = [400, 800]``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out: dict[str, list[int]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            value = stmt.value
            name = stmt.targets[0].id
            if isinstance(value, ast.List) and value.elts and all(
                    isinstance(e, ast.Constant) and type(e.value) is int for e in value.elts):
                out[name] = [int(e.value) for e in value.elts]  # type: ignore[union-attr]
            else:
                out.pop(name, None)
    return {n: v for n, v in out.items() if not any(p in n.lower() for p in _PROTECTED)}


def _scaled(value: Any, factor: int, threshold: int) -> Any:
    if isinstance(value, tuple | list):
        return type(value)(max(8, v // factor) if v >= threshold else v for v in value)
    return max(8, value // factor) if value >= threshold else value


def scale_search(source: str) -> list[dict[str, Any]]:
    """Scaled-down module constants to try on the CPU, least scaling first: the family's search
    (:func:`harness.families.kernels.sandboxed.refcases.scale_candidates`) with lists of integers scaled
    alongside the integer constants."""
    lists = int_lists(source)
    if not lists:
        return scale_candidates(source)
    consts: dict[str, Any] = {n: v for n, v in int_constants(source).items()
                              if not any(p in n.lower() for p in _PROTECTED)}
    consts.update(lists)
    out: list[dict[str, Any]] = []

    def add(values: dict[str, Any]) -> None:
        cand = {n: v for n, v in values.items() if v != consts[n]}
        if cand and cand not in out:
            out.append(cand)

    for f in _FACTORS:
        add({n: _scaled(v, f, 64) for n, v in consts.items()})
    for f in _MEDIUM_FACTORS:
        add({n: _scaled(_scaled(v, _FACTORS[-1], 64), f, 16) for n, v in consts.items()})
    return out
