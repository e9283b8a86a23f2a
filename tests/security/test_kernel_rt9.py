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


def _rules(code: str, scalars: frozenset[int | str] = frozenset()) -> set[str]:
    return {v.rule for v in analyze(code, "triton", entry="softmax_stats", kind="function", scalars=scalars)[0]}


class TestSignedDefaultsAndAnnotatedScalars:
    """F3: a signed number default and a reference-annotated ``int`` are sizes; tensors stay tensors."""

    def test_a_negative_default_is_a_scalar_option(self) -> None:
        assert _rules(_ANSWER.replace("DIM_PARAM", "dim: int = -1")) == set()
        assert _rules(_ANSWER.replace("DIM_PARAM", "dim=-1")) == set()

    def test_the_references_int_annotation_makes_a_size(self) -> None:
        scalars = scalar_positions(_REFERENCE, function="softmax_stats")
        # its position, and its name (keyword-only answers); "*name" marks the reference's parameters
        assert {s for s in scalars if not str(s).startswith("*")} == {1, "dim"}
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


_CUDA = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <vector>
{head}
__global__ void {bounds_before}scale_kernel(const float* __restrict__ x, float* __restrict__ y, long long n) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = 2.0f * x[i];
}}

torch::Tensor scale_forward(torch::Tensor x) {{
    auto xc = x.contiguous();
    long long n = xc.numel();
{body}
    return y;
}}
"""

ext = load_inline(name="kc_scale_rt9", cpp_sources="torch::Tensor scale_forward(torch::Tensor x);",
                  cuda_sources=cuda_source, functions=["scale_forward"], verbose=False{flags})


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return ext.scale_forward(x)
'''
_LAUNCH = "    scale_kernel<<<(unsigned)((n + 255) / 256), 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);\n"


def _cuda(body: str, head: str = "", flags: str = "", bounds_before: str = "") -> str:
    return _CUDA.format(head=head, body=body, flags=flags, bounds_before=bounds_before)


def _cuda_rules(code: str) -> dict[str, str]:
    from harness.families.kernels.static.check import check_static

    return {v.rule: v.detail for v in check_static(code, "cuda")}


class TestHonestCudaHostIdioms:
    """Honest round 9 F6-F9 and a kernel declared ``__global__ void __launch_bounds__(B) k(...)``
    (found running the tester's CUDA answers): stock idioms the CUDA checks rejected."""

    HONEST = {
        "f6_opmath_type": _cuda("    auto y = torch::empty_like(xc);\n" + _LAUNCH,
                                head="#include <ATen/OpMathType.h>\ntemplate <class T> __global__ void acc_k(const T* x, "
                                     "float* o) { using acc_t = at::opmath_type<T>; acc_t s = 0; s += x[0]; o[0] = s; }"),
        "f7_shape_from_a_vector": _cuda("    std::vector<int64_t> shape = xc.sizes().vec();\n"
                                        "    torch::Tensor y = torch::empty(shape, xc.options());\n" + _LAUNCH),
        "f8_architecture_flag": _cuda("    auto y = torch::empty_like(xc);\n" + _LAUNCH,
                                      flags=', extra_cuda_cflags=["-O3", "-arch=sm_90"]'),
        "f8_gencode_flag": _cuda("    auto y = torch::empty_like(xc);\n" + _LAUNCH,
                                 flags=', extra_cuda_cflags=["-gencode=arch=compute_90,code=sm_90"]'),
        "f9_device_of_guard": _cuda("    const at::cuda::OptionalCUDAGuard guard(device_of(xc));\n"
                                    "    auto y = torch::empty_like(xc);\n" + _LAUNCH,
                                    head="#include <c10/cuda/CUDAGuard.h>"),
        "launch_bounds_after_the_return_type": _cuda(
            "    auto y = torch::empty_like(xc);\n" + _LAUNCH.replace("scale_kernel<<<", "scale_kernel<256><<<"),
            bounds_before="__launch_bounds__(B) ").replace("__global__ void", "template <int B> __global__ void", 1),
    }
    ATTACKS = {  # the same shapes, dishonest: each must stay rejected with its rule
        "host_vector_data_to_the_kernel": (_cuda(
            "    std::vector<float> h(n);\n    torch::Tensor y = torch::empty({n}, xc.options());\n"
            "    scale_kernel<<<1, 256>>>(xc.data_ptr<float>(), h.data(), n);\n"), "cuda_host_copy"),
        "another_architecture": (_cuda("    auto y = torch::empty_like(xc);\n" + _LAUNCH,
                                       flags=', extra_cuda_cflags=["-arch=sm_80"]'), "cuda_build"),
        "native_architecture": (_cuda("    auto y = torch::empty_like(xc);\n" + _LAUNCH,
                                      flags=', extra_cuda_cflags=["-arch=native"]'), "cuda_build"),
        "launch_bounds_kernel_named_as_a_value": (_cuda(
            "    auto y = torch::empty_like(xc);\n    auto f = scale_kernel<256>; (void)f;\n" + _LAUNCH.replace(
                "scale_kernel<<<", "scale_kernel<256><<<"), bounds_before="__launch_bounds__(B) ").replace(
            "__global__ void", "template <int B> __global__ void", 1), "cuda_host_indirect"),
    }

    @pytest.mark.parametrize("name", sorted(HONEST))
    def test_accepted(self, name: str) -> None:
        assert _cuda_rules(self.HONEST[name]) == {}, name

    @pytest.mark.parametrize("name", sorted(ATTACKS))
    def test_rejected(self, name: str) -> None:
        code, rule = self.ATTACKS[name]
        assert rule in _cuda_rules(code), name

    def test_the_prompt_names_the_architecture_flag(self) -> None:
        from harness.families.kernels.prompt import CUDA_NOTES

        assert "-arch=sm_90" in CUDA_NOTES
