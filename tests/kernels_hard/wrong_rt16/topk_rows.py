import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def order_key(x):
    # unsigned order key of a float32 in [0, 2**32): ascending keys = ascending floats
    bits = x.to(tl.int32, bitcast=True).to(tl.int64) & 0xFFFFFFFF
    flip = ((bits >> 31) * 0x7FFFFFFF) | 0x80000000
    return bits ^ flip


@triton.jit
def topk_key_kernel(x_ptr, val_ptr, idx_ptr, N, K, BLOCK_N: tl.constexpr):
    row = tl.program_id(axis=0)
    cols = tl.arange(0, BLOCK_N)
    inside = cols < N
    x = tl.load(x_ptr + row * N + cols, mask=inside, other=float("-inf"))
    kx = order_key(x)
    taken = inside == 0  # padding lanes are never chosen
    for j in range(0, K):
        cand = tl.where(taken, -1, kx)
        best = tl.max(cand, axis=0)
        hit = (cand == best) & (taken == 0)
        pick = tl.min(tl.where(hit, cols, BLOCK_N), axis=0)
        tl.store(val_ptr + row * K + j, tl.load(x_ptr + row * N + pick))
        tl.store(idx_ptr + row * K + j, pick.to(tl.int64))
        taken = taken | (cols == pick)


class ModelNew(nn.Module):
    def __init__(self, k: int = 6):
        super().__init__()
        self.k = k

    def forward(self, x: torch.Tensor):
        x = x.contiguous()
        M, N = x.shape
        values = torch.empty((M, self.k), device=x.device, dtype=x.dtype)
        indices = torch.empty((M, self.k), device=x.device, dtype=torch.int64)
        if M > 0:
            topk_key_kernel[(M,)](x, values, indices, N, self.k, BLOCK_N=triton.next_power_of_2(N))
        return values, indices
