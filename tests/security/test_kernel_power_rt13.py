"""Red team 13 K4 (GPU hosts; not scored on the CPU): nine TritonBench-G test sections store only
shapes (``results[...] = out.shape``) or read only their own inputs, so an answer that allocates its
outputs and launches a kernel that writes nothing matched the reference. Now the reference phase
runs the first case's test section once more with the reference's calls made garbage
(``sandboxed.power``), and where its results still equal the reference's the problem is excluded at
validation and not scored (``refpower.results_unpowered``: "results do not depend on the operator's
values")."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from harness.families.kernels.refpower import UNPOWERED
from harness.families.kernels.sandboxed.power import Garbage, garbage
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context
from tests.security.test_kernel_tb_rt11 import SEPARATOR, _g_suite

REF = '''import torch
import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK_SIZE: tl.constexpr):
    offs = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    y = tl.load(y_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, x + y, mask=mask)


def add(x, y):
    out = torch.empty_like(x)
    n = x.numel()
    add_kernel[(triton.cdiv(n, 256),)](x, y, out, n, BLOCK_SIZE=256)
    return out
'''
VALUES_TEST = '''

import torch

def test_add():
    results = {}
    x = torch.randn(300, device='cuda')
    y = torch.randn(300, device='cuda')
    results['test_case_1'] = add(x, y)
    return results

result_gold = test_add()
'''
SHAPES_TEST = VALUES_TEST.replace("results['test_case_1'] = add(x, y)", "results['test_case_1'] = add(x, y).shape")
# the null answer: the right shape, a kernel that loads and writes nothing
NULL = REF.replace("    tl.store(out_ptr + offs, x + y, mask=mask)\n", "")


def test_garbage_keeps_shapes_dtypes_and_the_graph() -> None:
    x = torch.randn(3, 4, requires_grad=True)
    out = garbage((x * 2, [torch.arange(5), torch.ones(2, dtype=torch.bool)], {"s": 1.5, "n": 3}, "text"))
    f, (ints, mask), d, text = out
    assert f.shape == (3, 4) and f.dtype == torch.float32 and bool(torch.isnan(f).all())
    f.sum().backward()  # the gradient still reaches x
    assert x.grad is not None and x.grad.shape == x.shape
    assert ints.dtype == torch.int64 and bool((ints == 77).all()) and not bool(mask.any())
    assert math.isnan(d["s"]) and d["n"] == 80 and text == "text"


def test_a_call_that_writes_its_argument_has_it_filled_with_garbage() -> None:
    def scale_(x: torch.Tensor, keep: torch.Tensor) -> None:
        x.mul_(2)

    x, keep = torch.ones(4), torch.ones(4)
    assert Garbage().wrap(scale_)(x, keep) is None
    assert bool(torch.isnan(x).all()) and bool((keep == 1).all())  # the untouched argument stays


def test_a_call_returning_an_object_makes_the_garbage_run_say_nothing() -> None:
    """TritonBench-T quantize_dynamic returns a module the section then calls: no garbage of it."""
    fake = Garbage()
    fake.wrap(lambda: (torch.ones(2), 3))()
    assert not fake.opaque
    fake.wrap(lambda: torch.nn.Linear(2, 2))()
    assert fake.opaque


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_a_shapes_only_test_section_is_excluded_and_a_null_answer_not_scored(tmp_path: Path) -> None:
    check = Candidate(code="(self-check)", meta={"selfcheck": True})
    suite, shapes = _g_suite(tmp_path / "s", "add_shapes", REF + SEPARATOR + SHAPES_TEST)
    ctx = context(tmp_path / "s")
    v = suite.evaluate(shapes, check, ctx)
    assert v.status == Status.FAIL and v.reason.startswith(UNPOWERED), (v.status, v.reason)
    v = suite.evaluate(shapes, Candidate(code=NULL), ctx)
    assert v.status == Status.INFRA_ERROR and UNPOWERED in v.reason, (v.status, v.reason)
    suite, values = _g_suite(tmp_path / "v", "add_values", REF + SEPARATOR + VALUES_TEST)
    ctx = context(tmp_path / "v")
    assert suite.evaluate(values, check, ctx).status == Status.PASS
    v = suite.evaluate(values, Candidate(code=NULL), ctx)
    assert v.status == Status.FAIL, (v.status, v.reason)  # the values are compared: the null answer fails


GRAD_ONLY_TEST = '''

import torch

def test_scale_grad():
    results = {}
    x = torch.randn(4, 16, device='cuda', requires_grad=True)
    scale(x, 3.0).sum().backward()
    results['x_grad'] = x.grad.clone()
    return results

result_gold = test_scale_grad()
'''


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_a_section_storing_only_gradients_keeps_its_power(tmp_path: Path) -> None:
    """fast_rope_embedding's section stores only Q.grad and K.grad: the garbage run makes the
    reference's backward garbage too, so the problem is validated, not excluded."""
    from tests.security.test_kernel_autograd_fn import HONEST as SCALE

    suite, problem = _g_suite(tmp_path, "scale_grad_only", SCALE + SEPARATOR + GRAD_ONLY_TEST)
    v = suite.evaluate(problem, Candidate(code="(self-check)", meta={"selfcheck": True}), context(tmp_path))
    assert v.status == Status.PASS, (v.status, v.reason)
