"""Containers of the answer's own nn.Modules: ``nn.ModuleList`` / ``nn.Sequential`` built in
``__init__`` from instances of classes the answer defines, iterated, indexed or called in
``forward`` (part of :class:`.body.Body`).

Calling an element runs that class's ``forward``, which is checked like any method. A container
is trusted only while every write to it is such a construction: anything else in ``__init__``
(``append`` of a library layer, item assignment, the container named as a value, reassignment
to something else) *poisons* the attribute for good, and a poisoned container is a tensor again
(iterating or calling it is rejected). The same holds for ``self.x = Helper()`` submodules.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body

SIZE, OPAQUE, TENSOR = 0, 1, 2
CONTAINERS = ("torch.nn.ModuleList", "torch.nn.Sequential", "torch.nn.ModuleDict")


def _class_call(b: Body, node: ast.expr) -> str | None:
    """``Helper(...)`` where Helper is one of the answer's classes other than the entry."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in b.mod.classes \
            and node.func.id != b.mod.entry and not b.is_local(node.func.id):
        return node.func.id
    return None


def _elements(b: Body, nodes: list[ast.expr]) -> set[str] | None:
    out: set[str] = set()
    for e in nodes:
        if isinstance(e, ast.Starred):
            e = e.value
        if isinstance(e, ast.List | ast.Tuple):
            inner = _elements(b, e.elts)
        elif isinstance(e, ast.ListComp | ast.GeneratorExp):
            inner = _elements(b, [e.elt])
        else:
            name = _class_call(b, e)
            inner = {name} if name else None
        if inner is None:
            return None
        out |= inner
    return out


def container_classes(b: Body, value: ast.expr | None) -> set[str] | None:
    """The classes of ``nn.ModuleList([...])`` / ``nn.Sequential(...)`` of the answer's modules."""
    if not isinstance(value, ast.Call) or b.alias_path(value.func) not in CONTAINERS or value.keywords:
        return None
    if b.alias_path(value.func) == "torch.nn.ModuleDict":  # a dict literal of modules; read by key only
        if len(value.args) != 1 or not isinstance(value.args[0], ast.Dict) or None in value.args[0].keys:
            return None
        for key in value.args[0].keys:
            b.expr(key)  # type: ignore[arg-type]
        return _elements(b, list(value.args[0].values))
    return _elements(b, list(value.args))


def on_self_assign(b: Body, attr: str, value: ast.expr | None) -> None:
    """``self.attr = value`` in ``__init__``: record a container / submodule, or poison it."""
    mod = b.mod
    classes = container_classes(b, value)
    if classes is not None and attr not in mod.poisoned:
        mod.modlists.setdefault(attr, set()).update(classes)
        if b.alias_path(value.func) == "torch.nn.ModuleDict":  # type: ignore[union-attr]
            mod.moduledicts.add(attr)
    elif value is not None and _class_call(b, value) and attr not in mod.modlists:
        if mod.submodules.get(attr, _class_call(b, value)) != _class_call(b, value):
            poison(b, attr)
        else:
            mod.submodules[attr] = _class_call(b, value)  # type: ignore[assignment]
    elif attr in mod.modlists or attr in mod.submodules:
        poison(b, attr)
    else:
        mod.poisoned.add(attr)  # assigned something else first: never a container later


def poison(b: Body, attr: str) -> None:
    b.mod.poisoned.add(attr)
    b.mod.modlists.pop(attr, None)
    b.mod.submodules.pop(attr, None)


def container_of(b: Body, node: ast.expr) -> set[str] | None:
    """The classes held by ``self.attr`` or ``self.attr[i]`` / ``self.attr[a:b]``, outside
    ``__init__`` (in ``__init__`` any mention poisons the container: see :func:`on_load`)."""
    if isinstance(node, ast.Subscript):
        b.slice_kind(node.slice)
        node = node.value
    attr = b.self_attr(node)
    if attr is None or b.mode == "init" or attr in b.mod.poisoned:
        return None
    return b.mod.modlists.get(attr)


def on_load(b: Body, attr: str) -> None:
    """``self.attr`` read in ``__init__``: it could be mutated through an alias there."""
    if b.mode == "init" and (attr in b.mod.modlists or attr in b.mod.submodules):
        poison(b, attr)


def _sequence(b: Body, node: ast.expr) -> set[str] | None:
    """A ModuleList / Sequential (not a ModuleDict: iterating one yields its keys)."""
    found = container_of(b, node)
    attr = b.self_attr(node.value if isinstance(node, ast.Subscript) else node)
    if found is None or attr is None or attr in b.mod.moduledicts:
        return None
    return found


def iter_container(b: Body, node: ast.expr) -> tuple[list[set[str]], bool] | None:
    """``for m in self.layers`` / ``enumerate(self.layers)`` / ``zip(self.a, self.b)``:
    (the classes of each element of the loop tuple, enumerated)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords \
            and node.func.id in ("enumerate", "zip") and not b.is_local(node.func.id) and node.args:
        if node.func.id == "enumerate" and len(node.args) == 1:
            found = _sequence(b, node.args[0])
            return ([found], True) if found is not None else None
        if node.func.id == "zip":
            parts = [_sequence(b, a) for a in node.args]
            return ([p for p in parts if p is not None], False) if all(p is not None for p in parts) else None
        return None
    found = _sequence(b, node)
    return ([found], False) if found is not None else None


def bind_iter(b: Body, target: ast.expr, found: tuple[list[set[str]], bool]) -> None:
    parts, enumerated = found
    if enumerated:
        if not (isinstance(target, ast.Tuple) and len(target.elts) == 2):
            b.bad("torch_compute", "iterates over a module container in an unknown shape", target)
            return
        b.bind(target.elts[0], SIZE, None)
        target = target.elts[1]
    if len(parts) > 1 or isinstance(target, ast.Tuple):  # zip(...): one name per container
        if not (isinstance(target, ast.Tuple) and len(target.elts) == len(parts)):
            b.bad("torch_compute", "iterates over zipped module containers in an unknown shape", target)
            return
        for t, classes in zip(target.elts, parts, strict=True):
            bind_iter(b, t, ([classes], False))
        return
    classes = parts[0]
    if not isinstance(target, ast.Name) or b.fn is None:
        b.bad("torch_compute", "iterates over a module container into a non-name", target)
        return
    if target.id in b.mod.protected:
        b.bad("shadowing", f"rebinds {target.id}", target)
    b.fn.env[target.id] = max(b.fn.env.get(target.id, SIZE), OPAQUE)
    b.fn.modvars.setdefault(target.id, set()).update(classes)


def call_container(b: Body, n: ast.Call, classes: set[str], sequential: bool) -> int:
    """Calling an element (or a whole ``nn.Sequential``) runs each class's checked ``forward``."""
    from harness.families.kernels.static.calls import call_fn

    ret = SIZE
    for cls in sorted(classes):
        forward = b.mod.methods.get((cls, "forward"))
        if forward is None:
            b.bad("forbidden_call", f"calls a {cls} without a forward method", n)
            continue
        ret = max(ret, call_fn(b, forward, n, bound=OPAQUE))
    return max(ret, OPAQUE) if sequential else ret


def modvar(b: Body, name: str) -> set[str] | None:
    """The classes a loop variable over a container may hold (None: not such a variable, or it is
    also bound to something else in the function)."""
    fn = b.fn
    while fn is not None:
        if name in fn.env:
            if name in fn.modvar_poison:
                return None
            return fn.modvars.get(name)
        fn = fn.parent
    return None


def container_append(b: Body, n: ast.Call, f: ast.Attribute) -> bool:
    """``self.layers.append(Helper(...))`` in ``__init__`` adds a class; True when handled."""
    attr = b.self_attr(f.value)
    if b.mode != "init" or f.attr != "append" or attr is None or attr not in b.mod.modlists \
            or len(n.args) != 1 or n.keywords:
        return False
    name = _class_call(b, n.args[0])
    if name is None:
        return False
    b.expr(n.args[0])
    b.mod.modlists[attr].add(name)
    return True
