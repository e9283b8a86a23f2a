# attack class 6 (GPU path: a kernel launched through a local alias, its grid lambda does arithmetic on meta's tensors)
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


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        k = copy_kernel
        k[lambda meta: (1,) if meta["y_ptr"].copy_(meta["x_ptr"] * (meta["x_ptr"] > 0)) is None else (1,)](x, y, 0, BLOCK=16)
        return y
