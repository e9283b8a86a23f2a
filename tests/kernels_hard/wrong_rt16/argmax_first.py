import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def order_key(x):
    # unsigned order key of a float32 in [0, 2**32), without mapping -0.0 to +0.0
    bits = x.to(tl.int32, bitcast=True).to(tl.int64) & 0xFFFFFFFF
    flip = ((bits >> 31) * 0x7FFFFFFF) | 0x80000000
    return bits ^ flip


@triton.jit
def argmax_key_kernel(x_ptr, out_ptr, N, BLOCK: tl.constexpr):
    row = tl.program_id(axis=0)
    offs = tl.arange(0, BLOCK)
    best_key = tl.full([], -1, tl.int64)
    best_idx = N
    nan_idx = N
    for start in range(0, N, BLOCK):
        cols = start + offs
        inside = cols < N
        x = tl.load(x_ptr + row * N + cols, mask=inside, other=float("-inf"))
        isnan = (x != x) & inside
        nan_idx = tl.minimum(nan_idx, tl.min(tl.where(isnan, cols, N), axis=0))
        k = tl.where(inside & (isnan == 0), order_key(x), -1)
        bk = tl.max(k, axis=0)
        bidx = tl.min(tl.where(k == bk, cols, N), axis=0)
        better = bk > best_key
        best_key = tl.where(better, bk, best_key)
        best_idx = tl.where(better, bidx, best_idx)
    tl.store(out_ptr + row, tl.where(nan_idx < N, nan_idx, best_idx).to(tl.int64))


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        M, N = x.shape
        out = torch.empty((M,), device=x.device, dtype=torch.int64)
        if M > 0:
            argmax_key_kernel[(M,)](x, out, N, BLOCK=1024)
        return out
