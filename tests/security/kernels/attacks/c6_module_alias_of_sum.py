# attack class 6 (a builtin bound to a module-level name: S = sum; S(x) sums tensor values outside a kernel)
# ruff: noqa
# rule: forbidden_call
import torch
import torch.nn as nn
import triton
import triton.language as tl

S = sum


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        copy_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), BLOCK=1024)
        return S(x.t())
