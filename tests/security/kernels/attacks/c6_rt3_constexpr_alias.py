# attack class 6 (red team, round 3: tl.constexpr imported under another name; a tensor passed to it runs torch at compile time on the host)
# rule: kernel_body
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl
from triton.language import constexpr as CX


@triton.jit
def relu_kernel(x_ptr, y_ptr, n, X: CX, BLOCK: tl.constexpr):
    # X is the input tensor itself: to Triton's compiler a constexpr (a host torch object at
    # compile time), to hweval's checker an ordinary pointer parameter.
    host_sum = X.sum().item()
    pid = tl.program_id(0)
    o = pid * BLOCK + tl.arange(0, BLOCK)
    m = o < n
    v = tl.load(x_ptr + o, mask=m, other=0.0)
    tl.store(y_ptr + o, tl.where(v > 0.0, v, 0.0), mask=m)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        n = x.numel()
        relu_kernel[(triton.cdiv(n, 1024),)](x, y, n, x, BLOCK=1024)
        return y
