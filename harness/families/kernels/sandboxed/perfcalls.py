"""Checked calls of the perf phase (issue #14, red team 13 K5 and red team 15).

The check phase sees fewer calls than the perf phase makes (10 warm-up + 3 x 50 timed on the same
inputs), so an answer whose kernel counts its calls in a device buffer (or remembers the last input
pointer) could compute honestly there and skip its work once timed, while the timing never looked
at an output. :class:`CheckedCalls` wraps the timed function: the outputs of two timed calls, one
drawn with ``secrets`` and the last, are kept (as CPU copies) and the worker saves them (the file the
job names, ``perf.outputs``); the harness compares them with the reference's outputs for the perf
inputs (``perfcheck.perf_output_problem``: ``perf_output_mismatch``).

Every call runs the same way inside the timed events: a checked call is told from another by nothing
the answer can see (red team 15: the checked calls' allocations were guarded views, with
``storage_offset() > 0``, and ``torch.empty`` gave NaN there only; an answer did a quarter of the work
in every other call). What separates them happens after the call, outside the events
(:meth:`CheckedCalls.after`, run after warm-up and timed calls alike): a chosen call's outputs are
copied to the CPU (no device allocation, so the allocator hands out the same blocks either way), and
then every call's outputs are filled with garbage (NaN, ones, bytes ``0xA5``), so that a kernel that
writes nothing in the next call cannot leave this call's right values in a reused block. An output
that shares storage with an input (a view of it) is not filled.
"""
from __future__ import annotations

import secrets
from typing import Any


class CheckedCalls:
    """``fn`` with the outputs of calls number ``chosen`` (0-based, warm-up included) kept."""

    def __init__(self, fn: Any, counter: Any, *, warmup: int, timed: int) -> None:
        self.fn, self.counter = fn, counter
        self.index = -1
        self.chosen = {warmup + secrets.randbelow(max(1, timed)), warmup + max(1, timed) - 1}
        self.kept: list[tuple[int, Any]] = []
        self.last: Any = None
        self.inputs: set[int] = set()

    def __call__(self, *args: Any) -> Any:
        import torch

        self.index += 1
        self.inputs = {a.untyped_storage().data_ptr() for a in args if isinstance(a, torch.Tensor)}
        self.last = self.fn(*args)
        return self.last

    def after(self) -> None:
        """After a call, outside the timed events: keep a chosen call's outputs, then fill every output."""
        import torch

        from harness.families.kernels.sandboxed.guards import _fill_garbage
        from harness.families.kernels.sandboxed.worker_common import cpu_copy, flat

        out, self.last = self.last, None
        leaves = flat(out)
        if self.index in self.chosen:
            self.kept.append((self.index, cpu_copy(leaves)))
        for leaf in leaves:
            if isinstance(leaf, torch.Tensor) and leaf.untyped_storage().data_ptr() not in self.inputs:
                with torch.no_grad():
                    _fill_garbage(leaf)

    def record(self) -> dict[str, Any]:
        """What the worker saves: each checked call's index and its outputs (CPU copies)."""
        return {"calls": [i for i, _ in self.kept], "outputs": [out for _, out in self.kept]}
