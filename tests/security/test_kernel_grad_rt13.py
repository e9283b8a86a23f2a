"""Red team 13 K2 (TritonBench-G fast_rope_embedding passed): the answer's autograd ``backward``
returned a gradient of shape ``(2, *x.shape)`` holding the two terms of the RoPE gradient, which its
kernel never added; the autograd engine (``sum_to``, in C++, after the recorded Python ``backward``
returned) added them. Now the metadata of each ``apply``'s inputs is recorded per ``ctx``
(``sandboxed.gradmeta``) and a returned gradient of another shape, dtype or device, or two gradients
for one tensor passed twice, is reported as torch compute (``runtime_torch_compute``)."""
from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest
import torch

from harness.families.kernels.sandboxed.gradmeta import grad_problems, record_inputs
from harness.families.kernels.sandboxed.worker_function import record_backward
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context
from tests.security.test_kernel_autograd_fn import HONEST, SETUP_CONTEXT
from tests.security.test_kernel_tb_rt11 import SEPARATOR, _g_suite

# the kernel writes dy * alpha into both halves of a (2, *x.shape) gradient: the engine adds them
TERMS = HONEST.replace(
    "        dx = torch.empty_like(dy)\n        n = dy.numel()\n"
    "        scale_kernel[(triton.cdiv(n, ctx.block),)](dy, dx, n, ctx.alpha, BLOCK_SIZE=ctx.block)\n"
    "        return dx.view(x.shape), None, None",
    "        dx = torch.empty((2,) + tuple(dy.shape), dtype=dy.dtype, device=dy.device)\n        n = dy.numel()\n"
    "        scale_kernel[(triton.cdiv(n, ctx.block),)](dy, dx, n, ctx.alpha / 2, BLOCK_SIZE=ctx.block)\n"
    "        scale_kernel[(triton.cdiv(n, ctx.block),)](dy, dx[1], n, ctx.alpha / 2, BLOCK_SIZE=ctx.block)\n"
    "        return dx, None, None")
# the gradient in float64: the engine casts it to the input's float32
CAST = HONEST.replace("        dx = torch.empty_like(dy)\n", "        dx = torch.empty_like(dy, dtype=torch.float64)\n")

BW_TEST = '''

import torch

def test_scale_backward():
    results = {}
    x = torch.randn(4, 16, device='cuda', requires_grad=True)
    out = scale(x, 3.0)
    out.sum().backward()
    results['test_case_1'] = out.detach().clone()
    results['test_case_2'] = x.grad.clone()
    return results

result_gold = test_scale_backward()
'''


def _module(code: str) -> types.ModuleType:
    mod = types.ModuleType("answer_grad_rt13")
    exec(compile(code, "answer_grad_rt13.py", "exec"), vars(mod))  # noqa: S102 - the test's own code
    return mod


def _reported(code: str, run: Any) -> list[str]:
    """What ``record_backward`` reports while ``run(mod)`` runs ``code``'s Function (the interpreter)."""
    mod = _module(code)
    got: list[str] = []
    record_backward(mod, lambda fn: fn, got.append)
    run(mod)
    return got


def _scale_backward(mod: types.ModuleType) -> None:
    x = torch.randn(4, 16, requires_grad=True)
    mod.scale(x, 3.0).sum().backward()
    assert x.grad is not None


@pytest.fixture(autouse=True)
def _interpret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRITON_INTERPRET", "1")


def test_honest_gradients_report_nothing() -> None:
    assert _reported(HONEST, _scale_backward) == []
    # setup_context gets apply's arguments with forward's defaults bound (block)
    assert _reported(SETUP_CONTEXT.replace("x, alpha = inputs", "x, alpha, _ = inputs"), _scale_backward) == []


@pytest.mark.parametrize(("code", "words"), [(TERMS, "of shape [2, 4, 16] for input 0 of shape [4, 16]"),
                                             (CAST, "torch.float64 gradient")])
def test_a_gradient_the_engine_would_reduce_or_cast_is_reported(code: str, words: str) -> None:
    got = _reported(code, _scale_backward)
    assert got and all(g.startswith("autograd engine sum_to") for g in got), got
    assert words in got[0], got


class _Twice(torch.autograd.Function):
    """d(x * y)/dx, d(x * y)/dy (the test's own torch: only the metadata checks are under test)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> Any:
        x, y = ctx.saved_tensors
        return g * y, g * x


record_inputs(_Twice)


def _problems(x: torch.Tensor, y: torch.Tensor) -> list[str]:
    out = _Twice.apply(x, y)
    ctx = out.grad_fn
    return grad_problems(ctx, _Twice.backward(ctx, torch.ones_like(out)))


def test_one_tensor_passed_twice_is_reported_and_disjoint_slices_are_not() -> None:
    x = torch.randn(8, requires_grad=True)
    for y in (x, x.view(8), x.clone(), x.view(2, 4).reshape(8)):
        got = _problems(x, y)
        assert any("engine add" in g for g in got), got
    assert _problems(x, torch.randn(8, requires_grad=True)) == []
    qk = torch.randn(2, 8, requires_grad=True)
    assert _problems(qk[0], qk[1]) == []  # stacked by the engine into qk's gradient, not added
    assert _problems(x, torch.randn(8)) == []  # y needs no gradient: the engine drops its gradient


def test_a_backward_for_an_unrecorded_call_is_reported() -> None:
    assert grad_problems(object(), (torch.ones(1),))


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_the_engine_cannot_do_a_backwards_additions_end_to_end(tmp_path: Path) -> None:
    suite, problem = _g_suite(tmp_path, "scale_grad", HONEST + SEPARATOR + BW_TEST)
    ctx = context(tmp_path)
    v = suite.evaluate(problem, Candidate(code=HONEST), ctx)
    assert v.status == Status.PASS, v.reason
    for code in (TERMS, CAST):
        v = suite.evaluate(problem, Candidate(code=code), ctx)
        assert v.status == Status.REJECTED and v.reason.startswith("runtime_torch_compute: "), (v.status, v.reason)
        assert "autograd engine sum_to" in v.reason, v.reason
