"""Hand-written dropout in a random TritonBench-T reference (honest finding N1).

:mod:`benchmarks.tritonbench.random_ref` reads a dropout leaf from two runs where ``F.dropout``
keeps, then drops, every element. A reference that builds its mask itself
(``torch.rand_like(x) > p``, ``torch.rand(shape) < 1 - p``, ``torch.bernoulli(full_like(x, 1 - p))``,
``empty_like(x).uniform_() > p``) never calls ``F.dropout``: both runs drew real masks, its leaves
were neither fixed nor masked, and every answer was ``infra_error``. Here such a call runs with
the samplers constant instead: ``rand``/``rand_like``/``uniform_`` give the largest value below 1
(``high``) or 0 (``low``), ``bernoulli`` gives ones or zeros; each threshold a constant draw is
compared with (or each Bernoulli probability) is recorded as ``h``, the probability that a real
draw falls on the ``high`` side. The level whose output is larger is the all-kept one, so
``p = 1 - h`` if that is ``high``, else ``h``. A call whose draws are not all compared with one
scalar threshold (a per-element probability, rand used as noise) is not a mask: it runs for real,
and its leaves stay excluded as before.
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from typing import Any

import torch

_COMPARISONS = {"gt", "lt", "ge", "le", "__gt__", "__lt__", "__ge__", "__le__", "greater", "less",
                "greater_equal", "less_equal"}
#: the probabilities of the draws of the call being probed (``None``: a draw used otherwise)
_SINK: list[list[float | None]] = []


def _scalar(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not isinstance(value, _Draw):
        return float(value.detach().reshape(-1)[0])
    return None


class _Draw(torch.Tensor):
    """A constant stand-in for ``torch.rand``'s draws that records the thresholds it meets; what any
    operation on it returns is a plain tensor."""

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        name = getattr(func, "__name__", "")
        if _SINK and name in _COMPARISONS and len(args) == 2:
            other = args[1] if isinstance(args[0], _Draw) else args[0]
            t = _scalar(other)
            _SINK[-1].append(None if t is None else min(max(1.0 - t, 0.0), 1.0))
        elif _SINK and name not in ("__repr__", "__format__", "size", "shape", "dim", "dtype", "device",
                                    "__get__", "numel", "to", "contiguous", "float", "half", "type_as"):
            _SINK[-1].append(None)  # rand used as a value, not only as a mask
        with torch._C.DisableTorchFunctionSubclass():
            out = func(*args, **(kwargs or {}))
        if isinstance(out, torch.Tensor) and name in ("to", "contiguous", "float", "half", "type_as"):
            return out.as_subclass(_Draw)  # still the draws, in another dtype or layout
        return out


def _level_value(level: str, dtype: torch.dtype) -> float:
    if level == "low":
        return 0.0
    one = torch.tensor(1.0, dtype=dtype)
    return float(torch.nextafter(one, torch.tensor(0.0, dtype=dtype)))


@contextlib.contextmanager
def constant_samplers(level: str) -> Iterator[list[float | None]]:
    """``torch.rand``/``rand_like``/``Tensor.uniform_``/``bernoulli``/``Tensor.bernoulli_`` constant
    at ``level`` while the block runs; yields the recorded probabilities."""
    saved: dict[str, Any] = {"rand": torch.rand, "rand_like": torch.rand_like, "bernoulli": torch.bernoulli}
    uniform_, bernoulli_ = torch.Tensor.uniform_, torch.Tensor.bernoulli_
    events: list[float | None] = []

    def draws(base: torch.Tensor) -> torch.Tensor:
        return base.fill_(_level_value(level, base.dtype)).as_subclass(_Draw)

    def rand(*size: Any, **kw: Any) -> torch.Tensor:
        kw.pop("generator", None)
        return draws(torch.empty(*size, **kw))

    def rand_like(x: torch.Tensor, **kw: Any) -> torch.Tensor:
        return draws(torch.empty_like(x, **kw))

    def uniform(self: torch.Tensor, a: float = 0.0, b: float = 1.0, **_: Any) -> torch.Tensor:
        if (a, b) != (0.0, 1.0):
            events.append(None)
        return draws(self)  # read through its result (``empty_like(x).uniform_() < p``)

    def bernoulli(probs: torch.Tensor, p: Any = None, **_: Any) -> torch.Tensor:
        q = _scalar(p) if p is not None else (float(probs.reshape(-1)[0]) if probs.numel() and bool(
            (probs == probs.reshape(-1)[0]).all()) else None)
        events.append(q)
        return torch.full_like(probs, 1.0 if level == "high" else 0.0)

    def bernoulli_in_place(self: torch.Tensor, p: Any = 0.5, **_: Any) -> torch.Tensor:
        events.append(_scalar(p))
        return self.fill_(1.0 if level == "high" else 0.0)

    _SINK.append(events)
    for name, fake in (("rand", rand), ("rand_like", rand_like), ("bernoulli", bernoulli)):
        setattr(torch, name, fake)
    setattr(torch.Tensor, "uniform_", uniform)  # noqa: B010 - patched for the probe's runs only
    setattr(torch.Tensor, "bernoulli_", bernoulli_in_place)  # noqa: B010
    try:
        yield events
    finally:
        for name, real in saved.items():
            setattr(torch, name, real)
        setattr(torch.Tensor, "uniform_", uniform_)  # noqa: B010
        setattr(torch.Tensor, "bernoulli_", bernoulli_)  # noqa: B010
        _SINK.pop()


def _clone(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, list | tuple):
        return type(value)(_clone(v) for v in value)
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    return value


def _magnitude(out: Any) -> float:
    from harness.families.kernels.sandboxed.refcases import flatten

    return sum(float(v.detach().double().abs().nansum()) for _, v in flatten(out)
               if isinstance(v, torch.Tensor) and v.is_floating_point())


def probe_call(fn: Callable[..., Any], args: Any, kwargs: Any, mode: str) -> tuple[Any, float] | None:
    """One call of a hand-written dropout with every element kept (``mode == "kept"``) or dropped,
    and its ``p``; None when the call draws no mask (it then runs for real)."""
    runs: dict[str, tuple[Any, list[float | None]]] = {}
    for level in ("high", "low"):
        with torch.random.fork_rng(devices=[]), constant_samplers(level) as events:
            runs[level] = (fn(*_clone(args), **_clone(kwargs)), list(events))
    hs = runs["high"][1]
    if not hs or any(h is None for h in hs) or max(hs) - min(hs) > 1e-9:  # type: ignore[type-var, operator]
        return None
    h = float(hs[0])  # type: ignore[arg-type]
    high_keeps = _magnitude(runs["high"][0]) >= _magnitude(runs["low"][0])
    p = 1.0 - h if high_keeps else h
    if not 0.0 < p < 1.0 or math.isnan(p):
        return None
    level = ("high" if high_keeps else "low") if mode == "kept" else ("low" if high_keeps else "high")
    with torch.random.fork_rng(devices=[]), constant_samplers(level):
        return fn(*args, **kwargs), p
