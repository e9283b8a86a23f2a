"""What the autograd engine would compute with the gradients an answer's ``torch.autograd.Function``
returns (issue #14, red team 13 K2).

The engine runs outside every op recorder (in C++, after the Python ``backward`` returns): a gradient
whose shape is larger than its input's but expandable to it is reduced with ``sum_to``, one of another
dtype (or device) is cast, and the gradients of one tensor passed to ``apply`` twice are added. A
backward whose kernel writes only the terms of a gradient (shape ``(2, *x.shape)``) had the engine add
them and passed. The forward side of each class (``forward``, or ``setup_context`` where the class
defines one) records its inputs' metadata per ``ctx`` (a side table by weak reference: the answer's
code never reaches it); after the answer's ``backward`` returns, every gradient it returns for an input
that required grad must have exactly that input's shape, dtype and device, and no two such inputs may
be one tensor (:func:`grad_problems`, reported as ops no allowlist holds: ``runtime_torch_compute``).
The engine also runs the backward of what made each input (red team 13b B3: ``apply`` fed
``Q.unsqueeze(0).expand(2, ...)``, a backward returning the two unsummed terms in that shape, and
ExpandBackward added them): the autograd graph behind an input that requires grad, up to the leaves
and to other custom Functions' nodes, must hold only nodes that move values without arithmetic
(:data:`_MOVING`) and reach no node twice (two paths into one node: the engine adds them).
"""
from __future__ import annotations

import weakref
from typing import Any

_INPUTS: weakref.WeakKeyDictionary[Any, list[tuple[Any, ...] | None]] = weakref.WeakKeyDictionary()
_ORIGINAL: dict[tuple[type, str], Any] = {}
_ROOT_STEPS = 64  # grad_fn links followed to an input's root (views, copies, casts)
_GRAPH_NODES = 4096  # graph nodes walked behind one input (more: reported, never passed unchecked)
# autograd nodes whose backward only moves, copies or zero-fills values (ExpandBackward sums,
# ToCopyBackward casts, RepeatBackward/AsStridedBackward/IndexBackward add overlapping elements)
_MOVING = frozenset({
    "TransposeBackward0", "TransposeBackward1", "TBackward0", "PermuteBackward0", "ViewBackward0",
    "UnsafeViewBackward0", "ReshapeAliasBackward0", "CloneBackward0", "SqueezeBackward0", "SqueezeBackward1",
    "SqueezeBackward2", "UnsqueezeBackward0", "SelectBackward0", "SliceBackward0", "AliasBackward0",
    "ViewAsRealBackward0", "ViewAsComplexBackward0", "UnbindBackward0", "SplitBackward0",
    "SplitWithSizesBackward0", "NarrowBackward0", "FlattenBackward0", "UnflattenBackward0", "MovedimBackward0",
})


def _root(t: Any) -> Any:
    """The autograd node (or leaf tensor) an input's gradient reaches first through a chain of
    one-input nodes (``view``, ``clone``, ``to``, ``expand`` ...): two inputs with one root get their
    gradients added by the engine there. The object itself (kept with the ctx's entry), not its id:
    a node's Python wrapper may be freed and its id reused."""
    node = t.grad_fn
    if node is None:
        return t
    for _ in range(_ROOT_STEPS):
        if type(node).__name__ == "AccumulateGrad":
            return node.variable
        nexts = [n for n, _ in node.next_functions if n is not None]
        if len(nexts) != 1:
            return node
        node = nexts[0]
    return node


def _engine_ops(t: Any) -> list[str]:
    """The nodes of the autograd graph behind ``t`` whose backward would compute (not in
    :data:`_MOVING`), and a node reached twice (the engine adds what the two paths bring). The walk
    stops at leaves and at custom Functions' nodes (their ``backward`` is recorded and checked on its
    own)."""
    import torch

    found: list[str] = []
    seen: set[int] = set()
    held: list[Any] = []  # keeps walked nodes alive: their ids stay unique during the walk
    todo = [t.grad_fn] if t.grad_fn is not None else []
    while todo:
        node = todo.pop()
        if id(node) in seen:
            found.append(f"add at {type(node).__name__}")
            continue
        seen.add(id(node))
        held.append(node)
        name = type(node).__name__
        if len(seen) > _GRAPH_NODES:
            return [*found, "a graph too large to check"]
        if name == "AccumulateGrad" or isinstance(node, torch.autograd.function.BackwardCFunction):
            continue
        if name not in _MOVING:
            found.append(name)
        todo.extend(n for n, _ in node.next_functions if n is not None)
    return found


def _meta(value: Any) -> tuple[Any, ...] | None:
    import torch

    if not isinstance(value, torch.Tensor):
        return None
    return (tuple(value.shape), value.dtype, value.device, bool(value.requires_grad),
            _root(value) if value.requires_grad else None, value.data_ptr(), value.untyped_storage().data_ptr(),
            _engine_ops(value) if value.requires_grad else [])


def _remember(ctx: Any, inputs: Any) -> None:
    try:
        _INPUTS[ctx] = [_meta(v) for v in inputs]
    except TypeError:  # a ctx that takes no weak reference: nothing recorded, checked as missing
        pass


def record_inputs(cls: type) -> None:
    """Wrap ``cls``'s ``setup_context`` (if it defines one: its ``inputs`` are ``apply``'s arguments
    with defaults bound) or else its ``forward(ctx, *args)`` to record the inputs' metadata."""
    name = "setup_context" if "setup_context" in vars(cls) else "forward"
    if name not in vars(cls):
        return
    original = _ORIGINAL.setdefault((cls, name), vars(cls)[name])
    fn = original.__func__ if isinstance(original, staticmethod) else original
    if name == "forward":
        def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
            _remember(ctx, args)
            return fn(ctx, *args, **kwargs)
        cls.forward = staticmethod(forward)  # type: ignore[attr-defined]
    else:
        def setup_context(ctx: Any, inputs: Any, output: Any) -> Any:
            _remember(ctx, inputs)
            return fn(ctx, inputs, output)
        cls.setup_context = staticmethod(setup_context)  # type: ignore[attr-defined]


def _shape_problem(i: int, grad: Any, meta: tuple[Any, ...]) -> str | None:
    import torch

    shape, dtype, device = meta[:3]
    if not isinstance(grad, torch.Tensor):
        return None  # the engine raises
    if tuple(grad.shape) == shape and grad.dtype == dtype and grad.device == device:
        return None
    return (f"autograd engine sum_to/_to_copy (backward returned a {grad.dtype} gradient of shape "
            f"{list(grad.shape)} for input {i} of shape {list(shape)}, {dtype})")


def grad_problems(ctx: Any, grads: Any) -> list[str]:
    """What the engine would compute with ``backward``'s return value ``grads`` for the call that
    made ``ctx`` (empty: nothing; an unrecorded ctx is a problem of its own)."""
    try:
        metas = _INPUTS.get(ctx)
    except TypeError:  # takes no weak reference: never recorded
        metas = None
    if metas is None:
        return ["autograd engine (a backward whose forward inputs were not recorded)"]
    values = grads if isinstance(grads, tuple) else (grads,)
    live: list[tuple[int, Any, tuple[Any, ...]]] = []
    for i, g in enumerate(values[:len(metas)]):
        meta = metas[i]
        if g is not None and meta is not None and meta[3]:  # a tensor input that required grad
            live.append((i, g, meta))
    problems = [p for i, g, m in live if (p := _shape_problem(i, g, m)) is not None]
    problems += [f"autograd engine {', '.join(sorted(set(m[7])))} (behind input {i} of apply)"
                 for i, _, m in live if m[7]]
    for k, (i, _, a) in enumerate(live):
        for j, _, b in live[k + 1:]:
            # one root and one shape: the same memory (data pointer) or a copy of it (another storage);
            # disjoint slices of one tensor (qkv[0], qkv[1]) are stacked, not added
            if a[4] is b[4] and a[0] == b[0] and (a[5] == b[5] or a[6] != b[6]):
                problems.append(f"autograd engine add (inputs {i} and {j} of apply are one tensor: "
                                "the engine adds their gradients)")
    return problems
