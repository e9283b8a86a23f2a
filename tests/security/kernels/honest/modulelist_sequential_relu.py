# honest: an nn.ModuleList and an nn.Sequential of Triton blocks iterated in forward (relu twice is relu)
# problem: kernels_core/relu
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    tl.store(y_ptr + offsets, tl.maximum(x, 0.0), mask=mask)


class TritonReLU(nn.Module):
    """One ReLU launch."""

    def __init__(self, block_size: int = 1024):
        super().__init__()
        self.block_size = block_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        out = torch.empty_like(x)
        n = x.numel()
        grid = (triton.cdiv(n, self.block_size),)
        relu_kernel[grid](x, out, n, BLOCK_SIZE=self.block_size)
        return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([TritonReLU(256), TritonReLU(512)])
        self.tail = nn.Sequential(TritonReLU(1024), TritonReLU(128))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        for i, layer in enumerate(self.layers):
            if i == 0:
                x = layer(x)
        x = self.tail(x)
        return x
