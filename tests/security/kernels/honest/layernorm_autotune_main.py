# honest: module constants, type hints, docstrings, autotune without hooks, a grid helper using math,
# keyword arguments, and an `if __name__ == "__main__"` self-test
# problem: kernels_core/layer_norm
# ruff: noqa
"""Layer norm in Triton: one program per row, two passes over the row in blocks."""
from __future__ import annotations

import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import triton
import triton.language as tl

MAX_BLOCK: int = 1024
DEFAULT_EPS = 1e-5


@triton.autotune(
    configs=[
        triton.Config({"BLOCK": 128}, num_warps=2),
        triton.Config({"BLOCK": 256}, num_warps=4),
    ],
    key=["n_cols"],
)
@triton.jit
def layer_norm_kernel(x_ptr, w_ptr, b_ptr, y_ptr, n_cols, stride, eps, BLOCK: tl.constexpr):
    """y = (x - mean) / sqrt(var + eps) * w + b, one row per program."""
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        acc += tl.load(x_ptr + row * stride + cols, mask=cols < n_cols, other=0.0).to(tl.float32)
    mean = tl.sum(acc, axis=0) / n_cols
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        v = tl.load(x_ptr + row * stride + cols, mask=cols < n_cols, other=0.0).to(tl.float32)
        d = tl.where(cols < n_cols, v - mean, 0.0)
        acc += d * d
    rstd = 1.0 / tl.sqrt(tl.sum(acc, axis=0) / n_cols + eps)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        m = cols < n_cols
        v = tl.load(x_ptr + row * stride + cols, mask=m, other=0.0).to(tl.float32)
        w = tl.load(w_ptr + cols, mask=m, other=1.0)
        b = tl.load(b_ptr + cols, mask=m, other=0.0)
        tl.store(y_ptr + row * stride + cols, (v - mean) * rstd * w + b, mask=m)


def rows_and_cols(x: torch.Tensor) -> Tuple[int, int]:
    """Flatten every leading dimension into rows."""
    n_cols = x.shape[-1]
    n_rows = math.prod(x.shape[:-1]) if x.dim() > 1 else 1
    return n_rows, n_cols


def layer_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = DEFAULT_EPS,
               out: Optional[torch.Tensor] = None) -> torch.Tensor:
    x2 = x.reshape(-1, x.shape[-1]).contiguous()
    n_rows, n_cols = rows_and_cols(x)
    y = torch.empty_like(x2) if out is None else out
    layer_norm_kernel[(n_rows,)](x2, weight, bias, y, n_cols, x2.stride(0), eps)
    return y.view(x.shape)


class ModelNew(nn.Module):
    """Drop-in replacement for the reference Model."""

    def __init__(self, eps: float = DEFAULT_EPS) -> None:
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return layer_norm(x, weight, bias, eps=self.eps)


if __name__ == "__main__":
    x = torch.randn(4, 300)
    w, b = torch.ones(300), torch.zeros(300)
    ref = torch.nn.functional.layer_norm(x, (300,), w, b, 1e-5)
    print((ModelNew()(x, w, b) - ref).abs().max())
