"""Triton interpreter (``TRITON_INTERPRET=1``): a mask Triton typed ``int1`` reaches memory as booleans.

The interpreter gives a comparison's result the data type of its operands in its handle (``row <
M`` on int32 values: boolean NumPy data in a handle marked int32). Broadcasting such a scalar to a
block (``create_splat``) then makes int32 data, and ``cols_mask & (row < M)`` an int32 array,
which the interpreter's masked load, store and atomic read-modify-write refuse ("mask has
unsupported dtype") where compiled Triton, which types the same mask ``int1``, runs the kernel.

:func:`install` turns such mask data into booleans (``!= 0``) for those three builder calls. A
mask whose Triton type is not ``int1`` is still refused: Triton's type checks refuse it for
stores and atomics before the builder is called, and for loads (which the interpreter's type
checks leave to the builder) :func:`install` adds the same check with Triton's own message for
stores ("Mask must have boolean scalar type"), as compiled Triton refuses such a load too.
Installed with the interpreter's other patches (:func:`harness.families.kernels.sandboxed.interp.install`).
"""
from __future__ import annotations

from typing import Any

_INSTALLED: list[bool] = []


def install() -> None:
    """Boolean mask data for masked loads, stores and atomics (once per process)."""
    if _INSTALLED:
        return
    import numpy as np
    import triton.language as tl
    from triton.runtime import interpreter

    handle = interpreter.TensorHandle

    def as_bool(mask: Any) -> Any:
        if mask is None or mask.data.dtype == np.bool_:
            return mask
        return handle(mask.data != 0, tl.int1)

    builder = interpreter.InterpreterBuilder
    load, store, rmw = builder.create_masked_load, builder.create_masked_store, builder.create_atomic_rmw

    def masked_load(self: Any, ptrs: Any, mask: Any, *args: Any) -> Any:
        return load(self, ptrs, as_bool(mask), *args)

    def masked_store(self: Any, ptrs: Any, value: Any, mask: Any, *args: Any) -> Any:
        return store(self, ptrs, value, as_bool(mask), *args)

    def atomic_rmw(self: Any, op: Any, ptr: Any, val: Any, mask: Any, *args: Any) -> Any:
        return rmw(self, op, ptr, val, as_bool(mask), *args)

    semantic = interpreter.interpreter_semantic
    typed_load = semantic.load

    def checked_load(ptr: Any, mask: Any, *args: Any, **kwargs: Any) -> Any:
        if mask is not None and not mask.type.scalar.is_bool():
            raise ValueError("Mask must have boolean scalar type")
        return typed_load(ptr, mask, *args, **kwargs)

    builder.create_masked_load = masked_load  # type: ignore[method-assign]
    builder.create_masked_store = masked_store  # type: ignore[method-assign]
    builder.create_atomic_rmw = atomic_rmw  # type: ignore[method-assign]
    semantic.load = checked_load  # type: ignore[method-assign]
    _INSTALLED.append(True)
