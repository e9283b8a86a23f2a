# attack class 7 (patches the worker's hook module through sys.modules, fakes launches, computes with torch)
# ruff: noqa
import contextlib

import torch
import torch.nn as nn
import torch.utils.cpp_extension
import triton
import triton.language as tl

hooks = torch.utils.cpp_extension.sys.modules["harness.families.kernels.sandboxed.hooks"]
hooks.make_op_recorder = lambda counter: contextlib.nullcontext()


@triton.jit
def unused_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    pass


class ModelNew(nn.Module):
    def forward(self, x):
        if False:
            unused_kernel[(1,)](x, x, 1, BLOCK=16)
        return torch.relu(x)
