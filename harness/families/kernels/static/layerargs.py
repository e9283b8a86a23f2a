"""Entry positions the problem fills only with a layer the answer cannot build (honest round 12 H11,
issue #14 follow-up): TritonBench-G's ``fast_layernorm(layernorm, X)`` reads ``layernorm.eps``, a
number torch's ``nn.LayerNorm`` holds. That read is a size (``narrow.entry_config``) only where
every visible call of the entry in the reference and its test section passes there a layer built by
the problem's own code: a name every binding of which (in the call's scope) is such a call, or the
call itself, of

* a ``torch.nn`` class (``nn.LayerNorm(...)``, ``torch.nn.LayerNorm(...)``, then ``.cuda()``,
  ``.to(...)`` ...): every configuration attribute is torch's number;
* a module-level class of the problem that names none of the problem's module-level bindings (so it
  launches nothing, and the test section runs the problem's own class, never the answer's), for the
  attributes it sets only to literals or to an ``__init__`` parameter every call of the class fills
  with a literal or leaves at a literal default (``SimpleLayerNorm``'s ``self.eps = eps``).

A layer of a class the answer provides (a launching class of the reference) may hold a tensor under
``eps``: that read stays a possible tensor (an answer's ``Scaler`` kept its weight under ``alpha``, and
its entry squared it element by element on the host). Markers in the entry's kinds: ``"*cfg@i"`` (any
configuration attribute at position ``i``), ``"*cfg@i.name"`` (that attribute only), ``"*cfg@i=param"``
(the reference's parameter at ``i``)."""
from __future__ import annotations

import ast

LAYER_AT = "*cfg@"
_ALL = frozenset({"*"})
_CHAIN = frozenset({"cuda", "to", "float", "half", "double", "bfloat16", "eval", "train", "cpu", "requires_grad_"})


def _literal(e: ast.expr | None) -> bool:
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub | ast.UAdd):
        e = e.operand
    if isinstance(e, ast.Tuple | ast.List):
        return all(_literal(x) for x in e.elts)
    return isinstance(e, ast.Constant) and not isinstance(e.value, bytes)


def _torch_nn(tree: ast.Module) -> bool:
    """``nn`` is bound only as ``torch.nn`` (``import torch.nn as nn`` / ``from torch import nn``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if any((a.asname or a.name) == "nn" for a in node.names) and \
                    not (node.module == "torch" and all(a.name == "nn" for a in node.names if (a.asname or a.name) == "nn")):
                return False
        elif isinstance(node, ast.Import):
            if any(a.asname == "nn" and a.name != "torch.nn" or a.asname is None and a.name == "nn" for a in node.names):
                return False
        elif isinstance(node, ast.Name) and node.id == "nn" and not isinstance(node.ctx, ast.Load) or \
                isinstance(node, ast.arg) and node.arg == "nn" or \
                isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == "nn":
            return False
    return True


def _class_attrs(cls: ast.ClassDef, calls: list[ast.Call]) -> frozenset[str]:
    """The attributes ``cls`` sets only to literals or to ``__init__`` parameters every call in ``calls``
    fills with a literal (or leaves at a literal default)."""
    init = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
    params = [a.arg for a in init.args.args[1:]] if init else []
    defaults = dict(zip(params[len(params) - len(init.args.defaults):], init.args.defaults, strict=True)) if init else {}
    literal_params = {p for i, p in enumerate(params)
                      if all(_literal(c.args[i]) if i < len(c.args) else
                             _literal(next((k.value for k in c.keywords if k.arg == p), defaults.get(p)))
                             for c in calls)} if not any(k.arg is None for c in calls for k in c.keywords) else set()
    good: dict[str, bool] = {}
    for node in ast.walk(cls):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AnnAssign | ast.AugAssign) else []
        for t in targets:
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                value = getattr(node, "value", None)
                ok = isinstance(node, ast.Assign) and len(node.targets) == 1 and (
                    _literal(value) or isinstance(value, ast.Name) and value.id in literal_params)
                good[t.attr] = good.get(t.attr, True) and ok
    return frozenset(a for a, ok in good.items() if ok)


def _own_classes(tree: ast.Module) -> dict[str, frozenset[str]]:
    """Module-level classes of the problem whose bodies name none of its module-level bindings, each
    with the attributes :func:`_class_attrs` trusts (none where the class is named but as a callee)."""
    bound = {t.id for s in tree.body if isinstance(s, ast.Assign | ast.AnnAssign | ast.AugAssign)
             for t in ast.walk(s) if isinstance(t, ast.Name) and not isinstance(t.ctx, ast.Load)}
    bound |= {s.name for s in tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
    out: dict[str, frozenset[str]] = {}
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef) or ({n.id for n in ast.walk(cls) if isinstance(n, ast.Name)} - {cls.name}) & bound:
            continue
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == cls.name]
        callees = {id(c.func) for c in calls}
        escapes = any(isinstance(n, ast.Name) and n.id == cls.name and id(n) not in callees for n in ast.walk(tree))
        out[cls.name] = frozenset() if escapes or any(isinstance(a, ast.Starred) for c in calls for a in c.args) \
            else _class_attrs(cls, calls)
    return out


def _built(e: ast.expr | None, classes: dict[str, frozenset[str]], nn_ok: bool) -> frozenset[str] | None:
    """The configuration attributes trusted on the layer ``e`` builds (``_ALL``: torch's layer); None
    where ``e`` is no such call."""
    while isinstance(e, ast.Call) and isinstance(e.func, ast.Attribute) and e.func.attr in _CHAIN:
        e = e.func.value
    if not isinstance(e, ast.Call):
        return None
    path: list[str] = []
    f: ast.expr = e.func
    while isinstance(f, ast.Attribute):
        path.append(f.attr)
        f = f.value
    if not isinstance(f, ast.Name):
        return None
    path = [f.id, *reversed(path)]
    if nn_ok and (path[0] == "nn" and len(path) == 2 or path[:2] == ["torch", "nn"] and len(path) == 3):
        return _ALL
    return classes.get(f.id) if path == [f.id] else None


def layer_positions(source: str, function: str, params: list[str]) -> set[int | str]:
    """The markers for the positions every call of ``function`` in ``source`` (the calls all
    visible: ``testargs.entry_kinds`` asks only then) fills with a built layer, written in the call
    or as a name every binding of which in the call's scope is one."""
    from harness.families.kernels.static.testargs import _own_nodes, _scopes

    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id == function]
    scope_of, classes, nn_ok = _scopes(tree), _own_classes(tree), _torch_nn(tree)

    def layer(e: ast.expr | None, call: ast.Call) -> frozenset[str] | None:
        direct = _built(e, classes, nn_ok)
        if direct is not None or not isinstance(e, ast.Name) or id(call) not in scope_of:
            return direct
        nodes = _own_nodes(scope_of[id(call)])
        stores = [n for n in nodes if isinstance(n, ast.Name) and n.id == e.id and not isinstance(n.ctx, ast.Load)]
        values = [n.value for n in nodes if isinstance(n, ast.Assign) and len(n.targets) == 1
                  and isinstance(n.targets[0], ast.Name) and n.targets[0].id == e.id]
        if not stores or len(values) != len(stores) or any(
                isinstance(n, ast.arg) and n.arg == e.id or isinstance(n, ast.Global | ast.Nonlocal) and e.id in n.names
                for n in nodes):
            return None
        kinds = [k for k in (_built(v, classes, nn_ok) for v in values) if k is not None]
        return _meet(kinds) if len(kinds) == len(values) else None

    out: set[int | str] = set()
    for i, name in enumerate(params):
        found = [layer(c.args[i] if i < len(c.args) else next((k.value for k in c.keywords if k.arg == name), None), c)
                 for c in calls]
        given = [g for g in found if g is not None]
        if calls and len(given) == len(found):
            trusted = _meet(given)
            out |= {LAYER_AT + str(i)} if trusted == _ALL else {f"{LAYER_AT}{i}.{a}" for a in trusted}
            out.add(f"{LAYER_AT}{i}={name}")  # the reference's parameter there
    return out


def _meet(kinds: list[frozenset[str]]) -> frozenset[str]:
    found = [k for k in kinds if k != _ALL]
    return frozenset.intersection(*found) if found else _ALL
