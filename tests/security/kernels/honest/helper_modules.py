# honest: helper nn.Modules built in __init__ and called from forward (KernelBench level-2/3 style)
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def bias_relu_kernel(x_ptr, b_ptr, y_ptr, n, cols, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    v = tl.load(x_ptr + offs, mask=m, other=0.0) + tl.load(b_ptr + offs % cols, mask=m, other=0.0)
    tl.store(y_ptr + offs, tl.maximum(v, 0.0), mask=m)


class TritonBiasReLU(nn.Module):
    def __init__(self, features: int):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(features))
        self.features = features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        n = x.numel()
        bias_relu_kernel[(triton.cdiv(n, 512),)](x, self.bias, y, n, self.features, BLOCK=512)
        return y


class ModelNew(nn.Module):
    def __init__(self, features: int = 300):
        super().__init__()
        self.act = TritonBiasReLU(features)

    def forward(self, x):
        return self.act(x)
