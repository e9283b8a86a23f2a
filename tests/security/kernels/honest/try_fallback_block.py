# honest: try/except around a launch that retries with a smaller block size
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
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0)
    tl.store(y_ptr + offsets, tl.where(x > 0, x, 0.0), mask=mask)


def launch_relu(x: torch.Tensor, out: torch.Tensor, block: int) -> None:
    n = x.numel()
    relu_kernel[(triton.cdiv(n, block),)](x, out, n, BLOCK_SIZE=block)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        out = torch.empty_like(x)
        try:
            launch_relu(x, out, 4096)
        except RuntimeError:
            # too many resources on this GPU: fall back to a smaller block
            launch_relu(x, out, 256)
        return out
