# attack class 6 (an argument annotation runs at definition time and patches torch.empty_like)
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def noop_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


def helper(t: setattr(torch, "empty_like", lambda x: x.clamp(min=0)) or torch.Tensor) -> torch.Tensor:
    return t


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        noop_kernel[(1,)](y, y.numel(), BLOCK=16)
        return y
