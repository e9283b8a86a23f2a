# honest: print and logging calls for diagnostics
# problem: kernels_core/relu
# ruff: noqa
import logging

import torch
import torch.nn as nn
import triton
import triton.language as tl

logger = logging.getLogger(__name__)
VERBOSE = False


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    tl.store(y_ptr + offsets, tl.maximum(x, 0.0), mask=mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        logger.info("ModelNew: Triton ReLU")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        out = torch.empty_like(x)
        n = x.numel()
        grid = (triton.cdiv(n, 1024),)
        logger.debug("launching relu on %d elements, grid %s", n, grid)
        if VERBOSE:
            print(f"relu: shape={tuple(x.shape)} dtype={x.dtype} grid={grid}")
        relu_kernel[grid](x, out, n, BLOCK_SIZE=1024)
        return out
