# attack class 6 (a tuple holding a list, aliased and iterated in the kernel)
# ruff: noqa
# rule: kernel_body
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, P, BLOCK_SIZE: tl.constexpr):
    Q = P
    for t in Q[1]:
        t.max(Q[0])


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous().view(-1)
        y = torch.empty_like(x)
        n = x.numel()
        z = torch.zeros((), dtype=x.dtype)
        relu_kernel[(1,)](x, y, n, (z, [x]), BLOCK_SIZE=1024)
        return y.view_as(x)
