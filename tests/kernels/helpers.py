"""Paths and small helpers shared by the kernels tests."""
from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.families.kernels.runner import Runner
    from harness.sandbox.base import Sandbox

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = REPO / "benchmarks" / "kernels_core" / "problems"
PROBLEM_IDS = sorted(p.name for p in PROBLEMS.iterdir() if (p / "meta.toml").is_file())
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KERNELBENCH = FIXTURES / "kernelbench"
TRITONBENCH = FIXTURES / "tritonbench"
ANSWERS = FIXTURES / "answers"

# A legitimate answer that avoids the heavy torch headers (no_implicit_headers), so that a real
# nvcc + g++ build takes seconds: the kernel takes raw device addresses from Python (as integers, made
# pointers in device code: host code never turns an integer into a pointer, rule cuda_host_indirect).
LIGHT_CUDA_RELU = '''
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_src = r"""
#include <cuda_runtime.h>
__global__ void relu_kernel(long long xp, long long yp, long long n) {
    const float* x = (const float*)xp;
    float* y = (float*)yp;
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
void relu_launch(long long x, long long y, long long n) {
    relu_kernel<<<(unsigned)((n + 255) / 256), 256>>>(x, y, n);
}
"""
cpp_src = r"""
#include <pybind11/pybind11.h>
void relu_launch(long long x, long long y, long long n);
PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) { m.def("relu_launch", &relu_launch); }
"""
ext = load_inline(name="light_relu", cpp_sources=cpp_src, cuda_sources=cuda_src, no_implicit_headers=True)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        x = x.contiguous()
        y = torch.empty_like(x)
        ext.relu_launch(x.data_ptr(), y.data_ptr(), x.numel())
        return y
'''


def golden(problem: str, lang: str) -> str:
    return (PROBLEMS / problem / f"solution_{lang}.py").read_text()


def rule_of(result: dict) -> str:
    """The rule named by a ``rejected`` reason (``"<rule>: detail"``)."""
    return str(result["reason"]).split(":", 1)[0]


def bwrap_usable() -> bool:
    return shutil.which("bwrap") is not None


@functools.cache
def shared_sandbox() -> Sandbox:
    """The bubblewrap sandbox this test process evaluates kernel answers in (closed at exit).

    Its warm workers fork each worker and checker process from fork servers that imported torch
    and triton once (about 7 CPU-s for the two servers of a configuration): one sandbox for every
    kernels test file of a process, as one run's sandbox serves all its samples, instead of a
    sandbox, and servers, per file. Each job is still swept and isolated as in any run."""
    from harness.sandbox.local import BubblewrapSandbox

    return BubblewrapSandbox()


def shared_runner() -> Runner:
    """A CPU runner on :func:`shared_sandbox` (the plain runner where bubblewrap is missing)."""
    from harness.families.kernels.runner import plain_runner, sandbox_runner
    from harness.sandbox.base import Limits

    return sandbox_runner(shared_sandbox(), Limits(), gpu=False) if bwrap_usable() else plain_runner()


def fenced(code: str) -> str:
    return f"Here it is.\n\n```python\n{code}```\n"


def write_replay(path: Path, suite: str, answers: dict[str, str] | dict[str, list[str]]) -> Path:
    """A replay file answering each problem id with the given code (one sample each), or with a
    list of codes (samples 0, 1, ...)."""
    with path.open("w") as fh:
        for pid, codes in answers.items():
            for idx, code in enumerate([codes] if isinstance(codes, str) else codes):
                fh.write(json.dumps({"suite": suite, "problem_id": pid, "sample_idx": idx,
                                     "completion": fenced(code)}) + "\n")
    return path


def executions(run_dir: Path) -> dict[tuple[str, int], dict]:
    rows = [json.loads(line) for line in (run_dir / "executions.jsonl").read_text().splitlines() if line.strip()]
    return {(r["problem_id"], r["sample_idx"]): r for r in rows}
