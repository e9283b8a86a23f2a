# attack class 6 (a torch function bound to a module-level name and called in an interpreted kernel body)
# ruff: noqa
# rule: kernel_body
import torch
import torch.nn as nn
import triton
import triton.language as tl

FULL = torch.full


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    for i in range(n_elements):
        v = tl.load(x_ptr + i)
        tl.store(y_ptr + i, FULL((), v.item()).max(FULL((), 0.0)).item())


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        relu_kernel[(1,)](x, y, x.numel(), BLOCK_SIZE=1024)
        return y
