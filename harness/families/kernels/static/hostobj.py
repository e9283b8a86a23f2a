"""Host objects that must never reach a kernel (red team 4, items 3/4).

Under ``TRITON_INTERPRET=1`` a launch argument that is not a tensor, a number or a tuple of them
reaches the ``@triton.jit`` body as the host object itself, and the body is plain Python: it read
``M.T.softmax(-1)`` (torch on an nn.Module's attribute, a parametrization running inside the
launch) and called ``M.store(r)`` (a bound ``Tensor.set_`` saved in ``__init__``). Three rules
close the class at its roots (with the body rule of :mod:`.jit` and the launch hook's
runtime check, :func:`hooks.launch_argument_problems`):

* a launch passes no ``self``, submodule, method, function, kernel, class, module or lambda
  (:func:`host_object`);
* a bound method of a tensor or module is never a value (``self.store = self.O.set_``):
  :func:`bound_method`;
* the answer's nn.Module classes name no attribute like a Triton tensor method (``self.T``,
  ``self.store``), as plain classes name none like a library attribute: :func:`module_attr_names`.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from harness.families.kernels.static import tl as TL

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body
    from harness.families.kernels.static.scope import ModuleScope, Report


def host_object(b: Body, a: ast.expr) -> str | None:
    """What ``a`` is when it is an object that is neither a tensor nor a size: ``self`` (or a local
    bound to it), a submodule or container of them, a method, a function, a kernel, a class, a
    module, an extension, a lambda, or a tuple/list holding one. Under the interpreter such a launch
    argument reaches the kernel body as itself (red team 4: ``touch_kernel[(1,)](self)``)."""
    if isinstance(a, ast.Tuple | ast.List | ast.Set):
        return next((w for w in (host_object(b, e) for e in a.elts) if w), None)
    if isinstance(a, ast.Starred | ast.NamedExpr):
        return host_object(b, a.value)
    if isinstance(a, ast.IfExp):
        return host_object(b, a.body) or host_object(b, a.orelse)
    if isinstance(a, ast.Lambda):
        return "a lambda"
    if isinstance(a, ast.Name):
        if a.id == b.self_name() or a.id in _self_aliases(b):
            return f"{a.id} (the module itself)"
        if b.local_fn(a.id) is not None:
            return f"the function {a.id}"
        if b.is_local(a.id):
            return None
        mod = b.mod
        if a.id in mod.aliases and _dtype_path(mod.aliases[a.id]):
            return None  # ``from torch import float16``
        for kind, names in (("kernel", {**mod.kernels, **mod.kernel_aliases}), ("function", mod.functions),
                            ("class", mod.classes),
                            ("extension", mod.exts), ("imported name", mod.aliases)):
            if a.id in names:
                return f"the {kind} {a.id}"
        return None
    attr = b.self_attr(a)
    if attr is not None:
        from harness.families.kernels.static.names import _owner

        mod = b.mod
        if mod.method_of(_owner(b), attr) is not None:
            return f"the method self.{attr}"
        if attr in mod.submodules or attr in mod.modlists or attr in mod.self_exts:
            return f"self.{attr} (a submodule, container or extension)"
    return None


def _dtype_path(path: str) -> bool:
    from harness.families.kernels.static.policy import DTYPE_NAMES

    head, _, last = path.rpartition(".")
    return (head == "torch" and last in DTYPE_NAMES) or (head == "triton.language" and last in TL.HOST_TL_NAMES)


def _self_aliases(b: Body) -> set[str]:
    """Locals of the current function bound (anywhere in it) to ``self`` as it is."""
    me, fn = b.self_name(), b.fn
    if me is None or fn is None:
        return set()
    out: set[str] = set()
    for node in ast.walk(fn.node):
        if isinstance(node, ast.Assign | ast.NamedExpr | ast.AnnAssign) and isinstance(node.value, ast.Name) \
                and node.value.id in {me, *out}:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out |= {t.id for t in targets if isinstance(t, ast.Name)}
    return out


def bound_method(b: Body, n: ast.Attribute) -> bool:
    """``n`` (read as a value, not called) names a method of tensors or nn.Modules: a bound method
    that code anywhere could call later (``self.store = self.O.set_``). Names the answer binds
    itself (``self.dim = dim``) and the listed metadata attributes are values."""
    import torch

    from harness.families.kernels.static import allow as A

    name, mod = n.attr, b.mod
    if name in mod.self_attrs or name in mod.plain_attrs or name in A.VALUE_ATTRS or name in A.NN_CONFIG_ATTRS:
        return False
    if b.self_attr(n) is not None and mod.method_of(_owner(b), name) is not None:
        return False
    return any(callable(getattr(t, name, None)) for t in (torch.Tensor, torch.nn.Module))


def _owner(b: Body) -> ast.ClassDef | None:
    from harness.families.kernels.static.names import _owner as owner

    return owner(b)


_REGISTER = ("register_buffer", "register_parameter", "register_parametrization", "add_module", "register_module")


def module_attr_names(mod: ModuleScope, rep: Report) -> None:
    """The answer's nn.Module classes name no attribute (``self.x = ...``, a class-body name, a
    ``register_buffer("x", ...)``) like a Triton tensor method (``T``, ``store``, ``softmax``)."""
    from harness.families.kernels.static.plain import attr_names

    for name, cls in mod.classes.items():
        if name in mod.plain or name in mod.ctx_attrs:  # an autograd Function: never instantiated, and
            continue  # its ctx is only ever ``ctx.<attr>`` (``static.autograd``), never a value a kernel gets
        names = attr_names(cls)
        for node in ast.walk(cls):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            fname = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if fname in _REGISTER:
                names |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
        for attr in sorted(names & TL.KERNEL_VALUE_METHODS):
            rep.add("shadowing", f"{name}.{attr} is also a method of Triton tensors (a kernel given the module "
                    "would take it for one)", cls)
