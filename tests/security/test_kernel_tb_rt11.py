"""Honest round 11 F4 and red team 11b (TritonBench G and T).

F4: a TritonBench-T wrapper argument the reference does not annotate (``dim`` of
``def logsumexp(input, dim, keepdim=False)``) counted as a possible tensor, so every shape use of it
(``input.movedim(dim, -1)``, ``dim % nd``, ``1 if i == d else s``) was rejected ``torch_compute``. Now a
position is a number where every call of the entry in the problem's own code passes a number there
(``static.testargs``); a position the test section fills with a tensor even once stays a tensor.

rt11b S3: the TritonBench-T random-operator path never ran the sm_90 compile phase."""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.tritonbench import TritonBenchTSuite
from harness.families.kernels.static.check import analyze, scalar_positions
from harness.families.kernels.static.testargs import passed_numbers
from harness.suite import SuiteOptions
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import ANSWERS, TRITONBENCH, bwrap_usable, context

SEPARATOR = "#" * 146

# -- F4: arguments the test section fills with numbers ----------------------------------------
LSE_REF = '''import torch

def logsumexp(input, dim, keepdim=False, out=None):
    return torch.logsumexp(input, dim, keepdim)
'''
LSE_TEST = '''
import torch

def test_logsumexp():
    results = {}
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device='cuda')
    results["test_case_1"] = logsumexp(x, dim=0)
    d = -1
    results["test_case_2"] = logsumexp(x, d, keepdim=True)
    for k in range(2):
        results[f"test_case_3_{k}"] = logsumexp(x, k)
    return results

test_results = test_logsumexp()
'''
LSE_KERNEL = '''import torch
import triton
import triton.language as tl


@triton.jit
def _lse_rows(x_ptr, out_ptr, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * n_cols + cols, mask=cols < n_cols, other=float("-inf")).to(tl.float32)
    m = tl.max(x, axis=0)
    s = tl.sum(tl.exp(x - m), axis=0)
    tl.store(out_ptr + row, (tl.log(s) + m).to(out_ptr.dtype.element_ty))

'''
#: honest: ``dim`` only for shapes, the way F4's answers use it
LSE_HONEST = LSE_KERNEL + '''
def logsumexp(input, dim, keepdim=False, *, out=None):
    nd = input.dim()
    if dim < 0:
        dim += nd
    d = dim % nd
    x = input.movedim(d, -1).contiguous()
    n_cols = x.shape[-1]
    n_rows = x.numel() // n_cols
    kept = tuple(1 if i == d else s for i, s in enumerate(input.shape))
    result = torch.empty(tuple(s for i, s in enumerate(input.shape) if i != d), dtype=input.dtype,
                         device=input.device)
    _lse_rows[(n_rows,)](x, result, n_cols, BLOCK=triton.next_power_of_2(n_cols))
    if keepdim:
        assert result.unsqueeze(d).shape == kept
        return result.unsqueeze(d)
    return result
'''
#: torch computes the answer: the tensor argument is still a tensor
LSE_TORCH = LSE_KERNEL + '''
def logsumexp(input, dim, keepdim=False, *, out=None):
    y = torch.empty(1, device=input.device)
    _lse_rows[(1,)](input, y, 1, BLOCK=2)
    return torch.logsumexp(input, dim, keepdim)
'''


def _rules(code: str, test: str) -> list[tuple[str, str]]:
    scalars = scalar_positions(LSE_REF, function="logsumexp", test_code=test)
    return [(v.rule, v.detail) for v in analyze(code, "triton", entry="logsumexp", kind="function",
                                                 scalars=scalars)[0]]


def test_a_dim_the_test_section_fills_with_numbers_is_a_size() -> None:
    assert scalar_positions(LSE_REF, function="logsumexp", test_code=LSE_TEST) == {1, 2}
    assert _rules(LSE_HONEST, LSE_TEST) == []
    # before: the reference alone (no annotation) made dim a possible tensor
    assert any(rule == "torch_compute" for rule, _ in _rules(LSE_HONEST, ""))


def test_torch_compute_on_the_tensor_argument_is_still_rejected() -> None:
    assert any(rule == "torch_compute" for rule, _ in _rules(LSE_TORCH, LSE_TEST))


@pytest.mark.parametrize("call", [
    "logsumexp(x, torch.tensor(0))",  # a tensor at that position once
    "logsumexp(x, dim=torch.tensor(0))",
    "logsumexp(x, t)",  # a name bound to a tensor in the test function
    "logsumexp(x, *[0])",  # arguments the checks cannot see
    "logsumexp(x, **{'dim': 0})",
    "list(map(logsumexp, [x], [0]))",  # the entry escapes
    "logsumexp(x, y.shape[0] - 2)",  # computed
])
def test_a_position_given_a_tensor_or_unknown_value_stays_a_tensor(call: str) -> None:
    test = LSE_TEST.replace("    return results", f"    t = torch.tensor(0)\n    y = x\n    results['x'] = {call}\n"
                            "    return results")
    assert 1 not in scalar_positions(LSE_REF, function="logsumexp", test_code=test)
    assert any(rule == "torch_compute" for rule, _ in _rules(LSE_HONEST, test))


def test_names_are_read_in_their_own_scope() -> None:
    src = '''
import torch
d = 1
def test():
    d = torch.tensor(1)
    return f(x, d)
def test2():
    return f(x, d)
def test3():
    k = 2
    def inner():
        return f(x, k)
    return inner()
'''
    # test(): the local tensor d; test2(): the module's number d; inner(): a free name of a nested
    # function is not looked up (fail closed)
    assert passed_numbers(src, "f", ["x", "d"]) == set()
    assert passed_numbers(src.replace("    return f(x, d)\ndef test2", "    return 0\ndef test2")
                          .replace("return f(x, k)", "return f(x, 3)"), "f", ["x", "d"]) == {1}


# -- rt11b S3: the random-operator path compiles for sm_90 too ---------------------------------
@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_a_random_operator_over_the_launch_limits_does_not_build(tmp_path: Path) -> None:
    """relu_dropout is a random operator (``random_eval``): its answer ran only through the
    interpreter, so ``num_warps=64`` (2048 threads per block, no GPU launches it) passed; the honest
    answer still passes."""
    suite = TritonBenchTSuite(SuiteOptions(data=str(TRITONBENCH), lang="triton"))
    problem = next(p for p in suite.problems() if p.id == "relu_dropout")
    ctx = context(tmp_path)
    good = (ANSWERS / "t_relu_dropout.py").read_text()
    wide = good.replace("BLOCK=1024)", "BLOCK=1024, num_warps=64)")
    assert wide != good
    v = suite.evaluate(problem, Candidate(code=wide), ctx)
    assert v.status == Status.SYNTAX_ERROR and "threads per block" in v.reason, (v.status, v.reason)
    v = suite.evaluate(problem, Candidate(code=good), ctx)
    assert v.status == Status.PASS, v.reason
