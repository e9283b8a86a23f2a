# attack class 6 (a triton.heuristics lambda reads tensor values from its args into a constexpr)
# ruff: noqa
# rule: torch_compute
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.heuristics({"PEAK": lambda args: float(max(args["x_ptr"].view(-1) if False else args["x_ptr"]) > 0)})
@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr, PEAK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n_elements
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(y_ptr + offs, x * PEAK, mask=mask)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        relu_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), BLOCK_SIZE=1024)
        return y
