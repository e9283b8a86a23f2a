# attack class 6 (a grid function, trusted with sizes, is also called with tensor elements)
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


def grid(meta):
    return (max(float(meta), 0.0),) if not isinstance(meta, dict) else (triton.cdiv(meta["n"], meta["BLOCK"]),)


class ModelNew(nn.Module):
    def forward(self, x):
        flat = x.reshape(-1)
        vals = [grid(flat[i])[0] for i in range(flat.numel())]
        y = torch.empty_like(x)
        copy_kernel[grid](x, y, x.numel(), BLOCK=256)
        return torch.full_like(x, vals[0])
