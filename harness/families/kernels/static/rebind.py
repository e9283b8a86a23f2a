"""The ``load_inline`` sources the checks read must be the ones the build gets.

The CUDA checks resolve ``load_inline``'s arguments statically, through the module's names bound
once by a plain assignment (:func:`~harness.families.kernels.static.cuda.module_constants`). A
name changed any other way at run time (``src += "..."``, a ``for src in [...]`` loop, ``(src :=
...)``, ``srcs.append(...)``, ``srcs[0] = ...``, ``global src`` in a function, an alias ``b = srcs``
then ``b.append``) would hand the compiler text that nobody checked (the class of red team 6 S8:
the checker and the tool read different text). Every name the arguments depend on, and every
alias of one, may therefore occur only as the target of its one assignment and inside the value
expressions of module constants or ``load_inline`` calls.
"""
from __future__ import annotations

import ast

from harness.families.kernels.static.cuda import LOAD_INLINE, module_constants
from harness.families.kernels.static.scope import Violation

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _load_inline_calls(tree: ast.Module, aliases: dict[str, str]) -> list[ast.Call]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            parts: list[str] = []
            f: ast.expr = node.func
            while isinstance(f, ast.Attribute):
                parts.append(f.attr)
                f = f.value
            if isinstance(f, ast.Name) and f.id in aliases and \
                    ".".join([aliases[f.id], *reversed(parts)]) == LOAD_INLINE:
                out.append(node)
    return out


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _dependencies(calls: list[ast.Call], consts: dict[str, ast.expr]) -> set[str]:
    """Names the calls' arguments read, through module constants, and every constant aliasing one."""
    todo = set().union(*(_names(a) for c in calls for a in [*c.args, *(k.value for k in c.keywords)]))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in consts:
            todo |= _names(consts[name])
        todo |= {k for k, v in consts.items() if isinstance(v, ast.Name) and v.id == name}
    return seen


def _allowed_nodes(tree: ast.Module, calls: list[ast.Call], consts: dict[str, ast.expr]) -> set[int]:
    """ids of the Name nodes that may name a dependency: its one assignment target, loads inside a
    module constant's value or a load_inline call."""
    allowed: set[int] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                if isinstance(t, ast.Name) and consts.get(t.id) is stmt.value:
                    allowed.add(id(t))
                    allowed |= {id(n) for n in ast.walk(stmt.value) if isinstance(n, ast.Name)
                                and not isinstance(n.ctx, ast.Store)}
    for call in calls:
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            allowed |= {id(n) for n in ast.walk(arg) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return allowed


def source_rebinding(tree: ast.Module, aliases: dict[str, str]) -> list[Violation]:
    """``unstable_source`` for every other occurrence of a name ``load_inline``'s arguments depend on."""
    calls = _load_inline_calls(tree, aliases)
    if not calls:
        return []
    consts = module_constants(tree)
    deps = _dependencies(calls, consts)
    allowed = _allowed_nodes(tree, calls, consts)
    out: list[Violation] = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Name) and node.id in deps and id(node) not in allowed:
            name = node.id
        elif isinstance(node, ast.Global | ast.Nonlocal) and deps & set(node.names):
            name = sorted(deps & set(node.names))[0]
        if name is not None:
            v = Violation("unstable_source", f"{name} (used by load_inline) is rebound, mutated or used elsewhere: "
                          "the built sources could differ from the checked ones", getattr(node, "lineno", 0))
            if v not in out:
                out.append(v)
    return out
