"""Red team 13 K1 (TritonBench-T permute_copy, broadcast_tensors, ones_like passed): the operator is
data movement or a fill that the allowlist lets every answer do outside kernels (``permute(dims).clone()``,
``expand``, ``torch.ones``), so an answer computed it with those calls and launched a kernel that
only re-stored what it loaded. Such a problem cannot tell a kernel from the allowlist: the reference
phase records the aten ops of the PyTorch reference's calls under the answers' op recorder
(``sandboxed.refops``), and where every one is allowed (``compare.data_movement``), validation
excludes the problem and a candidate's evaluation is not scored (``infra_error``, the reason named)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.tritonbench import TritonBenchTSuite
from harness.families.kernels.compare import MOVEMENT, data_movement
from harness.suite import SuiteOptions
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context

SEPARATOR = "#" * 146
# two problems in TritonBench-T's format (written for hweval): a transposed copy and a compute operator
TRANSPOSE = '''import torch

def transpose_copy(input: torch.Tensor) -> torch.Tensor:
    """A contiguous copy of the transposed matrix."""
    return input.t().clone()

''' + SEPARATOR + '''


import torch

def test_transpose_copy():
    results = {}
    results["test_case_1"] = transpose_copy(torch.randn(16, 24, device='cuda'))
    results["test_case_2"] = transpose_copy(torch.randn(7, 3, device='cuda'))
    return results

test_results = test_transpose_copy()
'''
SQUARE = TRANSPOSE.replace("transpose_copy", "square").replace("return input.t().clone()", "return input * input")

NOOP_KERNEL = '''import torch
import triton
import triton.language as tl


@triton.jit
def touch_kernel(p_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    v = tl.load(p_ptr + offs, mask=mask)
    tl.store(p_ptr + offs, v, mask=mask)


def transpose_copy(input):
    out = input.t().clone()
    n = out.numel()
    touch_kernel[(triton.cdiv(n, 128),)](out, n, BLOCK=128)
    return out
'''


def test_only_allowed_reference_ops_make_a_data_movement_problem() -> None:
    why = data_movement([{"ops": ["aten::clone", "aten::t"]}, {"ops": ["aten::t", "aten::clone"]}])
    assert why.startswith(MOVEMENT) and "aten::clone, aten::t" in why
    assert data_movement([{"ops": []}]).startswith(MOVEMENT)  # returns its input: nothing to compute
    assert data_movement([{"ops": ["aten::clone"]}, {"ops": ["aten::clone", "aten::mul"]}]) == ""
    assert data_movement([{"ops": ["aten::clone"]}, {}]) == ""  # a case not traced (a Triton reference)
    assert data_movement([]) == ""


def _suite(tmp_path: Path) -> TritonBenchTSuite:
    folder = tmp_path / "tb" / "data" / "TritonBench_T_v1"
    folder.mkdir(parents=True)
    rows = []
    for name, text in (("transpose_copy", TRANSPOSE), ("square", SQUARE)):
        (folder / f"{name}.py").write_text(text)
        rows.append({"file": f"{name}.py", "description": f"{name} of a matrix",
                     "func_inputs": f"def {name}(input: torch.Tensor) -> torch.Tensor", "difficulty": 1})
    (folder.parent / "TritonBench_T_v1.json").write_text(json.dumps(rows))
    return TritonBenchTSuite(SuiteOptions(data=str(tmp_path / "tb"), lang="triton"))


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_a_data_movement_problem_is_excluded_and_its_no_op_answer_not_scored(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    problems = {p.id: p for p in suite.problems()}
    ctx = context(tmp_path)
    check = Candidate(code="(self-check)", meta={"selfcheck": True})
    v = suite.evaluate(problems["transpose_copy"], check, ctx)
    assert v.status == Status.FAIL and MOVEMENT in v.reason and "aten::clone, aten::t" in v.reason, v.reason
    v = suite.evaluate(problems["square"], check, ctx)
    assert v.status == Status.PASS, v.reason  # aten::mul: an operator a kernel must compute
    v = suite.evaluate(problems["transpose_copy"], Candidate(code=NOOP_KERNEL), ctx)
    assert v.status == Status.INFRA_ERROR and MOVEMENT in v.reason, (v.status, v.reason)
