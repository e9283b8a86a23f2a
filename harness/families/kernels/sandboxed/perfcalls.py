"""Checked calls of the perf phase (issue #14, red team 13 K5).

The check phase sees fewer calls than the perf phase makes (10 warm-up + 3 x 50 timed on the same
inputs), so an answer whose kernel counts its calls in a device buffer (or remembers the last input
pointer) could compute honestly there and skip its work once timed, while the timing never looked
at an output. :class:`CheckedCalls` wraps the timed function: two of the timed calls, one drawn with
``secrets`` and the last, run with their fresh allocations filled with garbage (NaN) as in the check
phase (:func:`.guards.guard_allocations`, so a kernel that writes nothing cannot leave the previous
call's correct values in a reused block), and their outputs are kept; the worker saves them
(the file the job names, ``perf.outputs``) and the harness compares them with the reference's outputs for the perf
inputs (``perfcheck.perf_output_problem``: ``perf_output_mismatch``). The other calls run as they
are (the wrapper adds one Python call and a set lookup to each).
"""
from __future__ import annotations

import secrets
from typing import Any


class CheckedCalls:
    """``fn`` with calls number ``chosen`` (0-based, warm-up included) guarded and their outputs kept."""

    def __init__(self, fn: Any, counter: Any, *, warmup: int, timed: int) -> None:
        self.fn, self.counter = fn, counter
        self.index = -1
        self.chosen = {warmup + secrets.randbelow(max(1, timed)), warmup + max(1, timed) - 1}
        self.kept: list[tuple[int, Any]] = []

    def __call__(self, *args: Any) -> Any:
        self.index += 1
        if self.index not in self.chosen:
            return self.fn(*args)
        from harness.families.kernels.sandboxed.guards import GuardSet, guard_allocations

        with guard_allocations(GuardSet(), self.counter):
            out = self.fn(*args)
        self.kept.append((self.index, out))
        return out

    def record(self) -> dict[str, Any]:
        """What the worker saves: each checked call's index and its outputs (CPU copies)."""
        from harness.families.kernels.sandboxed.worker_common import cpu_copy, flat

        return {"calls": [i for i, _ in self.kept], "outputs": [cpu_copy(flat(out)) for _, out in self.kept]}
