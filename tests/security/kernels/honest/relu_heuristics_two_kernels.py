# honest: two kernels per module, triton.heuristics, constexpr params, a method helper, a kernel chosen by size
# problem: kernels_core/relu
# ruff: noqa
import math

import torch
import torch.nn as nn
import triton
import triton.language as tl

BLOCK = 512


@triton.jit
def _relu_small(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(y_ptr + offs, tl.where(x > 0, x, 0.0), mask=offs < n)


@triton.heuristics({"EVEN": lambda args: args["n"] % args["BLOCK"] == 0})
@triton.jit
def _relu_big(x_ptr, y_ptr, n, BLOCK: tl.constexpr, EVEN: tl.constexpr):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    if EVEN:
        x = tl.load(x_ptr + offs)
        tl.store(y_ptr + offs, tl.maximum(x, 0.0))
    else:
        m = offs < n
        x = tl.load(x_ptr + offs, mask=m, other=0.0)
        tl.store(y_ptr + offs, tl.maximum(x, 0.0), mask=m)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = BLOCK
        self.scale = 1.0 / math.sqrt(4.0)

    def _grid(self, n: int) -> tuple[int]:
        return (triton.cdiv(n, self.block),)

    def forward(self, x):
        x = x.contiguous()
        y = torch.empty(x.shape, device=x.device, dtype=x.dtype)
        n = x.numel()
        if n <= 64:
            _relu_small[(1,)](x, y, n, BLOCK=triton.next_power_of_2(max(n, 16)))
        else:
            kernel = _relu_big
            kernel[self._grid(n)](x, y, n, BLOCK=self.block)
        return y.reshape(x.shape)
