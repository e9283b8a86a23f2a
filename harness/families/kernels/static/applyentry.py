"""A TritonBench entry that is a ``torch.autograd.Function``'s ``apply`` (issue #14: 10 of the 28
TritonBench-G references written around one have no module-level wrapper function): the reference
binds ``name = Cls.apply`` at module level and its test section calls ``name(...)``, or the test
section calls ``Cls.apply(...)`` itself (``benchmarks.tritonbench.g``). The answer provides the same:

* ``name = Cls.apply`` at module level, where ``name`` is the problem's entry, ``Cls`` one of the
  answer's autograd Functions (``static.autograd``) and ``name`` bound nowhere else (also by no
  ``global``): the test's ``name(...)`` is a call of ``Cls.forward``; the answer itself never names
  ``name`` (any load of it is ``forbidden_call``), and every other use of ``Cls`` stays what
  ``static.autograd`` allows (``Cls.apply(...)`` calls);
* or, where the entry is the class, an autograd Function of that name.

``forward``'s parameters after ``ctx`` take the entry's kinds (``module._entry_kind``) from the
reference's ``forward`` the same way, its calls (``name(...)`` or ``Cls.apply(...)``) read from the
reference and its test section (:func:`reference_entry`); ``backward`` gets what the engine passes.
"""
from __future__ import annotations

import ast
import copy
from collections.abc import Callable

from harness.families.kernels.static.scope import ModuleScope, Report

OPAQUE = 1


def _alias(stmt: ast.stmt) -> tuple[str, str] | None:
    """(name, Cls) of a module-level ``name = Cls.apply``."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
            and isinstance(stmt.value, ast.Attribute) and stmt.value.attr == "apply" \
            and isinstance(stmt.value.value, ast.Name):
        return stmt.targets[0].id, stmt.value.value.id
    return None


def is_entry_alias(mod: ModuleScope, stmt: ast.stmt) -> bool:
    """``stmt`` is the answer's ``entry = Cls.apply`` (:func:`find` accepted it)."""
    found = _alias(stmt)
    return found is not None and mod.entry_apply is not None and found == (mod.entry, mod.entry_apply)


def find(mod: ModuleScope) -> None:
    """Sets ``mod.entry_apply`` (after the classes are collected): the entry class itself, or the class
    of the one module-level ``entry = Cls.apply``, the entry bound nowhere else in the module."""
    if mod.kind != "function":
        return
    if mod.entry in mod.ctx_attrs:
        mod.entry_apply = mod.entry
        return
    aliases = [a for a in map(_alias, mod.tree.body) if a is not None and a[0] == mod.entry]
    stores = sum(1 for n in ast.walk(mod.tree) if isinstance(n, ast.Name) and n.id == mod.entry
                 and not isinstance(n.ctx, ast.Load) or isinstance(n, ast.Global | ast.Nonlocal) and mod.entry in n.names
                 or isinstance(n, ast.arg) and n.arg == mod.entry
                 or isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == mod.entry)
    if len(aliases) == 1 and stores == 1 and aliases[0][1] in mod.ctx_attrs:
        mod.entry_apply = aliases[0][1]


def check_uses(mod: ModuleScope, rep: Report) -> None:
    """An ``entry = Cls.apply`` answer never names its entry itself (the test section calls it)."""
    if mod.entry_apply is None or mod.entry_apply == mod.entry:
        return
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Name) and node.id == mod.entry and isinstance(node.ctx, ast.Load):
            rep.add("forbidden_call", f"names {mod.entry}, bound to {mod.entry_apply}.apply (only the test calls it)",
                    node)


def seed_forward(mod: ModuleScope, kind_of: Callable[[ModuleScope, str, int | None, ast.expr | None], int]) -> None:
    """``Cls.forward``'s parameters after ``ctx`` take the entry's kinds (``kind_of``: by name and
    position, as an entry function's)."""
    from harness.families.kernels.static.autograd import ctx_param

    fn = mod.methods.get((mod.entry_apply, "forward")) if mod.entry_apply else None
    if fn is None or not isinstance(fn.node, ast.FunctionDef):
        return
    args = fn.node.args
    skip = 0 if ctx_param(mod, fn) is None else 1
    positional = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    fn.seeded = True
    fn.param_kinds = [OPAQUE] * skip + [kind_of(mod, a.arg, i, d) for i, (a, d) in
                                        enumerate(zip(positional[skip:], defaults[skip:], strict=True))]
    fn.param_kinds += [kind_of(mod, a.arg, None, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]


def reference_entry(tree: ast.Module, function: str, test_code: str) -> tuple[ast.FunctionDef, str, int] | None:
    """For a reference whose entry ``function`` is an autograd Function's ``apply``: its ``forward``
    as a function named ``function`` without ``ctx``, the reference and test text in which each call
    of the entry is a plain ``function(...)`` (the ``function = Cls.apply`` line left out;
    ``Cls.apply(...)`` written ``Cls(...)``), and how many leading parameters were dropped."""
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    alias = next((a for a in map(_alias, tree.body) if a is not None and a[0] == function and a[1] in classes), None)
    cls = classes.get(alias[1] if alias else function)
    forward = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "forward"), None) if cls else None
    if cls is None or forward is None:
        return None
    setup = any(isinstance(s, ast.FunctionDef) and s.name == "setup_context" for s in cls.body)
    skip = 0 if setup else 1
    fn = copy.deepcopy(forward)
    fn.name, fn.decorator_list = function, []
    positional = [*fn.args.posonlyargs, *fn.args.args]
    n_default = len(fn.args.defaults)
    fn.args.posonlyargs, fn.args.args = [], positional[skip:]
    fn.args.defaults = fn.args.defaults[max(0, n_default - len(fn.args.args)):]
    body = [s for s in tree.body if not (alias and _alias(s) == alias)]
    text = ast.unparse(ast.Module(body=body, type_ignores=[])) + "\n" + test_code
    if alias is None:  # ``Cls.apply(...)``: a plain call of the entry
        test = ast.parse(text)
        for node in ast.walk(test):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "apply" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == function:
                node.func = node.func.value
        text = ast.unparse(test)
    return fn, text, skip
