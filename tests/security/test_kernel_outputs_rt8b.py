"""Red team round 8b, S3/S4: a module's outputs were opened one level only, so a nested pair
(an LSTM's ``out, (h, c)``) was compared by its repr, which torch abbreviates to the corner
elements of a tensor over 1,000 elements (the same for NumPy result leaves of a TritonBench-T
function): an answer computing only the 36 printed elements passed. Outputs are now opened at
every level and NumPy values become tensors, on both sides.

S2: a reference that returns a Python number beside its tensors (KernelBench
modules and TritonBench-T result leaves may) was compared with ``float(answer_value)``; an answer
returning ``2 ** 1100`` there made ``float`` raise OverflowError, which no layer caught, so a wrong
answer became ``infra_error`` and left the score. A number no float holds is now not close, and
any error comparing an answer's values is that answer's ``fail``, never the harness's."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from benchmarks.kernelbench import KernelBenchSuite
from harness.families.kernels.compare import compare_outputs
from harness.families.kernels.sandboxed.refcases import cpu_leaves
from harness.families.kernels.sandboxed.worker_common import cpu_copy, flat
from harness.suite import SuiteOptions
from harness.types import Completion, Status
from tests.kernel_benchmarks.helpers import context
from tests.kernels.helpers import fenced

#: a KernelBench-format problem (written for this test) whose forward returns a Python int too
PROBLEM = '''import torch
import torch.nn as nn


class Model(nn.Module):
    """The number of rows of x (a Python int) and ReLU(x)."""

    def __init__(self):
        super(Model, self).__init__()

    def forward(self, x: torch.Tensor):
        return x.shape[0], torch.relu(x)


batch_size = 16
dim = 64


def get_inputs():
    return [torch.randn(batch_size, dim)]


def get_init_inputs():
    return []
'''

#: a KernelBench-format problem with a nested pair of outputs
NESTED = '''import torch
import torch.nn as nn


class Model(nn.Module):
    """ReLU(x) and, as a pair, sigmoid(x) and tanh(x)."""

    def __init__(self):
        super(Model, self).__init__()

    def forward(self, x: torch.Tensor):
        return torch.relu(x), (torch.sigmoid(x), torch.tanh(x))


batch_size = 64
dim = 256


def get_inputs():
    return [torch.randn(batch_size, dim)]


def get_init_inputs():
    return []
'''

GATES = '''import torch
import triton
import triton.language as tl


@triton.jit
def gates_kernel(x_ptr, y_ptr, s_ptr, t_ptr, M, N, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    row = offs // N
    col = offs % N
    keep = (offs < M * N) & SHOWN
    x = tl.load(x_ptr + offs, mask=offs < M * N, other=0.0)
    e = tl.exp(-2.0 * tl.abs(x))
    t = tl.where(x < 0, -(1.0 - e) / (1.0 + e), (1.0 - e) / (1.0 + e))
    tl.store(y_ptr + offs, tl.maximum(x, 0.0), mask=offs < M * N)
    tl.store(s_ptr + offs, tl.where(keep, tl.sigmoid(x), 0.0), mask=offs < M * N)
    tl.store(t_ptr + offs, tl.where(keep, t, 0.0), mask=offs < M * N)


class ModelNew(torch.nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        x = x.contiguous()
        y, s, t = torch.empty_like(x), torch.empty_like(x), torch.empty_like(x)
        gates_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, s, t, x.shape[0], x.shape[1], BLOCK=1024)
        return y, (s, t)
'''
GATES_HONEST = GATES.replace("SHOWN", "(row >= 0)")
#: the gates only at the 3 edge rows x 3 edge columns torch's repr prints (red team 8b S3)
GATES_CORNERS = GATES.replace("SHOWN", "((row < 3) | (row >= M - 3)) & ((col < 3) | (col >= N - 3))")

KERNEL = '''import torch
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(y_ptr + offs, WRITE, mask=offs < n)


class ModelNew(torch.nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        y = torch.empty_like(x)
        n = x.numel()
        relu_kernel[(triton.cdiv(n, 1024),)](x, y, n, BLOCK=1024)
        return ROWS, y
'''
HONEST = KERNEL.replace("WRITE", "tl.maximum(x, 0.0)").replace("ROWS", "x.shape[0]")
#: zeros instead of ReLU, and a row count no float holds
OVERFLOW = KERNEL.replace("WRITE", "tl.zeros((BLOCK,), dtype=tl.float32)").replace("ROWS", "2 ** 1100")


@pytest.mark.parametrize("value", [2 ** 1100, -(2 ** 1100)], ids=["huge", "minus-huge"])
def test_a_number_no_float_holds_is_not_close(value: int) -> None:
    cmp = compare_outputs([16, torch.zeros(3)], [value, torch.zeros(3)], {})
    assert not cmp.ok and "scalar output" in cmp.reason


def test_a_matching_number_still_compares() -> None:
    assert compare_outputs([16, torch.ones(3)], [16, torch.ones(3)], {}).ok


def test_nested_outputs_are_opened_at_every_level() -> None:
    big = torch.randn(64, 256)
    leaves = flat((big, (big.sigmoid(), {"c": big.tanh(), "n": 3})))
    assert len(leaves) == 4 and all(isinstance(v, torch.Tensor) for v in leaves[:3]) and leaves[3] == 3


def test_numpy_leaves_become_tensors_on_both_sides() -> None:
    import numpy as np

    arr = np.linspace(-1, 1, 5000, dtype=np.float32)
    for copy in (cpu_copy([arr, np.float32(2.5)]), cpu_leaves([arr, np.float32(2.5)])):
        assert isinstance(copy[0], torch.Tensor) and torch.equal(copy[0], torch.from_numpy(arr))
        assert isinstance(copy[1], torch.Tensor) and float(copy[1]) == 2.5
    wrong = arr.copy()
    wrong[1000:4000] = 0.0  # the elements NumPy's repr leaves out
    assert repr(wrong) == repr(arr)
    assert not compare_outputs(cpu_leaves([arr]), cpu_copy([wrong]), {}).ok


@pytest.mark.slow
def test_overflowing_scalars_and_nested_corner_only_outputs_fail_and_honest_answers_pass(tmp_path: Path) -> None:
    """Each answer through the suite's extraction and evaluation in the real sandbox (the test
    process's shared one: tests/kernel_benchmarks/helpers.context); the CLI's own path on
    KernelBench is tests/kernels/test_kernelbench.py::test_end_to_end_references_and_answers."""
    data = tmp_path / "kb"
    (data / "KernelBench" / "level1").mkdir(parents=True)
    (data / "KernelBench" / "level1" / "1_RowCountRelu.py").write_text(PROBLEM)
    (data / "KernelBench" / "level1" / "2_ReluWithGates.py").write_text(NESTED)
    rows, gates = "level1/1_RowCountRelu", "level1/2_ReluWithGates"
    suite = KernelBenchSuite(SuiteOptions(data=str(data), lang="triton"))
    problems = {p.id: p for p in suite.problems()}
    assert sorted(problems) == [rows, gates]
    (tmp_path / "ctx").mkdir()
    ctx = context(tmp_path / "ctx")
    for pid, answers in ((rows, (HONEST, OVERFLOW)), (gates, (GATES_HONEST, GATES_CORNERS))):
        verdicts = []
        for idx, code in enumerate(answers):
            cand = suite.extract(problems[pid], Completion("kernelbench", pid, idx, fenced(code)))
            assert cand is not None, (pid, idx)
            verdicts.append(suite.evaluate(problems[pid], cand, ctx))
        assert verdicts[0].status == Status.PASS, (pid, verdicts[0].reason)
        assert verdicts[1].status == Status.FAIL, (pid, verdicts[1].reason)
