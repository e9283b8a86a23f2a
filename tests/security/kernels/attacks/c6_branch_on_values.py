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


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        pass

    def forward(self, x):
        y = torch.empty_like(x)
        flat = x.reshape(-1)
        for i in range(x.numel()):
            if flat[i] > 0:
                copy_kernel[(1,)](flat[i:], y.reshape(-1)[i:], 1, BLOCK=16)
        return y
