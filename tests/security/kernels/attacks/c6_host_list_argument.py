# attack class 6 (a list launch argument reaches the interpreted kernel raw: torch computes in the kernel)
# ruff: noqa
# rule: kernel_body
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, D, BLOCK_SIZE: tl.constexpr):
    for i in range(n_elements):
        tl.store(y_ptr + i, D[0][i].max(D[1]).item())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        n = x.numel()
        z = torch.zeros((), dtype=x.dtype)
        relu_kernel[(1,)](x.view(-1), y, n, [x.view(-1), z], BLOCK_SIZE=1024)
        return y
