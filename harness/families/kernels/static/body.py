"""The allowlist check of a kernel answer's Python module (attack class 6: work hidden where
checks do not look).

Every piece of Python the module runs is checked, not only ``forward``: module-level
statements, class bodies, every method and helper, default arguments, decorators, lambdas
(launch grids, heuristics), nested functions. Outside ``@triton.jit`` bodies the code may only
launch kernels, allocate, and compute on *sizes*. A small kind analysis tells sizes apart from
values that may be tensors:

* ``SIZE``: literals, ``.shape`` / ``.size()`` / ``.stride()`` / ``.numel()`` ..., dtypes,
  ``triton.cdiv`` of sizes, constructor arguments of ``ModelNew``, and arithmetic on these;
* ``OPAQUE``: may hold a tensor (``forward``'s arguments, attributes, helper results);
* ``TENSOR``: certainly a tensor (allocations, views, indexing of a tensor).

Arithmetic, comparisons, numeric builtins, iteration, ``int()`` / ``math.*`` / ``triton.cdiv``
need ``SIZE`` operands; a tensor reaches nothing but kernel launches, allocations and views.
Helper parameters take the kinds their call sites pass (a small fixed point).
``ModelNew.__init__`` may build weights with any torch call (it never sees an input), but
cannot plant code that runs later. ``@triton.jit`` bodies are checked by
:mod:`harness.families.kernels.static.jit`.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from harness.families.kernels.static import allow as A
from harness.families.kernels.static import narrow as NW
from harness.families.kernels.static.bind import BindMixin
from harness.families.kernels.static.scope import Fn, ModuleScope, Report

SIZE, OPAQUE, TENSOR = 0, 1, 2
_SCALAR_DEFAULTS = (int, float, bool, str, complex)


def default_kind(default: ast.expr | None) -> int:
    """A parameter with a number/str/bool default holds a scalar option (``alpha=1.0``, ``dim=-1``:
    a signed number is one too, honest round 9 F3)."""
    if isinstance(default, ast.UnaryOp) and isinstance(default.op, ast.USub | ast.UAdd) and \
            isinstance(default.operand, ast.Constant) and type(default.operand.value) in (int, float, complex):
        return SIZE
    if isinstance(default, ast.Constant) and isinstance(default.value, _SCALAR_DEFAULTS):
        return SIZE
    return OPAQUE


@dataclass
class Body(BindMixin):
    """Checks (``report``) or just types one function body (or the module / a class body)."""

    mod: ModuleScope
    fn: Fn | None
    rep: Report
    report: bool
    mode: str = "normal"  # "init": ModelNew.__init__, "module": module level
    stores: list[Any] = field(default_factory=list)
    in_annotation: bool = False
    not_tensor: frozenset[str] = frozenset()  # names this branch knows are not tensors (``narrow``)

    # -- helpers ------------------------------------------------------------------------------
    def bad(self, rule: str, detail: str, node: ast.AST) -> None:
        if self.mode == "init" and rule == "torch_compute":
            return  # ModelNew.__init__ builds weights: it never sees an input
        if self.report:
            self.rep.add(rule, detail, node)

    def lookup(self, name: str) -> int | None:
        fn = self.fn
        while fn is not None:
            if name in fn.env:
                return fn.env[name]
            fn = fn.parent
        return None

    def local_fn(self, name: str) -> Fn | None:
        fn = self.fn
        while fn is not None:
            if name in fn.callables:
                return fn.callables[name]
            fn = fn.parent
        return None

    def is_local(self, name: str) -> bool:
        return self.lookup(name) is not None or self.local_fn(name) is not None

    def self_name(self) -> str | None:
        fn = self.fn
        while fn is not None:
            if fn.owner is not None and fn.params and not fn.static:
                return fn.params[0]
            fn = fn.parent
        return None

    def alias_path(self, node: ast.expr) -> str | None:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.mod.aliases and not self.is_local(node.id):
            return ".".join([self.mod.aliases[node.id], *reversed(parts)])
        return None

    def self_attr(self, node: ast.expr) -> str | None:
        """``self.x`` -> ``"x"``."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id == self.self_name() and self.self_name() is not None:
            return node.attr
        return None

    def self_rooted(self, node: ast.expr) -> bool:
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id == self.self_name() and self.self_name() is not None

    def is_kernel(self, node: ast.expr) -> bool:
        if not isinstance(node, ast.Name):
            return False
        if self.is_local(node.id):
            fn = self.fn
            while fn is not None:
                if node.id in fn.env:
                    return node.id in fn.kernel_locals
                fn = fn.parent
            return False
        return node.id in self.mod.kernels or node.id in self.mod.kernel_aliases

    def is_ext(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name) and not self.is_local(node.id):
            return node.id in self.mod.exts
        attr = self.self_attr(node)
        return attr is not None and attr in self.mod.self_exts and attr not in self.mod.self_not_exts

    # -- statements -----------------------------------------------------------------------------
    def block(self, stmts: list[ast.stmt]) -> None:
        with NW.knowing(self, NW.NONE):
            for s in stmts:
                self.stmt(s)
                self.not_tensor |= NW.after(self, s)

    def stmt(self, s: ast.stmt) -> None:
        m = getattr(self, "s_" + type(s).__name__, None)
        if m is None:
            self.bad("forbidden_statement", type(s).__name__, s)
            return
        m(s)

    def s_Expr(self, s: ast.Expr) -> None:
        self.expr(s.value)

    def s_Pass(self, s: ast.stmt) -> None:
        return

    s_Break = s_Continue = s_Pass

    def s_Assign(self, s: ast.Assign) -> None:
        k = self.value(s.value, s.targets[0] if len(s.targets) == 1 else None)
        for t in s.targets:
            self.bind(t, k, s.value)

    def s_AnnAssign(self, s: ast.AnnAssign) -> None:
        if self.fn is None:  # module-level annotations are evaluated
            self.annotation(s.annotation)
        if s.value is not None:
            self.bind(s.target, self.value(s.value, s.target), s.value)

    def s_AugAssign(self, s: ast.AugAssign) -> None:
        k = max(self.expr(s.value), self.expr(s.target) if isinstance(s.target, ast.Name) else OPAQUE)
        if k != SIZE:
            self.bad("torch_compute", "in-place arithmetic on a tensor", s)
        self.bind(s.target, k, s.value)

    def s_Return(self, s: ast.Return) -> None:
        k = NW.note_return(self, s.value)
        if self.fn is not None:
            self.fn.ret = max(self.fn.ret, k)

    def s_If(self, s: ast.If) -> None:
        self.test(s.test)
        yes, no = NW.split(self, s.test)
        with NW.knowing(self, yes):
            self.block(s.body)
        with NW.knowing(self, no):
            self.block(s.orelse)

    def s_While(self, s: ast.While) -> None:
        self.s_If(s)  # type: ignore[arg-type]

    def s_For(self, s: ast.For) -> None:
        from harness.families.kernels.static.modlist import bind_iter, iter_container

        found = iter_container(self, s.iter)
        if found is not None:
            bind_iter(self, s.target, found)
        elif not self.bind_zip(s.target, s.iter):
            self.bind(s.target, self.iter_kind(s.iter), None)
        self.block(s.body)
        self.block(s.orelse)

    def s_Assert(self, s: ast.Assert) -> None:
        self.test(s.test)
        if s.msg is not None:
            self.expr(s.msg)

    def s_Raise(self, s: ast.Raise) -> None:
        exc = s.exc.func if isinstance(s.exc, ast.Call) else s.exc
        if not (isinstance(exc, ast.Name) and exc.id in A.EXCEPTIONS and not self.is_local(exc.id)):
            self.bad("forbidden_statement", "raise of something other than a builtin exception", s)
        if isinstance(s.exc, ast.Call):
            for a in [*s.exc.args, *(k.value for k in s.exc.keywords)]:
                self.expr(a)

    def s_With(self, s: ast.With) -> None:
        for item in s.items:
            ctx = item.context_expr
            path = self.alias_path(ctx.func if isinstance(ctx, ast.Call) else ctx)
            if path not in A.WITH_USABLE or item.optional_vars is not None:
                self.bad("forbidden_statement", f"with {path or ast.unparse(ctx)[:40]}", s)
                self.expr(ctx)  # and what it names (``torch._C._DisableTorchDispatch``: private_access)
        self.block(s.body)

    def s_FunctionDef(self, s: ast.FunctionDef) -> None:
        if s.decorator_list:
            self.bad("forbidden_decorator", f"decorator on nested function {s.name}", s)
        self.defaults(s.args, s.returns)
        fn = self.mod.nested(s, self.fn)
        if self.fn is not None:
            self.fn.callables[s.name] = fn

    def s_Try(self, s: ast.Try) -> None:
        """Every branch is checked like straight-line code, so a fallback can only launch kernels
        too; handlers catch listed builtin exceptions only (never BaseException or a bare except,
        which would swallow the worker's interrupts)."""
        for h in s.handlers:
            types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
            for t in types:
                if not (isinstance(t, ast.Name) and t.id in A.CATCHABLE and not self.is_local(t.id)):
                    self.bad("try_except_fallback", f"except {ast.unparse(t) if t else '(bare)'}", h)
            if h.name is not None and self.fn is not None:
                self.fn.env[h.name] = max(self.fn.env.get(h.name, SIZE), OPAQUE)
        for part in (s.body, *(h.body for h in s.handlers), s.orelse, s.finalbody):
            self.block(part)

    def s_TryStar(self, s: ast.stmt) -> None:
        self.bad("try_except_fallback", "try/except* statement", s)

    def s_Global(self, s: ast.stmt) -> None:
        self.bad("module_state", "global/nonlocal state", s)

    s_Nonlocal = s_Global

    def s_Import(self, s: ast.stmt) -> None:
        self.bad("forbidden_import", "import inside a function or class", s)

    s_ImportFrom = s_Import

    # -- expressions ------------------------------------------------------------------------------
    def annotation(self, node: ast.expr) -> None:
        """An annotation that runs (module level, class bodies, ``def`` signatures)."""
        self.in_annotation = True
        try:
            self.expr(node)
        finally:
            self.in_annotation = False

    def test(self, node: ast.expr) -> int:
        """A truth test (``if``, ``while``, ``assert``, ``not``, ``and``/``or``, ``a if t else b``,
        a comprehension's ``if``) calls ``bool()``, reading a one-element tensor: sizes only."""
        k = self.expr(node)
        if k == TENSOR:
            self.bad("torch_compute", "branches on tensor values", node)
        elif k != SIZE:
            self.bad("host_value", f"tests the truth of a value that may be a tensor ({ast.unparse(node)[:40]})", node)
        return k

    def iter_kind(self, node: ast.expr) -> int:
        if isinstance(node, ast.Tuple | ast.List):
            return max([self.expr(e) for e in node.elts], default=SIZE)
        k = self.expr(node)
        if k != SIZE and not self.fresh_iterable(node):  # a list of tensors (its items have its kind)
            self.bad("torch_compute", "iterates over a tensor in Python", node)
        return k

    def slice_kind(self, node: ast.expr) -> int:
        k = self.expr(node)
        if k != SIZE:
            self.bad("torch_compute", "indexes with a tensor (a gather outside a kernel)", node)
        return k

    def expr(self, n: ast.expr) -> int:
        m = getattr(self, "e_" + type(n).__name__, None)
        if m is None:
            self.bad("forbidden_syntax", type(n).__name__, n)
            return OPAQUE
        return int(m(n))

    def e_Constant(self, n: ast.Constant) -> int:
        return SIZE

    def e_Name(self, n: ast.Name) -> int:
        from harness.families.kernels.static.names import name_kind

        return SIZE if NW.is_number(self, n) else name_kind(self, n)

    def e_Attribute(self, n: ast.Attribute) -> int:
        from harness.families.kernels.static.names import attribute_kind

        return attribute_kind(self, n)

    def e_Subscript(self, n: ast.Subscript) -> int:
        from harness.families.kernels.static.scope import meta_kind

        mk = meta_kind(self.mod, self.fn, n)
        if mk is not None:
            return mk
        vk = self.expr(n.value)
        self.slice_kind(n.slice)
        return SIZE if vk == SIZE else TENSOR

    def e_Call(self, n: ast.Call) -> int:
        from harness.families.kernels.static.calls import call_kind

        return call_kind(self, n)

    def e_BinOp(self, n: ast.BinOp) -> int:
        k, result = NW.arithmetic(self, n)
        if isinstance(n.op, ast.MatMult) or k != SIZE:
            self.bad("torch_compute", f"tensor arithmetic ({type(n.op).__name__}) outside a kernel", n)
        return result

    def e_UnaryOp(self, n: ast.UnaryOp) -> int:
        if isinstance(n.op, ast.Not):
            return self.test(n.operand) and SIZE  # ``not x``: a truth test, its result a bool
        k = self.expr(n.operand)
        if k != SIZE:
            self.bad("torch_compute", f"tensor arithmetic ({type(n.op).__name__}) outside a kernel", n)
        return k

    def e_BoolOp(self, n: ast.BoolOp) -> int:
        return max(self.test(v) for v in n.values)

    def e_Compare(self, n: ast.Compare) -> int:
        kinds = [self.expr(n.left), *(self.expr(c) for c in n.comparators)]
        if all(isinstance(op, ast.Is | ast.IsNot) for op in n.ops) or A.none_compare(n):
            return SIZE  # ``out == None`` too: no operator runs (honest round 13 P1d)
        if max(kinds) != SIZE:
            self.bad("torch_compute", "compares tensor values outside a kernel", n)
        return SIZE

    def e_IfExp(self, n: ast.IfExp) -> int:
        self.test(n.test)
        yes, no = NW.split(self, n.test)
        with NW.knowing(self, yes):
            k = self.expr(n.body)
        with NW.knowing(self, no):
            return max(k, self.expr(n.orelse))

    def e_Tuple(self, n: ast.Tuple | ast.List | ast.Set) -> int:
        return max([self.expr(e) for e in n.elts], default=SIZE)

    e_List = e_Set = e_Tuple

    def e_Dict(self, n: ast.Dict) -> int:
        return max([self.expr(e) for e in [*(k for k in n.keys if k is not None), *n.values]], default=SIZE)

    def e_JoinedStr(self, n: ast.JoinedStr) -> int:
        for v in n.values:
            self.expr(v)
        return SIZE

    def e_FormattedValue(self, n: ast.FormattedValue) -> int:
        if self.expr(n.value) != SIZE:  # formatting a tensor reads its values into Python
            self.bad("torch_compute", "formats a tensor into a string", n)
        if n.format_spec is not None:  # ``f"{3:{x}}"``: the spec is formatted too
            self.expr(n.format_spec)
        return SIZE

    def e_Starred(self, n: ast.Starred) -> int:
        k = self.expr(n.value)  # ``[*x]``: the items of a tensor are tensors
        return SIZE if k == SIZE else TENSOR

    def e_Slice(self, n: ast.Slice) -> int:
        return max([self.expr(e) for e in (n.lower, n.upper, n.step) if e is not None], default=SIZE)

    def e_NamedExpr(self, n: ast.NamedExpr) -> int:
        k = self.expr(n.value)
        self.bind(n.target, k, n.value)
        return k

    def e_Lambda(self, n: ast.Lambda) -> int:
        self.defaults(n.args)
        self.mod.nested(n, self.fn, escaped=True)
        return SIZE

    def e_ListComp(self, n: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> int:
        self.comprehension(n.generators)
        return self.expr(n.elt)

    e_SetComp = e_GeneratorExp = e_ListComp

    def e_DictComp(self, n: ast.DictComp) -> int:
        self.comprehension(n.generators)
        return max(self.expr(n.key), self.expr(n.value))

    def comprehension(self, gens: list[ast.comprehension]) -> None:
        from harness.families.kernels.static.modlist import bind_iter, iter_container

        for g in gens:
            found = iter_container(self, g.iter)
            if found is not None:
                bind_iter(self, g.target, found)
            elif not self.bind_zip(g.target, g.iter):
                self.bind(g.target, self.iter_kind(g.iter), None)
            for cond in g.ifs:
                self.test(cond)
