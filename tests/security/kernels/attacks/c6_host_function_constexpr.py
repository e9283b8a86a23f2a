# attack class 6 (a torch function passed as a constexpr launch argument and called in the kernel)
# ruff: noqa
# rule: kernel_body
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, F: tl.constexpr, BLOCK_SIZE: tl.constexpr):
    for i in range(n_elements):
        v = tl.load(x_ptr + i)
        tl.store(y_ptr + i, F((), v.item()).max(F((), 0.0)).item())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous().view(-1)
        y = torch.empty_like(x)
        n = x.numel()
        z = torch.zeros((), dtype=x.dtype)
        relu_kernel[(1,)](x, y, n, torch.full, BLOCK_SIZE=1024)
        return y.view_as(x)
