"""Red team 13b B1 and B3 (issue #14, kernels).

B1 (TritonBench-T chebyshev_polynomial_t passed with the polynomial on the host): the answer renamed its
entry's parameters, ``def f(n, k)`` against the reference's ``f(input, n)``; the test calls ``f(x, 3)``
positionally, so ``n`` held the test's tensor, and static typing gave it the reference's kind of the
parameter NAMED ``n`` (a size): host reads ``float(n[i])`` passed. Now a position some call fills
positionally with a possible tensor is a size only where both the position and the reference's
parameter of that name are (``static.module._kind_in``; ``applyentry.seed_forward`` the same).

B3 (TritonBench-G fast_rope_embedding passed): the answer fed ``apply`` an expanded view of the test's
tensor, its backward returned the two unsummed gradient terms in that view's shape, and autograd's
ExpandBackward (the engine, outside every recorder) added them. Now the autograd graph behind each
input of an answer's ``apply`` may hold only nodes that move values (``sandboxed.gradmeta``).
"""
from __future__ import annotations

from typing import Any

import pytest
import torch

from harness.families.kernels.sandboxed.gradmeta import grad_problems, record_inputs
from harness.families.kernels.static.check import analyze, scalar_positions
from tests.security.test_kernel_autograd_entry import ALIAS, TEST_ALIAS

CHEB_REF = '''import torch

def cheb(input, n, out=None):
    return torch.special.chebyshev_polynomial_t(input, n, out=out)
'''
CHEB_TEST = '''
import torch

def test_cheb():
    x = torch.linspace(-1, 1, 64, device='cuda')
    return {"a": cheb(x, 3), "b": cheb(x, 0)}

test_results = test_cheb()
'''
KERNEL = '''import torch
import triton
import triton.language as tl


@triton.jit
def _cheb(x_ptr, o_ptr, total, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < total
    x = tl.load(x_ptr + offs, mask=m)
    prev = x * 0.0 + 1.0
    cur = x
    if n == 0:
        cur = prev
    for _ in range(n - 1):
        nxt = 2.0 * x * cur - prev
        prev = cur
        cur = nxt
    tl.store(o_ptr + offs, cur, mask=m)

'''
#: the honest form: the reference's names at the reference's positions
CHEB_HONEST = KERNEL + '''
def cheb(input, n, out=None):
    res = torch.empty_like(input) if out is None else out
    total = input.numel()
    _cheb[(triton.cdiv(total, 256),)](input, res, total, n, BLOCK=256)
    return res
'''
#: B1: ``n`` at position 0 holds the test's tensor; the polynomial is computed on the host
CHEB_RENAMED = KERNEL + '''
def cheb(n, k, out=None):
    res = torch.empty_like(n)
    total = n.shape[0]
    _cheb[(triton.cdiv(total, 256),)](n, res, total, 1, BLOCK=256)
    for i in range(total):
        x = float(n[i])
        prev, cur = 1.0, x
        if k == 0:
            cur = 1.0
        for _ in range(k - 1):
            prev, cur = cur, 2.0 * x * cur - prev
        res[i].fill_(cur)
    return res
'''


def _rules(code: str, entry: str, ref: str, test: str) -> set[str]:
    scalars = scalar_positions(ref, function=entry, test_code=test)
    return {v.rule for v in analyze(code, "triton", entry=entry, kind="function", scalars=scalars)[0]}


def test_a_reference_size_name_at_a_tensor_position_is_no_size() -> None:
    assert _rules(CHEB_HONEST, "cheb", CHEB_REF, CHEB_TEST) == set()
    assert "torch_compute" in _rules(CHEB_RENAMED, "cheb", CHEB_REF, CHEB_TEST)
    # the same host loop under the reference's names is rejected as before (the rt13b control)
    control = CHEB_RENAMED.replace("def cheb(n, k,", "def cheb(input, k,").replace("(n", "(input").replace(
        "n.shape", "input.shape").replace("float(n[", "float(input[")
    assert "torch_compute" in _rules(control, "cheb", CHEB_REF, CHEB_TEST)


def test_an_autograd_forward_swapping_names_keeps_the_tensor_a_tensor() -> None:
    """The same through ``entry = Cls.apply`` (``applyentry.seed_forward``): the test passes a tensor at
    forward's first position, which the swapped signature names ``alpha`` (a size of the reference)."""
    assert _rules(ALIAS, "scale", ALIAS, TEST_ALIAS) == set()
    swapped = ALIAS.replace("def forward(ctx, x, alpha, block=256):\n",
                            "def forward(ctx, alpha, x, block=256):\n        v = float(alpha[0])\n")
    assert swapped != ALIAS
    assert "torch_compute" in _rules(swapped, "scale", ALIAS, TEST_ALIAS)


class _Mul(torch.autograd.Function):
    """d(x * w)/dx (the test's own torch: only the graph checks are under test)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(w)
        return x * w

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> Any:
        (w,) = ctx.saved_tensors
        return g * w, None


record_inputs(_Mul)


def _problems(x: torch.Tensor) -> list[str]:
    out = _Mul.apply(x, torch.ones(x.shape))
    return grad_problems(out.grad_fn, _Mul.backward(out.grad_fn, torch.ones_like(out)))


@pytest.mark.parametrize(("make", "node"), [
    (lambda q: q.transpose(0, 1).unsqueeze(0).expand(2, -1, -1), "ExpandBackward0"),  # B3
    (lambda q: q.unsqueeze(0).expand(2, -1, -1).contiguous(), "ExpandBackward0"),
    (lambda q: q.repeat(2, 1), "RepeatBackward0"),
    (lambda q: q.to(torch.float64), "ToCopyBackward0"),
    (lambda q: q[torch.tensor([0, 0, 1])], "IndexBackward0"),
    (lambda q: torch.stack([q, q]), "add at AccumulateGrad"),
])
def test_what_the_engine_would_compute_behind_an_input_is_reported(make: Any, node: str) -> None:
    q = torch.randn(3, 4, requires_grad=True)
    got = _problems(make(q))
    assert any(node in g and "behind input 0" in g for g in got), got


def test_moves_behind_an_input_report_nothing() -> None:
    q = torch.randn(2, 3, 4, requires_grad=True)
    # the reference fast_rope_embedding's Q.transpose(1, 2); views, slices, contiguous copies
    for x in (q, q.transpose(1, 2), q.view(6, 4), q[0], q[:, 1:], q.permute(2, 0, 1).contiguous(),
              q.reshape(-1).unsqueeze(0).squeeze(0)):
        assert _problems(x) == [], x.grad_fn
    # behind another custom Function's output the walk stops (that backward is checked on its own)
    assert _problems(_Mul.apply(q, torch.ones(q.shape)).transpose(0, 1)) == []
