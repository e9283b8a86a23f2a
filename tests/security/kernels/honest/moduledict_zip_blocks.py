# honest: an nn.ModuleDict, zip over two ModuleLists, indexing and slicing a ModuleList, device properties
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
    def __init__(self, depth: int = 3):
        super().__init__()
        self.blocks = nn.ModuleList([TritonReLU(128 << i) for i in range(depth)])
        self.extra = nn.ModuleList()
        for _ in range(depth):
            self.extra.append(TritonReLU(128))
        self.heads = nn.ModuleDict({"first": TritonReLU(512), "last": TritonReLU(64)})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        sms = torch.cuda.get_device_properties(x.device).multi_processor_count if x.is_cuda else 1
        assert sms >= 1
        x = self.heads["first"](x)
        for block, extra in zip(self.blocks, self.extra):
            x = extra(block(x))
        for i in range(len(self.blocks)):
            x = self.blocks[i](x)
        for block in self.blocks[1:]:
            x = block(x)
        return self.heads["last"](self.blocks[-1](x))
