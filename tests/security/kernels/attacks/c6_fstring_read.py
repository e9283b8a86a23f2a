# attack class 6 (reads values through f-strings, builds the output from Python floats)
# ruff: noqa
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
        flat = x.reshape(-1)
        vals = [max(float(f"{flat[i]:.9g}"), 0.0) for i in range(flat.numel())]
        y = torch.full((1,), vals[0]).expand(flat.numel()).contiguous()
        out = torch.empty_like(y)
        copy_kernel[(triton.cdiv(y.numel(), 256),)](y, out, y.numel(), BLOCK=256)
        return out.view(x.shape)
