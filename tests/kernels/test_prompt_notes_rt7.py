"""Honest-answer round 7 (#14): the kernels prompt's F1 note and F2 CUDA rules.

F1: under TRITON_INTERPRET=1 the loop variable of ``range(...)`` is a Python int, so
``start.to(tl.int64)`` (valid compiled Triton) raised and cost long_row_softmax its pass. The
Triton notes now say so and give the form that works in both (``tl.cast``); the claim is checked
against the installed Triton's interpreter, and long_row_softmax written that way passes.

F2: every ``--lang cuda`` prompt carried the Triton rules ("Kernel bodies use only
triton.language", imports of triton, autotune configs, triton.cdiv). CUDA prompts now get
:data:`CUDA_RULES`, which state what the checks apply to CUDA answers; Triton prompts keep
:data:`RULES`.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.kernels_hard import PROBLEMS_DIR as HARD
from benchmarks.kernels_hard import load_hard_problem
from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.prompt import CUDA_RULES, RULES, build_prompt
from harness.families.kernels.static.check import analyze
from tests.kernels.helpers import PROBLEMS, shared_runner

REF = (PROBLEMS / "softmax_row" / "reference.py").read_text()

# ------------------------------------------------------------------ F2: CUDA rules

#: rules that hold only for Triton answers: none may appear in a CUDA prompt
TRITON_ONLY = ("Kernel bodies use only triton.language (tl.*)", "Imports are limited to torch, triton, math and typing",
               "launch-grid", "autotune", "triton.cdiv", "@triton.jit")


def test_cuda_prompt_has_no_triton_rule() -> None:
    prompt = build_prompt(REF, "cuda")
    assert CUDA_RULES in prompt and RULES not in prompt
    assert [r for r in TRITON_ONLY if r in prompt] == []
    assert "triton" not in prompt.lower()
    for words in ("Kernel bodies are CUDA C++", "C++ host functions of your sources", "@staticmethod",
                  "load_inline from torch.utils.cpp_extension"):
        assert words in " ".join(prompt.split())


def test_triton_prompt_keeps_the_triton_rules() -> None:
    prompt = build_prompt(REF, "triton")
    assert RULES in prompt and CUDA_RULES not in prompt
    assert [r for r in TRITON_ONLY if r not in " ".join(prompt.split())] == []


_CUDA = '''import math
from typing import Tuple

import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <torch/extension.h>
__global__ void relu_kernel(const float* x, float* y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

torch::Tensor relu_forward(torch::Tensor x, int64_t threads) {
    TORCH_CHECK(x.is_contiguous(), "x must be contiguous");
    auto y = torch::empty_like(x);
    long long n = x.numel();
    relu_kernel<<<(unsigned)((n + threads - 1) / threads), (unsigned)threads>>>(x.data_ptr<float>(), y.data_ptr<float>(), n);
    return y;
}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x, int64_t threads);"

relu_ext = load_inline(name="relu_rules_rt7", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    DECORATOR
        return min(1024, max(32, 1 << math.ceil(math.log2(max(n, 1)))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        return relu_ext.relu_forward(x, self._threads(x.numel()))
'''


@pytest.mark.parametrize("decorator,accepted", [
    ("@staticmethod\n    def _threads(n: int) -> int:", True),
    ("def _threads(self, n: int) -> int:", True),
    ("@classmethod\n    def _threads(cls, n: int) -> int:", False),
])
def test_cuda_rules_on_helpers_match_the_checks(decorator: str, accepted: bool) -> None:
    """What CUDA_RULES says of imports (torch.utils.cpp_extension, math, typing) and helpers
    (@staticmethod yes, @classmethod no), as the static checks decide it."""
    violations, _, _ = analyze(_CUDA.replace("DECORATOR", decorator), "cuda")
    assert (not violations) is accepted, violations


# ------------------------------------------------------------------ F1: range loop variables

_LOOPVAR = '''
import triton
import triton.language as tl


@triton.jit
def loopvar(x_ptr, o_ptr, N, BLOCK: tl.constexpr, CAST: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    for start in range(0, N, BLOCK):
        if CAST:
            base = tl.cast(start, tl.int64)
        else:
            base = start.to(tl.int64)
        m = (base + offs) < N
        tl.store(o_ptr + base + offs, tl.load(x_ptr + base + offs, mask=m) + 1.0, mask=m)
    for i in range(3):
        if CAST:
            w = tl.cast(1 << i, tl.uint32)
        else:
            w = (1 << i).to(tl.uint32)
        tl.store(o_ptr + N + i, w.to(tl.float32))
'''


@pytest.mark.slow
def test_the_range_loop_variable_note_holds_for_the_installed_interpreter(tmp_path: Path) -> None:
    text = " ".join(build_prompt(REF, "triton").split())
    assert "the loop variable of range(...) is a Python int there" in text
    assert "write tl.cast(start, tl.int64), not start.to(tl.int64)" in text
    assert "range(...) is a Python int" not in " ".join(build_prompt(REF, "cuda").split())
    (tmp_path / "loopvar_kernels.py").write_text(_LOOPVAR)
    driver = '''
import torch
import loopvar_kernels as k
for cast in (False, True):
    x = torch.zeros(20); o = torch.zeros(23)
    try:
        k.loopvar[(1,)](x, o, 20, BLOCK=8, CAST=cast)
        print("ok" if o.tolist() == [1.0] * 20 + [1.0, 2.0, 4.0] else "wrong")
    except Exception:
        print("error")
'''
    proc = subprocess.run([sys.executable, "-c", driver], cwd=tmp_path, env={**os.environ, "TRITON_INTERPRET": "1"},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["error", "ok"], proc.stdout


#: the tester's long_row_softmax answer (replay kh3), with the loop variable cast as the note says
LONG_ROW_SOFTMAX = """import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def _online_update(m_old, d_old, x):
    # merge a block into the running (max, sum-of-exp) pair; -inf safe
    m_blk = tl.max(x, axis=0)
    m_new = tl.maximum(m_old, m_blk)
    m_safe = tl.where(m_new == float("-inf"), 0.0, m_new)
    d_new = d_old * tl.exp(m_old - m_safe) + tl.sum(tl.exp(x - m_safe), axis=0)
    return m_new, d_new


@triton.jit
def lse_kernel(x_ptr, lse_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    base = x_ptr + row.to(tl.int64) * stride
    m = tl.full((), float("-inf"), tl.float32)
    d = tl.zeros((), tl.float32)
    for start in range(0, N, BLOCK):
        offs = tl.cast(start, tl.int64) + tl.arange(0, BLOCK)   # 64-bit offsets for very long rows
        x = tl.load(base + offs, mask=offs < N, other=float("-inf"))
        m, d = _online_update(m, d, x)
    lse = tl.where(m == float("-inf"), float("-inf"), m + tl.log(d))
    tl.store(lse_ptr + row, lse)


@triton.jit
def probs_kernel(x_ptr, lse_ptr, p_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    col_blk = tl.program_id(1)
    lse = tl.load(lse_ptr + row)
    dead = lse == float("-inf")
    lse_safe = tl.where(dead, 0.0, lse)
    offs = col_blk * BLOCK + tl.arange(0, BLOCK)
    msk = offs < N
    x = tl.load(x_ptr + row.to(tl.int64) * stride + offs, mask=msk, other=float("-inf"))
    p = tl.exp(x - lse_safe)
    p = tl.where(dead, 0.0, p)
    tl.store(p_ptr + row.to(tl.int64) * stride + offs, p, mask=msk)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor):
        x = x.contiguous()
        M, N = x.shape
        probs = torch.empty_like(x)
        lse = torch.empty((M,), device=x.device, dtype=torch.float32)
        BLOCK = 4096 if N >= 4096 else max(16, triton.next_power_of_2(N))
        lse_kernel[(M,)](x, lse, N, x.stride(0), BLOCK=BLOCK, num_warps=8)
        probs_kernel[(M, triton.cdiv(N, BLOCK))](x, lse, probs, N, x.stride(0), BLOCK=BLOCK, num_warps=4)
        return probs, lse
"""


@pytest.mark.slow
def test_long_row_softmax_written_as_the_note_says_passes(tmp_path: Path) -> None:
    runner = shared_runner()  # one sandbox and fork servers per test process
    r = evaluate_kernel(load_hard_problem(HARD / "long_row_softmax"), LONG_ROW_SOFTMAX, "triton", tmp_path / "w",
                        gpu=False, timeout_s=300.0, runner=runner, seeds=1, ref_cache=tmp_path / "refs")
    assert r["status"] == "pass", (r["status"], r["reason"])
