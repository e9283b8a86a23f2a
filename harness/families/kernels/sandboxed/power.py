"""A power check of a TritonBench test section (issue #14, red team 13 K4).

Some test sections store only shapes (``results["case"] = out.shape``) or read only their own inputs,
so an answer that allocates its outputs and launches a kernel that writes nothing matches the
reference. The reference phase runs the first case's test section once more with every call of the
reference's provided functions (and the engine's calls of its autograd Functions' ``backward``: a
section may store only gradients) replaced by a *garbage* version (:class:`Garbage`, passed where the
section's calls are wrapped): the values the call returns (tensors, at any depth of tuples, lists and
dicts; Python numbers) become garbage of the same shape and dtype (NaN, 77, the negation of a mask),
and the tensor arguments the call changed are filled with garbage. Its results are saved (``fake_0.pt``);
the harness (``refpower.results_unpowered``) excludes the problem where they still compare equal to
the reference's: "results do not depend on the operator's values". A fake run that raises, or
whose calls returned an object that cannot be made garbage (a module, an optimizer), says nothing
(the problem stays).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

FAKE = "fake_0.pt"
_INT = 77


def _garbage_tensor(t: Any) -> Any:
    import torch

    with torch.no_grad():
        if t.dtype == torch.bool:
            fake = torch.logical_not(t.detach())
        elif t.is_floating_point() or t.is_complex():
            fake = torch.full_like(t.detach(), float("nan"))
        else:
            fake = torch.full_like(t.detach(), _INT)
    if t.requires_grad:  # keep the graph: the values are garbage, the gradient flows on to ``t``
        return t + (fake - t).detach()
    return fake


def garbage(value: Any, depth: int = 0) -> Any:
    """``value`` with every tensor and number in it (nested containers too) made garbage."""
    import torch

    if isinstance(value, torch.Tensor):
        return _garbage_tensor(value)
    if isinstance(value, bool) or depth > 8:
        return value
    if isinstance(value, float):
        return float("nan")
    if isinstance(value, int):
        return value + _INT
    if isinstance(value, tuple | list):
        items = [garbage(v, depth + 1) for v in value]
        return type(value)(items) if type(value) in (tuple, list) else value
    if isinstance(value, dict):
        return {k: garbage(v, depth + 1) for k, v in value.items()}
    return value


def _fill(t: Any) -> None:
    import torch

    with torch.no_grad():
        if t.dtype == torch.bool:
            t.logical_not_()
        else:
            t.fill_(float("nan") if t.is_floating_point() or t.is_complex() else _INT)


def _opaque(value: Any, depth: int = 0) -> bool:
    """Does ``value`` hold something :func:`garbage` leaves as it is (a module, an optimizer, a
    context manager: the section's results may come from calling it)?"""
    import torch

    if value is None or isinstance(value, torch.Tensor | int | float | str | complex):
        return False
    if isinstance(value, tuple | list) and depth <= 8:
        return any(_opaque(v, depth + 1) for v in value)
    if isinstance(value, dict) and depth <= 8:
        return any(_opaque(v, depth + 1) for v in value.values())
    return True


class Garbage:
    """The section's calls (``wrap``) made garbage: see the module docstring. ``opaque``: a call
    returned something that cannot be made garbage (the run then says nothing)."""

    def __init__(self) -> None:
        self.active = False
        self.opaque = False

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)  # the write watch names calls by the function's name
        def call(*args: Any, **kwargs: Any) -> Any:
            if self.active:
                return fn(*args, **kwargs)
            import torch

            tensors = [v for v in (*args, *kwargs.values()) if isinstance(v, torch.Tensor)]
            before = [t.detach().clone() for t in tensors]
            self.active = True
            try:
                out = fn(*args, **kwargs)
            finally:
                self.active = False
            for t, b in zip(tensors, before, strict=True):
                if t.shape != b.shape or not torch.equal(t.detach(), b):
                    _fill(t)
            self.opaque = self.opaque or _opaque(out)
            return garbage(out)
        return call


def fake_run(run: Callable[[Garbage], dict[str, Any]], result_var: str, out: Any) -> str | None:
    """The test section once more (``run``) with the reference's calls made garbage; the file (in
    folder ``out``) of its results, or None where that run raised (it says nothing then)."""
    import torch

    from harness.families.kernels.sandboxed.refcases import cpu_leaves, flatten

    fake = Garbage()
    try:
        leaves = list(flatten(run(fake)[result_var]))
    except Exception:  # noqa: BLE001 - the reference's own code on garbage values
        return None
    if fake.opaque:
        return None
    torch.save({"outputs": cpu_leaves([v for _, v in leaves]), "keys": [k for k, _ in leaves]}, out / FAKE)
    return FAKE
