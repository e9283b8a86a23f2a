"""A provided class as the test section sees it (TritonBench-G: the reference's test section calls
``VecOps.scale_add(x, y, a)`` or ``VecAdd().add_vectors(x, y)`` on the answer's class).

It is a subclass of the answer's class whose methods (plain, static and class methods, ``__call__``;
those of torch's, Triton's and the builtin bases left alone) run through the same ``wrap`` as the
entry function: in-place writes to what the call reaches (``modifies_inputs``), the op recorder,
``torch.empty``'s NaN fill and guard bands, the per-call generator (red team 11b S2: the class went in
bare and its method zeroed its inputs unseen). ``__init__`` runs unwrapped: an ``nn.Module``'s
weight initialisation is torch compute the recorder would count. The reference's class-body data the
section reads (red team 10b S9) is held by data descriptors, which an instance attribute cannot
shadow (red team 11b S4: ``self.N_ELEMS = 0`` in the answer's ``__init__`` made the test's inputs
empty) and an assignment on the class cannot replace."""
from __future__ import annotations

import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

_FOREIGN = ("torch", "triton", "builtins")


class _Fixed:
    """The reference's value on the class and every instance; writes are ignored (an honest
    ``self.N = N`` keeps the reference's value, as the reference's own run sees it)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        return self.value

    def __set__(self, obj: Any, value: Any) -> None:
        return None

    def __delete__(self, obj: Any) -> None:
        return None


def _named(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def method(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)
    method.__name__ = method.__qualname__ = name
    return method


def _foreign(base: type) -> bool:
    """``base`` is torch's, Triton's or a builtin class: the module it names holds it under its
    qualified name (an answer's class that only claims ``__module__ = "torch.nn"`` is not)."""
    module = str(getattr(base, "__module__", ""))
    if module.split(".")[0] not in _FOREIGN or module not in sys.modules:
        return False
    found: Any = sys.modules[module]
    for part in str(getattr(base, "__qualname__", "")).split("."):
        found = getattr(found, part, None)
    return found is base


def _wrapped_methods(cls: type, wrap: Callable[[Any], Any], skip: set[str]) -> dict[str, Any]:
    """The class's own and inherited methods (first in the MRO wins), each through ``wrap``."""
    out: dict[str, Any] = {}
    seen = set(skip)
    for base in cls.__mro__:
        if base is object or _foreign(base):
            continue
        for key, attr in vars(base).items():
            if key in seen or (key.startswith("__") and key != "__call__"):
                continue
            seen.add(key)
            label = f"{cls.__name__}.{key}"
            if isinstance(attr, types.FunctionType):
                out[key] = wrap(_named(attr, label))
            elif isinstance(attr, staticmethod | classmethod) and isinstance(attr.__func__, types.FunctionType):
                out[key] = type(attr)(wrap(_named(attr.__func__, label)))
    return out


def _frozen_meta(meta: Any, names: set[str]) -> Any:
    """``meta`` with class-level assignment and deletion of ``names`` (the reference's data, the
    wrapped methods) refused."""
    def setattr_(cls: Any, key: str, value: Any) -> None:
        if key in names:
            raise AttributeError(f"{key} of a provided class is fixed by the harness")
        meta.__setattr__(cls, key, value)

    def delattr_(cls: Any, key: str) -> None:
        if key in names:
            raise AttributeError(f"{key} of a provided class is fixed by the harness")
        meta.__delattr__(cls, key)

    return type(meta)(f"Fixed{meta.__name__}", (meta,), {"__setattr__": setattr_, "__delattr__": delattr_})


def watched_class(value: type, data: Mapping[str, Any], wrap: Callable[[Any], Any]) -> Any:
    """The subclass (see the module); None (left unbound: the case fails) where the class's metaclass
    or its own ``__getattribute__`` could answer reads of ``data`` itself, or it cannot be subclassed."""
    meta: Any = type(value)
    if data and (meta.__getattribute__ is not type.__getattribute__
                 or any(k in vars(m) for m in meta.__mro__ for k in [*data, "__getattr__"] if m is not type)
                 or any("__getattribute__" in vars(m) for m in value.__mro__ if m is not object)):
        return None
    methods = _wrapped_methods(value, wrap, set(data))
    fixed = {k: _Fixed(v) for k, v in data.items()}
    try:  # the methods cannot be swapped back on the class either (``type(self).f = raw``)
        proxy = _frozen_meta(meta, {*data, *methods})(value.__name__, (value,), {
            "__module__": value.__module__, "__qualname__": value.__qualname__, **methods, **fixed})
    except Exception:  # noqa: BLE001 - a class that cannot be subclassed: left unbound, the case fails
        return None
    kept = all(vars(proxy).get(k) is v for k, v in {**methods, **fixed}.items())  # no __init_subclass__ undid them
    return proxy if kept and all(getattr(proxy, k, None) is v for k, v in data.items()) else None
