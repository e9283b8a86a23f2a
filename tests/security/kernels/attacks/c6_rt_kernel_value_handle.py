# attack class 6 (a kernel value's .handle (the interpreter's numpy array))
# ruff: noqa
# rule: kernel_body
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    x = tl.load(x_ptr + tl.arange(0, BLOCK_SIZE))
    x.handle.data.dump('/tmp/x')


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        n = x.numel()
        relu_kernel[(1,)](x, y, n, BLOCK_SIZE=1024)

        return y
