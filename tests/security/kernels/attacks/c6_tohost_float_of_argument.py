# attack class 6 (a tensor's value becomes a Python value: float(x) of a one-element input read its value into Python, which computed ReLU into a fill value)
# ruff: noqa
# rule: host_value
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        copy_kernel[(triton.cdiv(x.numel(), 256),)](x, y, x.numel(), BLOCK=256)
        if x.numel() == 1:
            v = float(x)
            return torch.full_like(x, v if v > 0 else 0.0)
        return y
