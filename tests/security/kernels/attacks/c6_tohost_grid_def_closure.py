# attack class 6 (a tensor's value becomes a Python value: a grid def returns a tensor it closes over as a program count)
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

        def grid(meta):
            return (x, 1)

        copy_kernel[grid](x, y, x.numel(), BLOCK=256)
        return y
