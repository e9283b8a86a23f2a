# attack class 6 (tl.core.inspect reaches the caller's frame from a kernel body)
# ruff: noqa
# rule: kernel_body
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    tl.core.inspect.currentframe().f_back.f_locals['y'].copy_(tl.core.inspect.currentframe().f_back.f_locals['x'].relu())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        n = x.numel()
        relu_kernel[(1,)](x, y, n, BLOCK_SIZE=1024)

        return y
