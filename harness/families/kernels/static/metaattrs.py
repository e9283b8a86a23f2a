"""Attributes of library values that are plain numbers or strings (issue 14, honest-answer
findings F22/F23), part of :func:`harness.families.kernels.static.names.attribute_kind`.

The bound-method rule rejects ``.min``, ``.max``, ``.type``, ``.index`` ... read as values because
they are methods of tensors. On a ``torch.finfo``/``torch.iinfo`` object or a ``torch.device`` the
same names are a float, an int or a string. :func:`plain_value_attr` accepts exactly these chains,
where the receiver is *certainly* such an object:

* ``torch.finfo(...)`` / ``torch.iinfo(...)`` / ``torch.device(...)`` called right there;
* ``<expr>.device`` (a tensor's device), provided the answer binds no attribute named ``device``
  anywhere (``self.device = x``, a class-body name, ``register_buffer("device", ...)``) and
  ``<expr>`` is no extension module;
* a name every binding of which (in the function that owns it, nested scopes included, or in the
  whole module for a module-level name) is a plain ``name = <one of the above>``: a parameter, a
  loop variable, an ``except ... as``, a ``del``, a walrus or a tuple target anywhere makes it
  unknown, and so does ``name = other_name``.

Anything else (a parameter, a tensor local, ``(x if c else torch.finfo(t)).min``) keeps the
name-based rule.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body
    from harness.families.kernels.static.scope import ModuleScope

#: the plain-value attributes of each kind of receiver
ATTRS: dict[str, frozenset[str]] = {
    "torch.finfo": frozenset({"min", "max", "eps", "tiny", "bits", "resolution", "smallest_normal", "dtype"}),
    "torch.iinfo": frozenset({"min", "max", "bits", "dtype"}),
    "torch.device": frozenset({"type", "index"}),
}
#: calls that give an object an attribute by name
_NAMING_CALLS = ("register_buffer", "register_parameter", "add_module", "register_module", "setattr")


def plain_value_attr(b: Body, n: ast.Attribute) -> bool:
    """``n`` reads a listed attribute of a certain finfo/iinfo object or torch.device."""
    if not any(n.attr in names for names in ATTRS.values()):
        return False
    kinds = _receiver(b, n.value, names_ok=True)
    return bool(kinds) and all(n.attr in ATTRS[k] for k in kinds)


def _receiver(b: Body, e: ast.expr, *, names_ok: bool) -> set[str]:
    """The kinds ``e`` certainly has (empty: unknown)."""
    if isinstance(e, ast.Call):
        path = b.alias_path(e.func)
        return {path} if path in ATTRS else set()
    if isinstance(e, ast.Attribute) and e.attr == "device":
        if b.alias_path(e) is not None or b.is_ext(e.value) or _answer_names_device(b.mod):
            return set()
        return {"torch.device"}
    if isinstance(e, ast.Name) and names_ok:
        scope = _owner_node(b, e.id)
        values = _bindings(scope, e.id) if scope is not None else []
        kinds: set[str] = set()
        for v in values:
            k = _receiver(b, v, names_ok=False)  # ``a = b`` chains stay unknown
            if not k:
                return set()
            kinds |= k
        return kinds
    return set()


def _owner_node(b: Body, name: str) -> ast.AST | None:
    """The tree in which ``name`` is bound: its function (a local), or the module."""
    fn = b.fn
    while fn is not None:
        if name in fn.env:
            return fn.node
        fn = fn.parent
    if b.local_fn(name) is None and name in b.mod.consts:
        return b.mod.tree
    return None


def _bindings(tree: ast.AST, name: str) -> list[ast.expr]:
    """The values of ``name = value`` in ``tree``; empty when ``name`` is bound any other way."""
    values: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            values += [node.value for t in node.targets if isinstance(t, ast.Name) and t.id == name]
    return values if len(values) == _binding_count(tree, name) else []


def _binding_count(tree: ast.AST, name: str) -> int:
    """Every place ``tree`` binds (or deletes, or declares global/nonlocal) ``name``."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            count += node.id == name and not isinstance(node.ctx, ast.Load)
        elif isinstance(node, ast.arg):
            count += node.arg == name
        elif isinstance(node, ast.ExceptHandler | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                        | ast.MatchAs | ast.MatchStar):
            count += getattr(node, "name", None) == name
        elif isinstance(node, ast.MatchMapping):
            count += node.rest == name
        elif isinstance(node, ast.alias):
            count += (node.asname or node.name.split(".")[0]) == name
        elif isinstance(node, ast.Global | ast.Nonlocal):
            count += name in node.names
    return count


def _answer_names_device(mod: ModuleScope) -> bool:
    """Does the answer give anything an attribute named ``device`` (so ``<x>.device`` may be its own)?"""
    from harness.families.kernels.static.plain import attr_names

    if "device" in mod.self_attrs or "device" in mod.plain_attrs:
        return True
    if any("device" in attr_names(cls) for cls in mod.classes.values()):
        return True
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Attribute) and node.attr == "device" and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, ast.Call) and _func_name(node.func) in _NAMING_CALLS and any(
                isinstance(a, ast.Constant) and a.value == "device"
                for a in [*node.args, *(k.value for k in node.keywords)]):
            return True
    return False


def _func_name(f: ast.expr) -> str:
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
