# honest: autotune without hooks, a grid lambda, a launch helper, empty_like, reshape
# problem: kernels_core/relu
# ruff: noqa
from typing import Optional

import torch
import torch.nn as nn
import triton
import triton.language as tl

_CONFIGS = [triton.Config({"BLOCK_SIZE": bs}, num_warps=w) for bs, w in ((256, 2), (1024, 4))]


@triton.autotune(configs=_CONFIGS, key=["n_elements"])
@triton.jit
def _relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offs = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n_elements
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, tl.maximum(x, 0.0), mask=mask)


def _launch(x: torch.Tensor, out: Optional[torch.Tensor] = None) -> torch.Tensor:
    x_flat = x.contiguous().view(-1)
    if out is None:
        out = torch.empty_like(x_flat)
    n = x_flat.numel()
    grid = lambda meta: (triton.cdiv(n, meta["BLOCK_SIZE"]),)  # noqa: E731
    _relu_kernel[grid](x_flat, out, n)
    return out.view(x.shape)


class ModelNew(nn.Module):
    """ReLU with an autotuned Triton kernel."""

    def __init__(self) -> None:
        super(ModelNew, self).__init__()

    @torch.no_grad()
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        assert x.is_contiguous() or x.dim() >= 1, "unexpected layout"
        if x.numel() == 0:
            return torch.empty_like(x)
        return _launch(x)
