"""Red team and honest tester round 9, kernels family (issue 14): each finding's class, with the
honest answers it cost asserted to pass and the dishonest answers of the same shape asserted not to.

Honest F3 (TritonBench-T): ``def softmax_stats(input, dim: int = -1)`` normalised ``dim % input.dim()``
and moved it last with ``movedim``: size arithmetic, rejected as ``torch_compute`` because the
default ``-1`` is a unary minus, not a number constant, so ``dim`` was typed as a possible tensor;
and the entry function's parameters the reference annotates ``int`` were not read as sizes (only
``forward``'s were). Now a signed number default is a scalar option, and the reference entry's
``int``/``float``/``bool`` parameters are sizes (``static.check.scalar_positions(function=...)``).

Honest F5 (KernelBench on the CPU): a correct ``tl.dot`` GEMM took 39 s a call in the interpreter on
the loaded machine and was scored ``timeout`` at the default 60 s. KernelBench, TritonBench-T and
TritonBench-G now get the 300 s CPU floor kernels-core and kernels-hard have (``cpu_min_wall_s``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import harness.families.kernels.evaluate as kernel_evaluate
from benchmarks.kernelbench import KernelBenchSuite
from benchmarks.tritonbench import TritonBenchGSuite, TritonBenchTSuite, random_eval
from harness.families.kernels.evaluate import _static_stage
from harness.families.kernels.static.check import analyze, scalar_positions
from harness.sandbox.base import Limits
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Candidate
from tests.kernels.helpers import KERNELBENCH, TRITONBENCH

_REFERENCE = '''import torch


def softmax_stats(input: torch.Tensor, dim: int = -1):
    m, idx = torch.max(input, dim=dim)
    return torch.softmax(input, dim=dim), m, idx
'''
_TEST = '''import torch

def test_softmax_stats():
    results = {}
    x = torch.randn(4, 33, device='cuda')
    results["test_case_1"] = softmax_stats(x)
    results["test_case_2"] = softmax_stats(x.t().contiguous(), dim=0)
    return results

test_results = test_softmax_stats()
'''
_ANSWER = '''import torch
import triton
import triton.language as tl


@triton.jit
def stats_kernel(x_ptr, sm_ptr, max_ptr, idx_ptr, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=mask, other=float("-inf"))
    m = tl.max(x, axis=0)
    first = tl.min(tl.where((x == m) & mask, cols, BLOCK), axis=0)
    e = tl.where(mask, tl.exp(x - m), 0.0)
    tl.store(sm_ptr + row * n_cols + cols, e / tl.sum(e, axis=0), mask=mask)
    tl.store(max_ptr + row, m)
    tl.store(idx_ptr + row, first.to(tl.int64))


def softmax_stats(input: torch.Tensor, DIM_PARAM):
    d = dim % input.dim()
    x = input.movedim(d, -1).contiguous()
    n_cols = x.shape[-1]
    rows = x.numel() // n_cols
    x2 = x.view(rows, n_cols)
    sm = torch.empty_like(x2)
    mx = torch.empty((rows,), dtype=input.dtype, device=input.device)
    idx = torch.empty((rows,), dtype=torch.int64, device=input.device)
    stats_kernel[(rows,)](x2, sm, mx, idx, n_cols, BLOCK=triton.next_power_of_2(n_cols))
    return sm.view(x.shape).movedim(-1, d), mx.view(x.shape[:-1]), idx.view(x.shape[:-1])
'''


def _rules(code: str, scalars: frozenset[int] = frozenset()) -> set[str]:
    return {v.rule for v in analyze(code, "triton", entry="softmax_stats", kind="function", scalars=scalars)[0]}


class TestSignedDefaultsAndAnnotatedScalars:
    """F3: a signed number default and a reference-annotated ``int`` are sizes; tensors stay tensors."""

    def test_a_negative_default_is_a_scalar_option(self) -> None:
        assert _rules(_ANSWER.replace("DIM_PARAM", "dim: int = -1")) == set()
        assert _rules(_ANSWER.replace("DIM_PARAM", "dim=-1")) == set()

    def test_the_references_int_annotation_makes_a_size(self) -> None:
        scalars = scalar_positions(_REFERENCE, function="softmax_stats")
        assert scalars == frozenset({1})
        answer = _ANSWER.replace("DIM_PARAM", "dim")
        assert _rules(answer, scalars) == set()
        assert "torch_compute" in _rules(answer)  # without the reference's word it may be a tensor

    def test_a_size_still_cannot_read_or_compute_tensor_values(self) -> None:
        scalars = scalar_positions(_REFERENCE, function="softmax_stats")
        summed = _ANSWER.replace("DIM_PARAM", "dim: int = -1").replace(
            "    d = dim % input.dim()\n", "    d = dim % input.dim()\n    input = input.softmax(d)\n")
        assert "torch_compute" in _rules(summed, scalars)
        other = _ANSWER.replace("DIM_PARAM", "dim: int = -1, scale=None").replace(
            "    d = dim % input.dim()\n", "    d = dim % input.dim()\n    input = input * scale\n")
        assert "torch_compute" in _rules(other, scalars)  # an unannotated parameter is not a size

    def test_the_evaluators_static_stage_reads_the_reference(self, tmp_path: Path) -> None:
        folder = tmp_path / "data" / "TritonBench_T_v1"
        folder.mkdir(parents=True)
        (folder / "softmax_stats.py").write_text(_REFERENCE + "\n" + "#" * 146 + "\n" + _TEST)
        suite = TritonBenchTSuite(SuiteOptions(data=str(tmp_path), lang="triton"))
        (problem,) = list(suite.problems())
        kp = suite.kernel_problem(problem)
        stages: dict[str, Any] = {}
        early, kernels, _ = _static_stage(kp, _ANSWER.replace("DIM_PARAM", "dim"), "triton", stages)
        assert early is None and kernels == ["stats_kernel"], stages
        early, _, _ = _static_stage(kp, _ANSWER.replace("DIM_PARAM", "dim").replace("input.dim()", "int(input.sum())"),
                                    "triton", {})
        assert early is not None and early["status"] == "rejected", early


class _Captured(Exception):
    """Raised where the sample's time limit is read (nothing runs)."""


def _captured(suite: Any, wall: float, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              pid: str | None = None) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def capture(*args: Any, **kw: Any) -> Any:
        seen.update(kw)
        seen.setdefault("timeout_s", args[-1] if args else None)
        raise _Captured

    monkeypatch.setattr(kernel_evaluate, "evaluate_kernel", capture)
    monkeypatch.setattr(random_eval, "_cached_reference_runs", capture)
    problem = next(p for p in suite.problems() if pid is None or p.id == pid)
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, limits=Limits(wall_s=wall))
    with pytest.raises(_Captured):
        suite.evaluate(problem, Candidate(code="x"), ctx)
    return seen


class TestCpuTimeFloor:
    """F5: on the CPU every kernel suite's sample gets at least 300 s; on a GPU --timeout holds."""

    @pytest.mark.parametrize("make, pid", [
        (lambda: KernelBenchSuite(SuiteOptions(data=str(KERNELBENCH), lang="triton")), None),
        (lambda: TritonBenchTSuite(SuiteOptions(data=str(TRITONBENCH), lang="triton")), "scaled_add")],
        ids=["kernelbench", "tbt"])
    def test_the_floor_reaches_the_sample(self, make: Any, pid: str | None, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
        suite = make()
        seen = _captured(suite, 60.0, tmp_path, monkeypatch, pid)
        expected = 60.0 if suite.gpu else 300.0
        assert seen["timeout_s"] == expected and seen["runner"].limits.wall_s == expected

    def test_the_floor_reaches_a_random_operators_runs(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """TritonBench-T's random operators are judged by their own path (``random_eval``)."""
        suite = TritonBenchTSuite(SuiteOptions(data=str(TRITONBENCH), lang="triton"))
        seen = _captured(suite, 60.0, tmp_path, monkeypatch, "dropout_scale")
        assert seen["timeout_s"] == (120.0 if suite.gpu else 300.0)

    def test_a_longer_timeout_is_kept(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        suite = KernelBenchSuite(SuiteOptions(data=str(KERNELBENCH), lang="triton"))
        assert _captured(suite, 900.0, tmp_path, monkeypatch)["timeout_s"] == 900.0

    def test_every_kernel_suite_has_the_floor(self) -> None:
        assert KernelBenchSuite.cpu_min_wall_s == TritonBenchTSuite.cpu_min_wall_s == \
            TritonBenchGSuite.cpu_min_wall_s == 300.0
