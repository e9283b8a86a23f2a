"""Red team 13 K5 (GPU-only, not demonstrated): a kernel that counts its calls in a device buffer
computes honestly in the check phase (fewer calls) and skips its work once the perf phase has made
more calls; the timing never looked at an output. Now the outputs of two timed calls (one drawn with
``secrets``, and the last) are compared with the reference's for the perf inputs, and every call's
outputs are filled with garbage after it (red team 15: the checked calls are told from the others by
nothing inside the call) (``sandboxed.perfcalls``, ``perfcheck``: ``perf_output_mismatch``,
status fail).

The perf phase itself times on a GPU (``timing.time_cuda`` needs CUDA): here the checked calls run
through the same call sequence on the CPU (warm-up, then the timed calls), and the comparison is the
harness's own; the GPU run of the whole phase is not tested on this machine."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from harness.families.kernels.perfcheck import perf_output_problem
from harness.families.kernels.problem import load_problem
from harness.families.kernels.sandboxed.hooks import LaunchCounter
from harness.families.kernels.sandboxed.perfcalls import CheckedCalls
from tests.kernels.helpers import PROBLEMS

WARMUP, TIMED = 10, 150


class _Relu:
    """relu into a fresh ``torch.empty`` output; after ``limit`` calls it writes nothing (the
    counter a kernel would keep in a device buffer)."""

    def __init__(self, limit: int | None = None) -> None:
        self.calls, self.limit = 0, limit

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        out = torch.empty_like(x)
        if self.limit is None or self.calls <= self.limit:
            out.copy_(x.clamp_min(0))  # stands for the kernel's work
        return out


def _perf_run(model: Any, x: torch.Tensor, tmp_path: Path) -> Path:
    """The perf phase's call sequence through the checked calls; the saved record."""
    calls = CheckedCalls(model, LaunchCounter(), warmup=WARMUP, timed=TIMED)
    for _ in range(WARMUP + TIMED):
        calls(x)
        calls.after()  # time_cuda's after_any: outside the timed events
    assert len(calls.chosen) <= 2 and WARMUP + TIMED - 1 in calls.chosen
    assert all(WARMUP <= i < WARMUP + TIMED for i in calls.chosen)
    path = tmp_path / "perf_out.pt"
    torch.save(calls.record(), path)
    return path


def _case(tmp_path: Path, x: torch.Tensor) -> tuple[Any, dict[str, Any], Path]:
    ref = tmp_path / "ref.pt"
    torch.save({"outputs": [x.clamp_min(0)], "keys": ["0"]}, ref)
    return load_problem(PROBLEMS / "relu"), {"id": "large/normal/seed0", "config": "large", "dist": "normal"}, ref


def test_an_honest_model_passes_and_one_that_stops_working_once_timed_does_not(tmp_path: Path) -> None:
    x = torch.randn(4096)
    problem, case, ref = _case(tmp_path, x)
    assert perf_output_problem(problem, case, ref, _perf_run(_Relu(), x, tmp_path)) == ""
    # the check phase's few calls are right; from call 12 on nothing is written: the reused block of the
    # previous call would still hold the right values, the garbage fill does not
    why = perf_output_problem(problem, case, ref, _perf_run(_Relu(limit=12), x, tmp_path))
    assert why.startswith("perf_output_mismatch: timed call ") and "wrong result" in why, why


def test_missing_or_short_records_fail(tmp_path: Path) -> None:
    x = torch.randn(64)
    problem, case, ref = _case(tmp_path, x)
    assert perf_output_problem(problem, case, ref, tmp_path / "absent.pt").startswith("perf_output_mismatch: ")
    short = tmp_path / "short.pt"
    torch.save({"calls": [159], "outputs": [[x.clamp_min(0)]]}, short)
    assert "1 checked timed calls" in perf_output_problem(problem, case, ref, short)


class _Detector:
    """Red team 15: the whole work only where a call looks checked (a guarded output view,
    ``storage_offset() > 0``, or a NaN-filled ``torch.empty``), a quarter of it otherwise."""

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.empty_like(x)
        probe = torch.empty(64)
        checked = out.storage_offset() > 0 or bool(probe.isnan().all())
        n = x.numel() if checked else x.numel() // 4
        out[:n] = x[:n].clamp_min(0)  # stands for the kernel's work
        out[n:] = 0
        return out


class _Aliasing:
    """An output that is a view of the input (a reshape): never filled, so later calls stay right."""

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(-1)


def test_a_model_that_detects_the_checked_calls_is_caught(tmp_path: Path) -> None:
    x = torch.randn(4096)
    problem, case, ref = _case(tmp_path, x)
    why = perf_output_problem(problem, case, ref, _perf_run(_Detector(), x, tmp_path))
    assert why.startswith("perf_output_mismatch: timed call ") and "wrong result" in why, why


def test_an_output_that_views_the_input_is_not_filled(tmp_path: Path) -> None:
    x = torch.randn(4096).clamp_min(0)
    problem, case, ref = _case(tmp_path, x)
    before = x.clone()
    assert perf_output_problem(problem, case, ref, _perf_run(_Aliasing(), x, tmp_path)) == ""
    assert torch.equal(x, before)
