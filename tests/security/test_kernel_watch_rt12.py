"""Red team 12 B1: the TritonBench write watch walks what the test section reaches breadth first
and stops after ``_MAX_VISITS`` values. An answer's provided-class instance (the first argument of
every method call, so walked first) holding 60,000 empty buffers hid the test's own ``w`` and ``b``
behind the cap, and a method that zeroed them and returned zeros passed. A snapshot that runs out
with values left is now reported (``writes.UNWATCHED``) and the judge rejects the call
(``modifies_inputs``)."""
from __future__ import annotations

import torch

from harness.families.kernels.judge import _section_changes
from harness.families.kernels.sandboxed import writes
from harness.families.kernels.sandboxed.writes import UNWATCHED, reachable_tensors, watch_writes


class Layer:
    def __init__(self, w: torch.Tensor, pad: int) -> None:
        for i in range(pad):  # walked before w, at the same depth
            setattr(self, f"p{i}", torch.empty(0))
        self.w = w

    def wipe(self) -> None:
        self.w.zero_()


def test_a_walk_that_runs_out_says_so() -> None:
    w = torch.ones(4)
    found = reachable_tensors((Layer(w, writes._MAX_VISITS + 10),), {})
    assert found[-1] == (UNWATCHED, None)
    assert not any(t is w for _, t in found)
    small = reachable_tensors((Layer(w, 10),), {})
    assert any(t is w for _, t in small) and all(p != UNWATCHED for p, _ in small)


def test_the_padded_wipe_is_rejected_and_the_plain_one_too() -> None:
    for pad in (10, writes._MAX_VISITS + 10):
        layer = Layer(torch.ones(4), pad)
        written: list[str] = []
        watch_writes(Layer.wipe, written, {}, name="Layer.wipe")(layer)
        rep = {"inputs_written": written}
        case = {"inputs_written": [], "paths_seen": ["a0.w"]}
        why = _section_changes(rep, case)
        assert why is not None and why.startswith("modifies_inputs"), (pad, written)


def test_an_honest_call_with_a_small_object_is_not_flagged() -> None:
    layer = Layer(torch.ones(4), 10)
    written: list[str] = []
    out = watch_writes(lambda obj: obj.w * 2, written, {}, name="Layer.scale")(layer)
    assert written == [] and torch.equal(out, torch.full((4,), 2.0))
    assert _section_changes({"inputs_written": written}, {"inputs_written": [], "paths_seen": ["a0.w"]}) is None
