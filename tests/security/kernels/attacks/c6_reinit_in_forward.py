# attack class 6 (forward re-runs __init__, where torch compute is allowed, on the input)
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def noop_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


class ModelNew(nn.Module):
    def __init__(self, x=None):
        super().__init__()
        self.out = None if x is None else torch.relu(x)

    def forward(self, x):
        noop_kernel[(1,)](x, x.numel(), BLOCK=16)
        self.__init__(x)
        return self.out
