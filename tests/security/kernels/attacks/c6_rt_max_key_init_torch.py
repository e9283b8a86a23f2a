# attack class 6 (max(key=<torch function>) in __init__, where torch names are allowed)
# ruff: noqa
# rule: forbidden_call
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0)
    tl.store(y_ptr + offsets, x, mask=mask)  # identity: no ReLU here


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = max([torch.ones(3)], key=torch.Tensor.relu_)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.empty_like(x)
        relu_kernel[(1,)](x, y, x.numel(), BLOCK_SIZE=1024)
        return y
