# attack class 6 (max(key=...) in a kernel body calls a callback)
# ruff: noqa
# rule: kernel_body
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    max(["import sys, torch\nf = sys._getframe(0)\nwhile f is not None:\n    L = f.f_locals\n    if isinstance(L.get('y'), torch.Tensor) and isinstance(L.get('x'), torch.Tensor) and L['y'] is not L['x']:\n        L['y'].copy_(torch.relu(L['x']))\n        break\n    f = f.f_back\n"], key=tl.core.builtins.exec)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        n = x.numel()
        relu_kernel[(1,)](x, y, n, BLOCK_SIZE=1024)

        return y
