"""Triton interpreter (``TRITON_INTERPRET=1``): helpers called inside a launch skip the repeated
language patch.

A launch (``GridExecutor.__call__``) patches ``triton.language`` for the interpreter
(``_patch_lang``: an ``inspect.getmembers`` walk of ``tl``, ``tl.tensor``, ``tl.math`` and
``tl.core.tensor_descriptor_base`` replacing every builtin, plus stateless replacements of
``range``, ``reduce``, ``to_ir``...) and restores every attribute when it ends. A ``@triton.jit``
helper called from the kernel body (``InterpretedFunction.__call__``) runs the same walk again on
every call and never restores it. Inside a launch that patched the language modules the helper
sees, that walk changes nothing: the builtins are already replaced (by plain functions, which
``is_builtin`` no longer matches) and the rest is set again to equivalent stateless functions,
which the launch's restore removes with its own. The same holds for a module a helper call's own
walk patched before (``triton.language.core``, which the standard library's ``tl.sum``, ``tl.max``,
``tl.zeros``... see): Triton never restores that walk, so the module's functions stay replaced for
the process, and the class attributes it sets (``tl.tensor``, ``tl.dtype``: the same classes in
``tl`` and ``tl.core``) are set by every launch. The walks were about a quarter of the CPU time of
a kernels-hard golden whose loops call helpers (row_median: 42,621 walks for 9 cases).

:func:`skip_repatching_in_launches` makes such a call go straight to the rewritten helper (with
the same ``InterpreterError`` wrapping); a helper called outside a launch, one that sees no
language module (Triton's assertion) or one that sees a language module neither the launch nor an
earlier helper call patched runs Triton's own call, as before. Installed by the worker for Triton answers
(:func:`harness.families.kernels.sandboxed.hooks.install_triton_hooks`); it changes how fast the
interpreter runs, not what it computes.

:func:`table_np_dtypes` replaces the interpreter's ``_get_np_dtype`` (the NumPy type that holds a
Triton type's values, asked for every tensor it makes: about 300,000 times for four kernels-hard
goldens), which built its 18-entry ``{tl dtype: np.dtype}`` dict (18 ``dtype.__hash__`` calls) on
every call, by the same function on that dict built once: the same lookups, the same answers and
the same ``KeyError`` for a type it has no entry for.

:func:`memo_types` makes each block type and each tensor's shape once per value. The interpreter
runs Triton's front end (``triton.language.semantic``) on every operation of every program, and
that front end builds a new ``block_type`` (shape unwrapped, validated, its name formatted) and a
new ``tensor`` (its shape a Triton tuple of ``constexpr``, typed element by element) for each
result (segmented_scan's kernels-hard golden made 190,000 tensors on its CPU cases with one seed;
it and row_median's golden 106,000 block types). A ``block_type`` of an element type object and a shape of plain ints that
was made before gets that one's shape, size and name (the same values); a ``tensor`` of a scalar,
pointer or block type gets the shape and size made before for the same dims. Types and shapes are never changed once made
(Triton changes only its own tuples of kernel arguments, when it compiles), every other shape and
every invalid one (which raises) takes Triton's own constructor, and a table keeps the element
type it is keyed by alive, so an ``id`` never names another object (at most 4,096 entries each,
then emptied). :func:`install` installs all of these.
"""
from __future__ import annotations

import inspect
from typing import Any

_INSTALLED: list[bool] = []
_TABLED: list[bool] = []
_MEMO: list[bool] = []
_MEMO_SIZE = 4096


def install() -> None:
    """The shortcuts, the tables and boolean mask data (interpmask.py; once per process): what the sandboxed
    worker runs answers under."""
    from harness.families.kernels.sandboxed import interpmask

    skip_repatching_in_launches()
    table_np_dtypes()
    memo_types()
    interpmask.install()


def table_np_dtypes() -> None:
    """The interpreter's ``_get_np_dtype`` on a table built once (once per process)."""
    if _TABLED:
        return
    import numpy as np
    import triton.language as tl
    from triton.runtime import interpreter

    # interpreter._get_np_dtype's dict, entry for entry (triton 3.x)
    table = {tl.int1: np.dtype(bool), tl.float16: np.dtype(np.float16), tl.float32: np.dtype(np.float32),
             tl.float64: np.dtype(np.float64), tl.int8: np.dtype(np.int8), tl.uint8: np.dtype(np.uint8),
             tl.int16: np.dtype(np.int16), tl.uint16: np.dtype(np.uint16), tl.int32: np.dtype(np.int32),
             tl.uint32: np.dtype(np.uint32), tl.int64: np.dtype(np.int64), tl.uint64: np.dtype(np.uint64),
             tl.bfloat16: np.dtype(np.uint16), tl.float8e5: np.dtype(np.uint8), tl.float8e5b16: np.dtype(np.uint8),
             tl.float8e4nv: np.dtype(np.uint8), tl.float8e4b8: np.dtype(np.uint8),
             tl.float8e4b15: np.dtype(np.uint8)}
    pointer, block, u64 = tl.pointer_type, tl.block_type, np.dtype(np.uint64)

    def get_np_dtype(tt_dtype: Any) -> Any:
        if isinstance(tt_dtype, pointer):
            return u64
        if isinstance(tt_dtype, block):
            if isinstance(tt_dtype.element_ty, pointer):
                return u64
            return table[tt_dtype.element_ty]
        return table[tt_dtype]

    interpreter._get_np_dtype = get_np_dtype
    _TABLED.append(True)


def _langs(fn: Any, tl: Any) -> frozenset[int]:
    """The language modules ``_patch_lang(fn)`` patches (``tl`` and ``tl.core`` as seen from ``fn``)."""
    return frozenset(id(v) for v in list(fn.__globals__.values()) if inspect.ismodule(v) and v in (tl, tl.core))


def skip_repatching_in_launches() -> None:
    """Install the shortcut (once per process)."""
    if _INSTALLED:
        return
    import triton.language as tl
    from triton.runtime import interpreter

    active: list[frozenset[int]] = []  # the language modules each enclosing launch patched
    kept: set[int] = set()  # modules a helper call's own patch left patched (Triton never restores it)
    launch = interpreter.GridExecutor.__call__
    call = interpreter.InterpretedFunction.__call__

    def launch_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        active.append(_langs(self.fn, tl))
        try:
            return launch(self, *args, **kwargs)
        finally:
            active.pop()

    def helper_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen = _langs(self.fn, tl) if active else frozenset()
        if not seen or not seen <= active[-1] | kept:
            kept.update(_langs(self.fn, tl))  # what Triton's call is about to patch for good
            return call(self, *args, **kwargs)
        fn = self.rewrite()
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            raise interpreter.InterpreterError(repr(e)) from e

    interpreter.GridExecutor.__call__ = launch_call  # type: ignore[method-assign]
    interpreter.InterpretedFunction.__call__ = helper_call  # type: ignore[method-assign]
    _INSTALLED.append(True)


def memo_types() -> None:
    """Block types and tensor shapes made once per value (once per process; see the docstring)."""
    if _MEMO:
        return
    import triton.language as tl

    core = tl.core
    block_init, tensor_init = core.block_type.__init__, core.tensor.__init__
    blocks: dict[tuple[int, tuple[int, ...]], Any] = {}  # (id(element type), dims) -> a block type made so
    shapes: dict[tuple[int, ...], tuple[Any, Any]] = {}  # a type's dims -> (tensor shape, numel)

    def block_type_init(self: Any, element_ty: Any, shape: Any) -> None:
        dims = shape.values if type(shape) is core.tuple else shape
        if type(dims) not in (list, tuple) or not all(type(d) is int for d in dims):
            return block_init(self, element_ty, shape)
        key = (id(element_ty), tuple(dims))
        made = blocks.get(key)  # holds its element type, so that id names no other object
        if made is None or made.element_ty is not element_ty:
            block_init(self, element_ty, shape)  # an invalid shape raises here, as before
            if len(blocks) >= _MEMO_SIZE:
                blocks.clear()
            blocks[key] = self
            return None
        self.element_ty = element_ty
        self.shape, self.numel, self.name = made.shape, made.numel, made.name
        return None

    def tensor_type_init(self: Any, handle: Any, type_: Any) -> None:
        kind = type(type_)
        dims: tuple[int, ...] | None = None
        if kind is core.block_type:
            values = tuple(type_.shape.values)
            dims = values if all(type(d) is int for d in values) else None
        else:
            dims = () if kind is core.dtype or kind is core.pointer_type else None
        made = shapes.get(dims) if dims is not None else None
        if made is None:
            tensor_init(self, handle, type_)
            if dims is not None:
                if len(shapes) >= _MEMO_SIZE:
                    shapes.clear()
                shapes[dims] = (self.shape, self.numel)
            return
        self.handle = handle
        self.shape, self.numel = made
        self.type = type_
        self.dtype = type_.scalar

    core.block_type.__init__ = block_type_init  # type: ignore[method-assign]
    core.tensor.__init__ = tensor_type_init  # type: ignore[method-assign]
    _MEMO.append(True)
