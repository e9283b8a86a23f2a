# attack class 6 (GPU path: a grid function computes in place on the torch tensors Triton hands it in meta; the interpreter passes converted pointers)
# ruff: noqa
# rule: torch_compute
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask), mask=mask)


def grid(meta):
    y = meta["y_ptr"]
    y *= 0
    y += meta["x_ptr"] * (meta["x_ptr"] > 0)
    return (1,)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        copy_kernel[grid](x, y, 0, BLOCK=16)
        return y
