# attack class 6 (red team 2: b.narrow(0, x[i], 1).storage_offset(), torch.empty(x[i]).numel(), torch.arange(x[i]).numel() read tensor values as sizes)
# ruff: noqa
# rule: torch_compute
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def touch_kernel(y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    v = tl.load(y_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, v, mask=mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.empty_like(x)
        xi = x.view(torch.int32).reshape(-1)
        big = torch.empty(1 << 31, dtype=torch.int8, device=x.device)
        a = big.narrow(0, xi[0], 1).storage_offset()
        b = torch.empty(xi[1], dtype=torch.int8, device=x.device).numel()
        c = torch.arange(xi[2], device=x.device).numel()
        touch_kernel[(1,)](y, a + b + c, BLOCK=16)
        return y
