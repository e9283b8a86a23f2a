"""``torch.autograd.Function`` subclasses (issue #14, honest round 11 O8: 28 TritonBench-G references
are written around one). Such a class derives from exactly ``torch.autograd.Function`` (no metaclass,
no decorators) and defines only ``@staticmethod`` ``forward``, ``backward`` and ``setup_context``;
their bodies are checked like every other method (:mod:`.body`). ``ctx`` (the first parameter of
``backward`` and ``setup_context``, and of ``forward`` without ``setup_context``) is an opaque per-call
object, named only as ``ctx.<attribute>`` (never passed on, returned or launched with): attributes
stored on it and read back take the kinds stored, ``ctx.save_for_backward(...)``,
``ctx.saved_tensors``, ``ctx.needs_input_grad``, ``ctx.mark_dirty`` / ``mark_non_differentiable`` /
``set_materialize_grads`` are what it offers; ``ctx`` is never rebound. ``Cls.apply(...)`` is a call
of ``forward`` (its parameters take the argument kinds); ``backward`` (run by the autograd engine)
gets tensors. Anything else naming the class (``Cls.forward(fake_ctx, x)``, ``f = Cls.apply``) stays
rejected as a use of the class as a value.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from harness.families.kernels.static.scope import Fn, ModuleScope

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body

SIZE, OPAQUE, TENSOR = 0, 1, 2
BASE = "torch.autograd.Function"
METHODS = ("forward", "backward", "setup_context")
CTX_CALLS = frozenset({"save_for_backward", "mark_dirty", "mark_non_differentiable", "set_materialize_grads"})
CTX_READS = {"saved_tensors": OPAQUE, "needs_input_grad": SIZE}
# what the autograd engine's ctx object already has: never stored over, never read but as above
RESERVED = frozenset({*CTX_CALLS, *CTX_READS, "saved_variables", "to_save", "dirty_tensors", "non_differentiable",
                      "materialize_grads", "apply", "apply_jvp", "save_for_forward", "next_functions", "metadata",
                      "name", "register_hook", "register_prehook", "requires_grad", "mark_shared_storage",
                      "saved_for_forward", "forward", "backward", "setup_context", "vjp", "jvp"})


def is_function_class(aliases: dict[str, str], cls: ast.ClassDef) -> bool:
    """``class C(torch.autograd.Function)`` (the base named through ``import torch``)."""
    if len(cls.bases) != 1:
        return False
    parts: list[str] = []
    node: ast.expr = cls.bases[0]
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return isinstance(node, ast.Name) and ".".join([aliases.get(node.id, ""), *reversed(parts)]) == BASE


def check_class(mod: ModuleScope, b: Body, cls: ast.ClassDef) -> None:
    """The class's shape; its methods are registered for the body checks."""
    if cls.decorator_list or cls.keywords:
        b.bad("forbidden_class", f"class {cls.name}: decorators / metaclass keywords", cls)
    names = [s.name for s in cls.body if isinstance(s, ast.FunctionDef)]
    if "forward" not in names or len(set(names)) != len(names):
        b.bad("forbidden_class", f"autograd Function {cls.name} must define forward once", cls)
    for stmt in cls.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue
        if not (isinstance(stmt, ast.FunctionDef) and stmt.name in METHODS):
            b.bad("forbidden_class", f"autograd Function {cls.name} may define only @staticmethod "
                  f"{', '.join(METHODS)}", stmt)
            continue
        if [getattr(d, "id", None) for d in stmt.decorator_list] != ["staticmethod"] or \
                b.is_local("staticmethod") or "staticmethod" in mod.protected - mod.builtin_names:
            b.bad("forbidden_decorator", f"{cls.name}.{stmt.name} must be a plain @staticmethod", stmt)
        b.defaults(stmt.args, stmt.returns)
        fn = Fn(stmt, owner=cls, static=True)
        fn.mode = "autograd"
        mod.methods[(cls.name, stmt.name)] = fn
        mod.fns.append(fn)
        if stmt.name != "forward":  # run by the engine: ctx and the gradients / inputs / output
            fn.seeded, fn.param_kinds = True, [OPAQUE] * len(fn.all_params)
    for name in set(names) & set(METHODS):
        fn = mod.methods[(cls.name, name)]
        ctx = ctx_param(mod, fn)
        if ctx is not None and any(isinstance(x, ast.Name) and x.id == ctx and not isinstance(x.ctx, ast.Load)
                                   or isinstance(x, ast.arg) and x.arg == ctx and x is not fn.node.args.args[0]
                                   for x in ast.walk(fn.node)):
            b.bad("forbidden_statement", f"{cls.name}.{name} rebinds {ctx}", fn.node)
        if ctx is not None and _bare_uses(fn.node, ctx):
            b.bad("host_object", f"{cls.name}.{name} uses {ctx} other than as {ctx}.<attribute>", fn.node)
    mod.ctx_attrs.setdefault(cls.name, {})


def _bare_uses(node: ast.AST, ctx: str) -> bool:
    """``ctx`` read other than as the receiver of an attribute (passed on, returned, launched with)."""
    receivers = {id(a.value) for a in ast.walk(node) if isinstance(a, ast.Attribute)}
    return any(isinstance(x, ast.Name) and x.id == ctx and isinstance(x.ctx, ast.Load) and id(x) not in receivers
               for x in ast.walk(node))


def ctx_param(mod: ModuleScope, fn: Fn) -> str | None:
    """The name of ``fn``'s ctx parameter when ``fn`` is a method of an autograd Function."""
    owner = fn.owner
    if owner is None or fn.mode != "autograd" or not fn.node.args.args:
        return None
    if fn.name == "forward" and (owner.name, "setup_context") in mod.methods:
        return None
    return fn.node.args.args[0].arg


def _ctx_of(b: Body, node: ast.expr) -> str | None:
    """The class whose ctx ``node`` is (only directly in the method, never in a nested function)."""
    fn = b.fn
    if fn is None or fn.mode != "autograd" or fn.owner is None or not isinstance(node, ast.Name):
        return None
    return fn.owner.name if node.id == ctx_param(b.mod, fn) else None


def load(b: Body, n: ast.Attribute) -> int | None:
    """``ctx.x``: the kind stored (None: not an attribute of a ctx)."""
    cls = _ctx_of(b, n.value)
    if cls is None:
        return None
    if n.attr in CTX_READS:
        return CTX_READS[n.attr]
    if n.attr.startswith("_") or n.attr in RESERVED:
        b.bad("forbidden_attribute", f"ctx.{n.attr} (only attributes the answer stores, saved_tensors, "
              "needs_input_grad)", n)
        return OPAQUE
    stored = b.mod.ctx_attrs[cls]
    if b.report and n.attr not in stored:
        b.bad("forbidden_attribute", f"ctx.{n.attr} is never stored", n)
    return stored.get(n.attr, SIZE if not b.report else OPAQUE)


def store(b: Body, t: ast.Attribute, k: int) -> bool:
    """``ctx.x = v``: kept per class (forward stores, backward reads)."""
    cls = _ctx_of(b, t.value)
    if cls is None:
        return False
    if t.attr.startswith("_") or t.attr in RESERVED:
        b.bad("forbidden_attribute", f"assigns ctx.{t.attr} (an attribute of autograd's ctx)", t)
    stored = b.mod.ctx_attrs[cls]
    stored[t.attr] = max(stored.get(t.attr, SIZE), k)
    return True


def call(b: Body, n: ast.Call, f: ast.Attribute) -> int | None:
    """``ctx.save_for_backward(...)`` and the other ctx methods (None: not a call on a ctx);
    ``Cls.apply(...)``: a call of ``Cls.forward``."""
    from harness.families.kernels.static.calls import call_fn

    if isinstance(f.value, ast.Name) and f.value.id in b.mod.ctx_attrs and not b.is_local(f.value.id) \
            and f.attr == "apply":
        forward = b.mod.methods.get((f.value.id, "forward"))
        if forward is None:
            return OPAQUE
        return call_fn(b, forward, n, bound=None if ctx_param(b.mod, forward) is None else OPAQUE)
    if _ctx_of(b, f.value) is None:
        return None
    if f.attr not in CTX_CALLS or n.keywords:
        b.bad("forbidden_call", f"ctx.{f.attr}() (only {', '.join(sorted(CTX_CALLS))}, positional arguments)", n)
    kinds = [b.expr(a) for a in n.args]
    if f.attr == "set_materialize_grads" and any(k != SIZE for k in kinds):
        b.bad("torch_compute", "ctx.set_materialize_grads() of a value that may be a tensor", n)
    return SIZE
