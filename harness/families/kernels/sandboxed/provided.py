"""A provided class as the test section sees it (TritonBench-G: the reference's test section calls
``VecOps.scale_add(x, y, a)`` or ``VecAdd().add_vectors(x, y)`` on the answer's class).

It is a subclass of the answer's class whose methods (plain, static and class methods, ``__call__``;
those of torch's, Triton's and the builtin bases left alone) run through the same ``wrap`` as the
entry function: in-place writes to what the test section reaches (``modifies_inputs``), the op
recorder, ``torch.empty``'s NaN fill and guard bands, the per-call generator (red team 11b S2: the
class went in bare and its method zeroed its inputs unseen). Its ``__init__`` runs through
:class:`ClassWatch`'s ``init`` (the write check without the op recorder: an ``nn.Module``'s weight
initialisation is torch compute; red team 11d S3b: an unwrapped constructor zeroed the test's
tensors). The reference's class-body data the section reads (red team 10b S9) are data descriptors:
the class's value unless the instance set its own (plain Python, for the reference's run too:
honest round 11b F12), an assignment on the class is refused, and every read the test section makes
is logged (:class:`ClassWatch`'s ``reads``): the judge compares the answer's log with the
reference's (red team 11b S4: ``self.N_ELEMS = 0`` in the answer's ``__init__`` made the test's
inputs empty)."""
from __future__ import annotations

import hashlib
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.families.kernels.sandboxed.writes import SECTION_FILES, instance_dict

_FOREIGN = ("torch", "triton", "builtins")
_MAX_READS = 2000


@dataclass
class ClassWatch:
    """What a run adds to provided classes: ``init`` wraps their ``__init__`` (the write check);
    ``reads`` logs each read of the reference's class data by the test section (``Cls.NAME=value``)."""

    init: Callable[[Any], Any] = lambda fn: fn
    reads: list[str] = field(default_factory=list)


def fingerprint(value: Any) -> str:
    """A short exact text for a value read (a tensor: shape, dtype and a digest of its bytes)."""
    import torch

    if isinstance(value, torch.Tensor):
        try:
            data = value.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
        except (RuntimeError, TypeError):
            data = b""
        return f"tensor{list(value.shape)}:{value.dtype}:{hashlib.sha256(data).hexdigest()[:16]}"
    return repr(value)[:200] if isinstance(value, int | float | str | bool | tuple | type(None)) \
        else type(value).__name__


class _ClassData:
    """The reference's value on the class; an instance's own assignment is kept in the instance's
    dict and wins on that instance (as in plain Python); reads by the test section are logged."""

    def __init__(self, label: str, name: str, value: Any, reads: list[str]) -> None:
        self.label, self.name, self.value, self.reads = label, name, value, reads

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        own = instance_dict(obj) if obj is not None else None
        value = own.get(self.name, self.value) if own is not None else self.value
        if sys._getframe(1).f_code.co_filename in SECTION_FILES and len(self.reads) < _MAX_READS:
            self.reads.append(f"{self.label}.{self.name}={fingerprint(value)}")
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        own = instance_dict(obj)
        if own is None:
            raise AttributeError(f"{self.name} of a provided class cannot be set here")
        own[self.name] = value

    def __delete__(self, obj: Any) -> None:
        own = instance_dict(obj)
        if own is not None:
            own.pop(self.name, None)


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


def _hidden_state(cls: type) -> bool:
    """A class of ``cls``'s own (torch's, Triton's and the builtin bases aside) defines a data
    descriptor other than a slot (a ``property``, a descriptor object): code that runs on each read,
    whose backing storage the write watch cannot know it visits (``writes.slot_values`` reads the
    slots themselves)."""
    for base in cls.__mro__:
        if base is object or _foreign(base):
            continue
        for key, attr in vars(base).items():
            if key in ("__dict__", "__weakref__") or isinstance(attr, types.MemberDescriptorType):
                continue
            if hasattr(type(attr), "__set__") or hasattr(type(attr), "__delete__"):
                return True
    return False


def _wrapped_methods(cls: type, wrap: Callable[[Any], Any], skip: set[str], init: Callable[[Any], Any]
                     ) -> dict[str, Any]:
    """The class's own and inherited methods (first in the MRO wins), each through ``wrap``
    (``__init__`` through ``init``)."""
    out: dict[str, Any] = {}
    seen = set(skip)
    for base in cls.__mro__:
        if base is object or _foreign(base):
            continue
        for key, attr in vars(base).items():
            if key in seen or (key.startswith("__") and key not in ("__call__", "__init__")):
                continue
            seen.add(key)
            label = f"{cls.__name__}.{key}"
            if isinstance(attr, types.FunctionType):
                out[key] = (init if key == "__init__" else wrap)(_named(attr, label))
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


def watched_class(value: type, data: Mapping[str, Any], wrap: Callable[[Any], Any],
                  watch: ClassWatch | None = None) -> Any:
    """The subclass (see the module); None (left unbound: the case fails) where the class's metaclass
    or its own ``__getattribute__`` could answer reads of ``data`` itself, where it defines a property
    or another data descriptor (:func:`_hidden_state`), or it cannot be subclassed."""
    watch = watch or ClassWatch()
    meta: Any = type(value)
    if _hidden_state(value):
        return None
    if data and (meta.__getattribute__ is not type.__getattribute__
                 or any(k in vars(m) for m in meta.__mro__ for k in [*data, "__getattr__"] if m is not type)
                 or any("__getattribute__" in vars(m) for m in value.__mro__ if m is not object)):
        return None
    methods = _wrapped_methods(value, wrap, set(data), watch.init)
    fixed = {k: _ClassData(value.__name__, k, v, watch.reads) for k, v in data.items()}
    try:  # the methods cannot be swapped back on the class either (``type(self).f = raw``)
        proxy = _frozen_meta(meta, {*data, *methods})(value.__name__, (value,), {
            "__module__": value.__module__, "__qualname__": value.__qualname__, **methods, **fixed})
    except Exception:  # noqa: BLE001 - a class that cannot be subclassed: left unbound, the case fails
        return None
    kept = all(vars(proxy).get(k) is v for k, v in {**methods, **fixed}.items())  # no __init_subclass__ undid them
    return proxy if kept and all(getattr(proxy, k, None) is v for k, v in data.items()) else None
