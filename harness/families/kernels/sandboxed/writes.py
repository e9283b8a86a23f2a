"""What the answer's calls write: a TritonBench test section that checks ``allclose(f(x), ref(x))``
reads ``x`` again after the call, so an answer that zeroed ``x`` and returned zeros agreed with it.
:func:`watch_writes` records every tensor a call can reach through its arguments, and where it
changed; the reference's cases record where its own calls write (in-place operators), and the judge
rejects writes anywhere else (``modifies_inputs``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: how deep and how many tensors a call's arguments are searched
_DEPTH, _MAX_TENSORS = 6, 4096


def reachable_tensors(args: Any, kwargs: Any) -> list[tuple[str, Any]]:
    """(path, tensor) for every tensor reachable from a call's arguments, each once (its first path):
    the arguments (``a0``, ``k:alpha``), items of lists, tuples and dicts (``a1.0``, ``a1[w]``) and an
    ``nn.Module``'s parameters and buffers (``a1.weight``, ``a1.0.bias``), nested (red team 11b S2b:
    a linear layer passed whole had its weight and bias zeroed unseen)."""
    import torch

    found: list[tuple[str, Any]] = []
    seen: set[int] = set()
    todo: list[tuple[str, Any, int]] = [(f"a{i}", a, 0) for i, a in enumerate(args)]
    todo += [(f"k:{k}", v, 0) for k, v in kwargs.items()]
    todo.reverse()
    while todo and len(found) < _MAX_TENSORS:
        path, value, depth = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, torch.Tensor):
            found.append((path, value))
            continue
        if depth >= _DEPTH:
            continue
        if isinstance(value, torch.nn.Module):
            items = [(f"{path}.{n}", t) for n, t in [*value.named_parameters(), *value.named_buffers()]]
        elif isinstance(value, list | tuple):
            items = [(f"{path}.{j}", v) for j, v in enumerate(value)]
        elif isinstance(value, dict):
            items = [(f"{path}[{k}]", v) for k, v in value.items()]
        else:
            continue
        todo.extend((p, v, depth + 1) for p, v in reversed(items))
    return found


def _bytes(t: Any) -> Any:
    import torch

    return t.detach().reshape(-1).contiguous().view(torch.uint8) if t.numel() else t.detach()


def _changed(t: Any, shape: Any, dtype: Any, old: Any) -> bool:
    import torch

    try:
        return bool(t.shape != shape or t.dtype != dtype or not torch.equal(_bytes(t), old))
    except (RuntimeError, TypeError):
        return True  # resized or re-laid out in a way the bytes no longer show: changed


def watch_writes(fn: Callable[..., Any], written: list[str], counts: dict[str, int], name: str | None = None
                 ) -> Callable[..., Any]:
    """``fn``, appending ``name#k@path`` to ``written`` for each tensor its ``k``-th call changed
    (:func:`reachable_tensors`' path): the allowance the reference's calls give is per argument, not
    per call (red team 11b S2c: the reference's ``axpy_(x, y, a)`` writes ``x``; an answer that left
    ``x`` and zeroed ``y`` passed the test's ``allclose(x, x_before + a * y)``). ``name``: ``fn``'s
    own name by default."""
    key: str = name or str(getattr(fn, "__name__", "?"))

    def call(*args: Any, **kwargs: Any) -> Any:
        index = counts.get(key, 0)
        counts[key] = index + 1
        before = []
        for path, t in reachable_tensors(args, kwargs):
            try:
                before.append((path, (t, t.shape, t.dtype, _bytes(t).clone())))
            except (RuntimeError, TypeError):  # a layout that has no plain bytes (sparse): not watched
                continue
        try:
            return fn(*args, **kwargs)
        finally:
            written.extend(f"{key}#{index}@{path}" for path, item in before if _changed(*item))

    return call
