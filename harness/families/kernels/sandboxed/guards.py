"""Guard bands around inputs and outputs (attack class 9: out-of-bounds reads and writes).

Runs in the candidate's worker process (like :mod:`.hooks`): an off-by-one mask is a bug, not a
forgery, so the in-process check is what finds it; the facts it reports are judged by the parent.

* Every contiguous input is copied into the middle of a larger buffer whose guard bands hold a
  sentinel (NaN for floating types, the dtype's maximum for integers): a kernel that reads past
  its input reads NaN and its output is wrong; one that writes there changes the band.
* Inside ``forward`` the allocation calls an answer may make (``torch.empty``/``empty_like``/
  ``zeros``/... and ``Tensor.new_*``) return views into guarded buffers too, so writes past an
  output the answer allocated are seen. Allocations made by C++ host code (CUDA answers) are not.
* What ``torch.empty``/``empty_like``/``empty_strided``/``Tensor.new_empty`` return there is
  uninitialised memory: it is filled with NaN (floating types), ones (bool) or bytes ``0xA5``
  (integers), so an answer that accumulates into an output it never zeroed fails every time, not
  only when the CPU allocator hands back a non-zero page (red team 10b S6).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

#: bytes of sentinel before and after each guarded tensor (a whole block of 1024 fp32 elements)
GUARD_BYTES = 4096
_ALLOC_NAMES = ("empty", "empty_like", "zeros", "zeros_like", "ones", "ones_like", "full", "full_like",
                "new_empty", "new_zeros", "new_ones", "new_full")


_EMPTY_NAMES = ("empty", "empty_like", "empty_strided", "new_empty", "new_empty_strided")


def _fill_garbage(t: Any) -> None:
    """Fill a fresh uninitialised tensor with values no computation should keep."""
    import torch

    if t.numel() == 0 or t.is_sparse or t.is_quantized:
        return
    if t.is_floating_point() or t.is_complex():
        t.fill_(float("nan"))
    elif t.dtype == torch.bool:
        t.fill_(True)
    else:
        size, signed = t.element_size(), t.dtype.is_signed
        t.fill_(int.from_bytes(bytes([0xA5]) * size, "little", signed=signed))


@dataclass
class Guarded:
    buffer: Any
    band: int
    what: str

    def intact(self) -> bool:
        import torch

        edges = (self.buffer[: self.band], self.buffer[-self.band:])
        return all(torch.equal(_bits(e), _bits(_sentinel_like(e))) for e in edges)


@dataclass
class GuardSet:
    items: list[Guarded] = field(default_factory=list)

    def broken(self) -> list[str]:
        return [g.what for g in self.items if not g.intact()]


def _bits(t: Any) -> Any:
    import torch

    return t.contiguous().view(torch.uint8) if t.dtype != torch.bool else t


def _sentinel_like(t: Any) -> Any:
    import torch

    if t.is_floating_point() or t.is_complex():
        return torch.full_like(t, float("nan"))
    if t.dtype == torch.bool:
        return torch.ones_like(t)
    return torch.full_like(t, torch.iinfo(t.dtype).max)


def guarded_copy(t: Any, guards: GuardSet, what: str) -> Any:
    """``t``'s values in the middle of a guarded buffer (``t`` itself when it cannot be guarded)."""
    import torch

    if not isinstance(t, torch.Tensor) or t.numel() == 0 or not t.is_contiguous() or t.is_sparse:
        return t
    band = max(1, GUARD_BYTES // t.element_size())
    buf = torch.empty(t.numel() + 2 * band, dtype=t.dtype, device=t.device)
    buf[:band] = _sentinel_like(buf[:band])
    buf[-band:] = _sentinel_like(buf[-band:])
    view = buf[band: band + t.numel()].view(t.shape)
    view.copy_(t)
    guards.items.append(Guarded(buf, band, what))
    return view


def guard_inputs(inputs: list[Any], guards: GuardSet) -> list[Any]:
    return [guarded_copy(v, guards, f"input {i}") for i, v in enumerate(inputs)]


@contextlib.contextmanager
def guard_allocations(guards: GuardSet, counter: Any) -> Iterator[None]:
    """While the block runs, allocations outside kernel launches are guarded."""
    import torch
    from torch.overrides import TorchFunctionMode

    targets = {getattr(torch, n) for n in _ALLOC_NAMES if hasattr(torch, n)}
    targets |= {getattr(torch.Tensor, n) for n in _ALLOC_NAMES if hasattr(torch.Tensor, n)}
    uninitialised = {getattr(owner, n) for owner in (torch, torch.Tensor) for n in _EMPTY_NAMES if hasattr(owner, n)}

    class GuardAllocations(TorchFunctionMode):
        def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            out = func(*args, **(kwargs or {}))
            if func in uninitialised and counter.depth == 0 and isinstance(out, torch.Tensor):
                _fill_garbage(out)
            if func in targets and counter.depth == 0 and isinstance(out, torch.Tensor):
                return guarded_copy(out, guards, f"allocation {len(guards.items)} ({func.__name__})")
            return out

    with GuardAllocations():
        yield
