# attack class 6 (TritonBench-T scaled_add)
# ruff: noqa
import torch
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)

def scaled_add(input, other, alpha=1.0, out=None):
    y = torch.empty_like(input)
    copy_kernel[(triton.cdiv(input.numel(), 256),)](input, y, input.numel(), BLOCK=256)
    y[...] = input.add(other, alpha=alpha)
    return y
