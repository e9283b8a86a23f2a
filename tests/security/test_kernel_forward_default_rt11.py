"""Red team 11d S6: a number default on ``ModelNew.forward``'s tensor parameter (``forward(self,
x=0)``) made ``x`` a size for the static checks, so host reads and a Python ReLU passed kernels-core
relu. A position the problem fills with a possible tensor is now one, whatever the answer's default;
the reference's own number positions and the answer's extra tuning parameters stay sizes."""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import analyze, scalar_positions

REFERENCE = '''import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, x, alpha=0.5):
        return torch.relu(x) * alpha


def get_inputs():
    return [torch.randn(37, 300)]
'''

_ANSWER = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n, alpha, BLOCK_SIZE: tl.constexpr):
    offs = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    m = offs < n
    v = tl.load(x_ptr + offs, mask=m)
    tl.store(y_ptr + offs, tl.maximum(v, 0.0) * alpha, mask=m)


@triton.jit
def put_kernel(y_ptr, i, v):
    tl.store(y_ptr + i, v)


class ModelNew(nn.Module):
    def forward({params}):
        y = torch.empty_like(x)
        n = x.numel()
        relu_kernel[(triton.cdiv(n, block),)](x, y, n, alpha, BLOCK_SIZE=block)
{extra}        return y
'''
_HOST_READS = '''        for i in range(n):
            if float(x.view(-1)[i]) < 0:
                put_kernel[(1,)](y, i, 0.0)
'''


def _rules(params: str, extra: str = "") -> list[str]:
    code = _ANSWER.format(params=params, extra=extra)
    violations, _, _ = analyze(code, "triton", scalars=scalar_positions(REFERENCE))
    return [v.rule for v in violations]


@pytest.mark.parametrize("params", ["self, x=0, alpha=0.5, block=1024", "self, x=0.0, alpha=0.5, block=1024",
                                    "self, x='', alpha=0.5, block=1024"])
def test_a_number_default_on_the_tensor_input_does_not_make_it_a_size(params: str) -> None:
    assert "torch_compute" in _rules(params, _HOST_READS)


@pytest.mark.parametrize("params", ["self, x, alpha=0.5, block=1024", "self, x, alpha: float = 0.5, block: int = 1024"])
def test_the_references_number_and_an_extra_tuning_parameter_stay_sizes(params: str) -> None:
    assert _rules(params) == []
    assert "torch_compute" in _rules(params, _HOST_READS)  # host reads of the real tensor stay rejected


def test_the_markers_name_the_tensor_positions_only() -> None:
    assert scalar_positions(REFERENCE) == {"*@0"}
