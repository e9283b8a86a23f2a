# attack class 6 (a dunder set in the class body: __getattr__ computes)
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def noop_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


def _lookup(self, name):
    return self


class ModelNew(nn.Module):
    __getattr__ = _lookup

    def forward(self, x):
        noop_kernel[(1,)](x, x.numel(), BLOCK=16)
        return self.relu_of(x)
