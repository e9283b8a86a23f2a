"""Red team round 8b, S2: a reference that returns a Python number beside its tensors (KernelBench
modules and TritonBench-T result leaves may) was compared with ``float(answer_value)``; an answer
returning ``2 ** 1100`` there made ``float`` raise OverflowError, which no layer caught, so a wrong
answer became ``infra_error`` and left the score. A number no float holds is now not close, and
any error comparing an answer's values is that answer's ``fail``, never the harness's."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from harness.families.kernels.compare import compare_outputs
from tests.helpers import hweval
from tests.kernels.helpers import executions, write_replay

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


@pytest.mark.slow
def test_an_overflowing_scalar_fails_and_an_honest_answer_passes(tmp_path: Path) -> None:
    data = tmp_path / "kb"
    (data / "KernelBench" / "level1").mkdir(parents=True)
    (data / "KernelBench" / "level1" / "1_RowCountRelu.py").write_text(PROBLEM)
    pid = "level1/1_RowCountRelu"
    replay = write_replay(tmp_path / "answers.jsonl", "kernelbench", {pid: [HONEST, OVERFLOW]})
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "kernelbench", "--data", str(data), "--model", f"replay:{replay}",
                  "--n-samples", "2", "-S", "validate=off", "--out", str(out), "--workers", "2")
    recs = executions(out)
    assert recs[(pid, 0)]["status"] == "pass", (recs[(pid, 0)]["reason"], proc.stderr[-2000:])
    assert recs[(pid, 1)]["status"] == "fail", recs[(pid, 1)]["reason"]
    results = json.loads((out / "results.json").read_text())["suites"]["kernelbench"]
    assert results["metrics"]["pass@1"]["mean"] == 0.5
