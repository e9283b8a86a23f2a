"""Plain helper classes of an answer: classes without a base (or ``object``), optionally
``@dataclass``, that hold launch configuration or planning code (part of
:class:`.body.Body`).

Their methods are checked like helpers: no torch outside the listed allocation/view calls, their
``__init__`` included (mode ``plain_init``: it may set ``self.x``, nothing else is relaxed).
An instance built from sizes only is a size; its methods are dispatched by name only on such a
size receiver (a tensor never is one), and a method name that a tensor, a kernel object, a
module or a builtin value also has is rejected, so a call can never mean a library method.
Reading an attribute the answer's plain classes define returns that attribute's kind.
"""
from __future__ import annotations

import ast
import inspect
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body
    from harness.families.kernels.static.scope import ModuleScope

SIZE, OPAQUE, TENSOR = 0, 1, 2
DECORATORS = ("dataclasses.dataclass",)
_RESERVED: set[str] | None = None


def reserved() -> set[str]:
    """Attribute names of the values a size receiver may really be (and of tensors and modules)."""
    global _RESERVED
    if _RESERVED is None:
        import torch

        names: set[str] = set()
        for t in (torch.Tensor, torch.nn.Module, torch.dtype, torch.device, torch.finfo, torch.iinfo, torch.Size,
                  str, int, float, bool, tuple, list, dict, set, bytes, complex, type(len), type(reserved)):
            names |= set(dir(t))
        classes: list[type] = []
        try:
            import triton.runtime.autotuner as autotuner
            import triton.runtime.jit as jit

            classes = [c for t in (jit.JITFunction, autotuner.Autotuner, autotuner.Heuristics) for c in t.__mro__
                       if c.__module__.startswith("triton")]
        except ImportError:  # pragma: no cover - triton is a dependency of the family
            names |= {"run", "warmup", "fn", "cache", "src", "configs", "best_config", "prune_configs", "nargs"}
        for c in classes:  # class attributes, and instance ones (``self.nargs = ...`` holds the last launch's tensors)
            names |= set(dir(c)) | set(re.findall(r"self\.(\w+)\s*(?::[^=\n]*)?=", inspect.getsource(c)))
        _RESERVED = names
    return _RESERVED


def is_plain(b: Body, cls: ast.ClassDef) -> bool:
    return not cls.bases or all(isinstance(x, ast.Name) and x.id == "object" and not b.is_local("object")
                                for x in cls.bases)


def check_decorators(b: Body, cls: ast.ClassDef) -> bool:
    """Only ``@dataclass`` / ``@dataclass(<constant keywords>)``; True when it is a dataclass."""
    dataclass = False
    for dec in cls.decorator_list:
        call = dec if isinstance(dec, ast.Call) else None
        path = b.alias_path(call.func if call else dec)
        if path not in DECORATORS or (call is not None and (call.args or any(
                k.arg is None or not isinstance(k.value, ast.Constant) for k in call.keywords))):
            b.bad("forbidden_class", f"class {cls.name}: decorator {ast.unparse(dec)[:40]}", cls)
        dataclass = dataclass or path in DECORATORS
    if cls.keywords:
        b.bad("forbidden_class", f"class {cls.name}: metaclass keywords", cls)
    return dataclass


def check_names(b: Body, cls: ast.ClassDef) -> None:
    """No method name of a plain class may be one that a tensor, module, kernel object, logger or
    builtin value also has: calling it on such a value would otherwise be taken for the plain
    class's own. Its data attributes follow the nn.Module rule (``static.hostobj``): no Triton
    tensor method's name (a kernel given the object would take it for one). Other names a library
    value also has (``eps``, ``dim``) are allowed, as ``self.dim`` is in a module (honest round 14): a
    read never lowers the receiver's kind (:func:`attribute`), and a value is never called."""
    from harness.families.kernels.static import tl as TL

    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef) and not stmt.name.startswith("__") and stmt.name in reserved():
            b.bad("shadowing", f"{cls.name}.{stmt.name} is also a method of tensors or library values", stmt)
    for name in sorted(attr_names(cls) & TL.KERNEL_VALUE_METHODS):
        b.bad("shadowing", f"{cls.name}.{name} is also a method of Triton tensors (a kernel given the object "
              "would take it for one)", cls)


def fields(cls: ast.ClassDef) -> list[str]:
    """A dataclass's fields, in order (annotated class-body names)."""
    return [s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]


def attr_names(cls: ast.ClassDef) -> set[str]:
    """Names a plain class defines: class-body names and every ``<first param>.x = ...``."""
    out = {t.id for s in cls.body if isinstance(s, ast.Assign | ast.AnnAssign)
           for t in (s.targets if isinstance(s, ast.Assign) else [s.target]) if isinstance(t, ast.Name)}
    for m in cls.body:
        if isinstance(m, ast.FunctionDef) and m.args.args:
            me = m.args.args[0].arg
            out |= {x.attr for x in ast.walk(m) if isinstance(x, ast.Attribute) and isinstance(x.ctx, ast.Store)
                    and isinstance(x.value, ast.Name) and x.value.id == me}
    return out


def instantiate(b: Body, n: ast.Call, name: str) -> int:
    """``Plain(...)``: arguments flow into ``__init__`` (or the dataclass fields)."""
    from harness.families.kernels.static.calls import call_fn

    mod: ModuleScope = b.mod
    init = mod.methods.get((name, "__init__"))
    if init is not None:
        call_fn(b, init, n, bound=SIZE)
        kinds = [b.expr(a) for a in n.args] + [b.expr(k.value) for k in n.keywords]
    else:
        cls = mod.classes[name]
        names = fields(cls)
        kinds = []
        for i, a in enumerate(n.args):
            k = b.expr(a)
            kinds.append(k)
            if i < len(names):
                mod.self_attrs[names[i]] = max(mod.self_attrs.get(names[i], SIZE), k)
        for kw in n.keywords:
            k = b.expr(kw.value)
            kinds.append(k)
            if kw.arg is None or any(isinstance(a, ast.Starred) for a in n.args):
                for f in names:
                    mod.self_attrs[f] = max(mod.self_attrs.get(f, SIZE), k)
            else:
                mod.self_attrs[kw.arg] = max(mod.self_attrs.get(kw.arg, SIZE), k)
    return SIZE if all(k == SIZE for k in kinds) else OPAQUE


def call_method(b: Body, n: ast.Call, f: ast.Attribute, rk: int) -> int | None:
    """``obj.plan(...)`` on a size receiver, where ``plan`` is a plain class's method."""
    from harness.families.kernels.static.calls import call_fn

    if rk != SIZE:
        return None
    methods = [fn for (cls, name), fn in b.mod.methods.items() if name == f.attr and cls in b.mod.plain]
    if not methods:
        return None
    ret = SIZE
    for fn in methods:
        ret = max(ret, call_fn(b, fn, n) if fn.static else call_fn(b, fn, n, bound=SIZE))
    return ret


def attribute(b: Body, n: ast.Attribute, base: int) -> int | None:
    """``cfg.block``: an attribute the answer's plain classes define."""
    if not b.mod.plain or n.attr not in b.mod.plain_attrs:
        return None
    return max(base, b.mod.self_attrs.get(n.attr, OPAQUE))
