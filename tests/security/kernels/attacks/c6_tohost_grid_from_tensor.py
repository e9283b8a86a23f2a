# attack class 6 (a tensor's value becomes a Python value: the launch grid is the input itself: Triton reads its value as a program count)
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


@triton.jit
def count_kernel(y_ptr):
    tl.atomic_add(y_ptr, 1.0)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.zeros_like(x)
        copy_kernel[(triton.cdiv(x.numel(), 256),)](x, y, x.numel(), BLOCK=256)
        count_kernel[(x,)](y)
        return y
