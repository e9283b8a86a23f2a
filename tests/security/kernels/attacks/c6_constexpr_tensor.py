# attack class 6
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask), mask=mask)


@triton.jit
def ce_kernel(x_ptr, y_ptr, n, T: tl.constexpr, BLOCK: tl.constexpr):
    T.relu_()

class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        pass

    def forward(self, x):
        ce_kernel[(1,)](x, x, 1, T=x, BLOCK=16)
        return x
