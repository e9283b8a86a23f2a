"""Assignments in checked code: locals, ``self.x`` in ``ModelNew.__init__`` only, no writes into
tensors, module containers or imported modules (part of :class:`.body.Body`)."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from harness.families.kernels.static.policy import LOAD_INLINE_PATH

if TYPE_CHECKING:
    from harness.families.kernels.static.scope import Fn, ModuleScope, Report

SIZE, OPAQUE, TENSOR = 0, 1, 2
ALLOCATORS = frozenset({"torch.empty", "torch.empty_like", "torch.empty_strided", "torch.zeros", "torch.zeros_like",
                        "torch.ones", "torch.ones_like", "torch.full", "torch.full_like"})
ALLOCATING_METHODS = frozenset({"new_empty", "new_zeros", "new_ones", "new_full"})


class BindMixin:
    mod: ModuleScope
    fn: Fn | None
    rep: Report
    mode: str

    def bad(self, rule: str, detail: str, node: ast.AST) -> None:
        raise NotImplementedError

    def expr(self, n: ast.expr) -> int:
        raise NotImplementedError

    def slice_kind(self, node: ast.expr) -> int:
        raise NotImplementedError

    def alias_path(self, node: ast.expr) -> str | None:
        raise NotImplementedError

    def self_attr(self, node: ast.expr) -> str | None:
        raise NotImplementedError

    def self_rooted(self, node: ast.expr) -> bool:
        raise NotImplementedError

    def is_kernel(self, node: ast.expr) -> bool:
        raise NotImplementedError

    def is_local(self, name: str) -> bool:
        raise NotImplementedError

    def iter_kind(self, node: ast.expr) -> int:
        raise NotImplementedError

    def bind_zip(self, target: ast.expr, it: ast.expr) -> bool:
        """``for o, n in zip(outs, [64, 32])`` / ``for i, o in enumerate(outs)``: each name takes
        the kind of its own sequence's items (``n`` stays a size beside a list of tensors)."""
        if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("zip", "enumerate")
                and self.lookup(it.func.id) is None and not it.keywords and isinstance(target, ast.Tuple | ast.List)):
            return False
        seqs: list[ast.expr | None] = [None, *it.args] if it.func.id == "enumerate" else list(it.args)
        parts = [*it.args, *target.elts]
        if len(seqs) != len(target.elts) or len(it.args) < 1 or (it.func.id == "enumerate" and len(it.args) != 1) \
                or any(isinstance(p, ast.Starred) for p in parts):
            return False
        for e, a in zip(target.elts, seqs, strict=True):
            self.bind(e, SIZE if a is None else self.iter_kind(a), None)
        return True

    def value(self, v: ast.expr, target: ast.expr | None) -> int:
        if isinstance(v, ast.Lambda) and isinstance(target, ast.Name) and self.fn is not None:
            self.defaults(v.args)
            self.fn.callables[target.id] = self.mod.nested(v, self.fn)
            return SIZE
        return self.expr(v)

    def bind(self, t: ast.expr, k: int, value: ast.expr | None) -> None:
        if isinstance(t, ast.Name):
            self.bind_name(t, k, value)
        elif isinstance(t, ast.Tuple | ast.List):
            elts = value.elts if isinstance(value, ast.Tuple | ast.List) else None
            if elts is not None and len(elts) == len(t.elts) and not any(
                    isinstance(e, ast.Starred) for e in [*elts, *t.elts]):
                for e, v in zip(t.elts, elts, strict=True):  # ``a, b = x, 4``: each its own kind
                    self.bind(e, self.expr(v), v)
                return
            from harness.families.kernels.static.narrow import call_items

            items = None if any(isinstance(e, ast.Starred) for e in t.elts) else call_items(self, value, len(t.elts))
            if items is not None:  # ``t, s, flag = helper(v)``: each position its own kind
                for e, kind in zip(t.elts, items, strict=True):
                    self.bind(e, kind, None)
                return
            item = SIZE if k == SIZE else TENSOR  # ``r0, *rest = x``: the items of a tensor are tensors
            for e in t.elts:
                self.bind(e.value if isinstance(e, ast.Starred) else e, item, None)
        elif isinstance(t, ast.Attribute):
            self.bind_attr(t, k, value)
        elif isinstance(t, ast.Subscript):
            self.bind_item(t, k)
        else:
            self.bad("forbidden_statement", f"assignment to {type(t).__name__}", t)

    def bind_name(self, t: ast.Name, k: int, value: ast.expr | None) -> None:
        if t.id in self.mod.protected - (set() if self.fn is None else self.mod.builtin_names):
            self.bad("shadowing", f"rebinds {t.id}", t)
        if t.id.startswith("__"):
            self.bad("dunder_access", t.id, t)
        if self.fn is None:
            self.mod.consts[t.id] = max(self.mod.consts.get(t.id, SIZE), k)
            return
        self.fn.env[t.id] = max(self.fn.env.get(t.id, SIZE), k)
        if t.id in self.fn.modvars:
            self.fn.modvar_poison.add(t.id)  # a loop variable over modules bound to something else too
        kernel_value = value is not None and all(self.is_kernel(n) for n in (
            [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]))
        if kernel_value:
            self.fn.kernel_locals.add(t.id)
        elif t.id in self.fn.kernel_locals and value is not None:
            self.fn.kernel_locals.discard(t.id)

    def bind_attr(self, t: ast.Attribute, k: int, value: ast.expr | None) -> None:
        from harness.families.kernels.static.autograd import store

        if store(self, t, k):  # type: ignore[arg-type]  # ``ctx.x = v`` in an autograd Function's method
            return
        attr = self.self_attr(t)
        if self.alias_path(t):
            self.bad("monkeypatch", f"assigns into {self.alias_path(t)}", t)
        elif attr is not None and self.mode != "init" and self._allocation(value):
            from harness.families.kernels.static.modlist import poison

            poison(self, attr)  # type: ignore[arg-type]  # a workspace kept across calls: a fresh allocation or None, nothing else
            self.mod.self_attrs[attr] = max(self.mod.self_attrs.get(attr, SIZE), k, OPAQUE)
        elif attr is None or self.mode not in ("init", "plain_init"):
            self.bad("module_state", f"assigns {ast.unparse(t)[:60]} outside ModelNew.__init__", t)
        else:
            if attr.startswith("__"):
                self.bad("dunder_access", attr, t)
            self.mod.self_attrs[attr] = max(self.mod.self_attrs.get(attr, SIZE), k)
            # the extension kept on the module: ``load_inline(...)`` or the module-level name bound
            # to it (honest tester F9); any other binding of the attribute anywhere voids it
            if isinstance(value, ast.Call) and self.alias_path(value.func) == LOAD_INLINE_PATH or (
                    isinstance(value, ast.Name) and not self.is_local(value.id) and value.id in self.mod.exts):
                self.mod.self_exts.add(attr)
            else:
                self.mod.self_not_exts.add(attr)
            from harness.families.kernels.static.modlist import on_self_assign

            on_self_assign(self, attr, value)  # type: ignore[arg-type]

    def _allocation(self, value: ast.expr | None) -> bool:
        """``None`` or a direct call of an allocation function / method (``torch.empty(...)``,
        ``x.new_zeros(...)``): the only values a method other than ``__init__`` may keep in self."""
        if isinstance(value, ast.Constant) and value.value is None:
            return True
        if not isinstance(value, ast.Call):
            return False
        path = self.alias_path(value.func)
        if path is not None:
            return path in ALLOCATORS
        return isinstance(value.func, ast.Attribute) and value.func.attr in ALLOCATING_METHODS

    def bind_item(self, t: ast.Subscript, k: int = SIZE) -> None:
        self.slice_kind(t.slice)
        base = t.value
        if self.alias_path(base):
            self.bad("monkeypatch", f"assigns into {self.alias_path(base)}", t)
        elif self.mode == "init" and self.self_rooted(base):
            from harness.families.kernels.static.modlist import poison

            node = base
            while isinstance(node, ast.Attribute | ast.Subscript) and self.self_attr(node) is None:
                node = node.value
            if self.self_attr(node) is not None:
                poison(self, self.self_attr(node))  # type: ignore[arg-type]
            return
        elif isinstance(base, ast.Name) and self.fn is not None and base.id in self.fn.env:
            if self.fn.env[base.id] != SIZE and not self.fresh(base):
                self.bad("torch_compute", "writes a tensor slice from Python", t)
            elif k != SIZE:  # ``box[0] = x`` on a list of sizes: ``box[0]`` would read as a size
                self.put_into(base, k, t)
        elif self.expr(base) != SIZE:
            self.bad("torch_compute", "writes a tensor slice from Python", t)
        else:
            self.bad("module_state", f"writes into {ast.unparse(base)[:40]}, which outlives the call", t)

    def fresh(self, node: ast.expr) -> bool:
        """``node`` names a local bound solely to list/dict displays: a container, never a tensor
        (iterating it, or ``get``/``items``/``keys``/``values``, computes nothing)."""
        fn = self.fn
        while fn is not None and isinstance(node, ast.Name):
            if node.id in fn.env:
                return fresh_container(fn.node, node.id)
            fn = fn.parent
        return False

    def fresh_iterable(self, node: ast.expr) -> bool:
        """A fresh container, its ``items()``/``keys()``/``values()``, or ``enumerate``/``zip``/
        ``reversed``/``list``/``tuple`` of fresh containers and sizes."""
        if self.fresh(node):
            return True
        from harness.families.kernels.static import allow as A

        f = node.func if isinstance(node, ast.Call) else None
        if isinstance(f, ast.Attribute) and f.attr in A.CONTAINER_READS and self.fresh(f.value):
            return True  # ``d.items()``
        return isinstance(node, ast.Call) and isinstance(f, ast.Name) and f.id in A.CONTAINER_BUILTINS \
            and f.id != "len" and not node.keywords and self.lookup(f.id) is None and \
            all(self.fresh(a) or self.expr(a) == SIZE for a in node.args)

    def lookup(self, name: str) -> int | None:
        raise NotImplementedError

    def put_into(self, name: ast.Name, k: int, node: ast.AST) -> None:
        """A value of kind ``k`` stored into the local container ``name`` (``append``, ``insert``,
        ``extend``, ``setdefault``, ``update``, item assignment): the container's kind becomes the
        join of everything stored in it, so ``box[0]`` of ``box = []; box.append(x)`` is a tensor.
        Only a name bound solely to fresh container displays may take a tensor: any other binding
        (``b2 = box``, a parameter, a loop variable) could alias a list typed as sizes elsewhere."""
        fn = self.fn
        if fn is None or not fresh_container(fn.node, name.id):
            self.bad("torch_compute", f"puts a tensor into {name.id}, which may be a container of sizes "
                     "(collect tensors in a list bound only to [] or a list display)", node)
            return
        fn.env[name.id] = max(fn.env.get(name.id, SIZE), k)

    def defaults(self, args: ast.arguments, returns: ast.expr | None = None) -> None:
        """Default values and annotations: both run when the ``def`` runs."""
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]
        notes = [a.annotation for a in params if a.annotation is not None] + ([returns] if returns else [])
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
        seen = self.mod.default_kinds.setdefault(id(args), {})
        for a, d in pairs:  # a parameter left out at a call holds its default (``def g(t=x)``: a tensor)
            seen[a.arg] = max(seen.get(a.arg, SIZE), self.expr(d))
        for d in notes:
            self.in_annotation = True  # type: ignore[attr-defined]
            try:
                self.expr(d)
            finally:
                self.in_annotation = False  # type: ignore[attr-defined]



_DISPLAYS = (ast.List, ast.Dict, ast.ListComp, ast.DictComp)


def fresh_container(node: ast.AST, name: str) -> bool:
    """Every binding of ``name`` in ``node`` (nested functions included) is ``name = <display>``,
    and the function has no parameter of that name."""
    parents: dict[int, ast.AST] = {}
    for p in ast.walk(node):
        for c in ast.iter_child_nodes(p):
            parents[id(c)] = p
        if isinstance(p, ast.arg) and p.arg == name:
            return False
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load):
            parent = parents.get(id(n))
            if not (isinstance(parent, ast.Assign) and parent.targets == [n] and isinstance(parent.value, _DISPLAYS)):
                return False
    return True
