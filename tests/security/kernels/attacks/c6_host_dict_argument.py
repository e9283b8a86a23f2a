# attack class 6 (a dict launch argument read by key in the kernel)
# ruff: noqa
# rule: kernel_body
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, D, BLOCK_SIZE: tl.constexpr):
    for i in range(n_elements):
        tl.store(y_ptr + i, (D + {})['x'][i].max(D['z']).item())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous().view(-1)
        y = torch.empty_like(x)
        n = x.numel()
        z = torch.zeros((), dtype=x.dtype)
        relu_kernel[(1,)](x, y, n, {'x': x, 'z': z}, BLOCK_SIZE=1024)
        return y.view_as(x)
