"""The one sanctioned draw from torch's random generator: a seed for the answer's kernels (issue 14).

A random operator (dropout, ``rand``) must draw fresh numbers at every call, and the only source
an answer has is torch's generator, which the harness seeds per evaluation
(:mod:`benchmarks.tritonbench.random_ops` requires draws that change with it). The allowlist
accepts exactly one form of that draw, a single random integer:

* ``torch.randint(high, size)`` / ``torch.randint(low, high, size)`` (also through an alias:
  ``from torch import randint``) where ``size`` is written as a literal of ones (``(1,)``, ``[1]``,
  ``(1, 1)``) or ``()``, so no tensor of more than one element can come from torch; ``low`` and
  ``high`` are sizes; keywords only ``dtype`` (a size), ``device`` (a size: ``x.device``) and
  ``generator`` (the function's own generator argument);
* its value read into Python right there: ``torch.randint(...).item()``, ``int(torch.randint(...))``,
  or the same on a name every binding of which is ``name = torch.randint(...)``: a size, like any
  number the wrapper passes to a launch.

Anywhere else the draw is a one-element tensor (a kernel may take it as a pointer; any arithmetic
on it is torch compute, as for every tensor). Not at module level or in a plain class's
``__init__`` (one seed for every call: the harness would fail it); ``ModelNew.__init__`` keeps its
own rule (torch may run there, it builds weights).
``torch.seed()`` (reseeds the generator from the OS: a run could not be replayed) and
``torch.initial_seed()`` (the same number at every call in real use) stay rejected.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body

SIZE, OPAQUE, TENSOR = 0, 1, 2
PATH = "torch.randint"
KEYWORDS = frozenset({"low", "high", "size", "dtype", "device", "generator"})
#: the form the rejection messages show
FORM = "torch.randint(0, 2**31 - 1, (1,)).item()"


def is_draw(b: Body, node: ast.expr) -> bool:
    """``node`` calls ``torch.randint`` (under any alias)."""
    return isinstance(node, ast.Call) and _path(b, node.func) == PATH


def _path(b: Body, f: ast.expr) -> str | None:
    if isinstance(f, ast.Name) and f.id in b.mod.aliases and not b.is_local(f.id):
        return b.mod.aliases[f.id]
    return b.alias_path(f)


def drawn_value(b: Body, node: ast.expr) -> ast.Call | None:
    """The draw whose value ``node`` holds: the call itself, or a name every binding of which (in
    its function) is ``name = torch.randint(...)``; None otherwise."""
    if is_draw(b, node):
        return node  # type: ignore[return-value]
    if isinstance(node, ast.Name):
        from harness.families.kernels.static.metaattrs import _bindings, _owner_node

        scope = _owner_node(b, node.id)
        if scope is None or scope is b.mod.tree:
            return None
        values = _bindings(scope, node.id)
        if values and all(is_draw(b, v) for v in values):
            return values[0]  # type: ignore[return-value]
    return None


def read_value(b: Body, node: ast.expr) -> int:
    """``.item()`` / ``int()`` of ``node``, a draw: a size (the draw itself is checked where it is
    written, or here when it is written right here)."""
    if is_draw(b, node):
        draw(b, node)  # type: ignore[arg-type]
    else:
        b.expr(node)
    return SIZE


def draw(b: Body, n: ast.Call) -> int:
    """Check one ``torch.randint(...)`` call; its kind (a one-element tensor)."""
    if b.mode in ("module", "plain_init"):
        where = "at module level" if b.mode == "module" else "in a class's __init__"
        b.bad("seed_draw", f"{PATH}() {where}: one seed would serve every call; draw it in the function "
              f"that launches the kernel ({FORM})", n)
    bad_kw = [k.arg for k in n.keywords if k.arg not in KEYWORDS]
    if bad_kw:
        b.bad("seed_draw", f"{PATH}({bad_kw[0]}=...): only {sorted(KEYWORDS)}", n)
    args = list(n.args)
    kw = {k.arg: k.value for k in n.keywords if k.arg is not None}
    size = kw.get("size") if "size" in kw else (args[-1] if len(args) >= 2 else None)
    bounds = [a for a in args if a is not size] + [kw[k] for k in ("low", "high") if k in kw]
    if size is None or not _one_element(size) or len(args) > 3:
        b.bad("seed_draw", f"{PATH}() draws a seed only: its size must be written (1,) ({FORM})", n)
    for value in bounds:
        if b.expr(value) != SIZE:
            b.bad("seed_draw", f"{PATH}() with a tensor bound", value)
    for key in ("dtype", "device"):
        if key in kw and b.expr(kw[key]) != SIZE:
            b.bad("seed_draw", f"{PATH}({key}=...) from a tensor", kw[key])
    if "generator" in kw:
        b.expr(kw["generator"])  # torch raises unless it is a torch.Generator
    return TENSOR


def _one_element(size: ast.expr) -> bool:
    """``(1,)``, ``[1]``, ``(1, 1)``, ``()``: a literal shape of one element."""
    if not isinstance(size, ast.Tuple | ast.List):
        return False
    return all(isinstance(e, ast.Constant) and type(e.value) is int and e.value == 1 for e in size.elts)
