import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def e2m1_code(q):
    # Magnitude code of |q| on the grid 0, .5, 1, 1.5, 2, 3, 4, 6: one step past each midpoint;
    # a tie moves up only when the upper code is even (the midpoints 0.75, 1.75, 3.5).
    a = tl.abs(q)
    c = (a > 0.25).to(tl.int32) + (a >= 0.75).to(tl.int32) + (a > 1.25).to(tl.int32)
    c += (a >= 1.75).to(tl.int32) + (a > 2.5).to(tl.int32) + (a >= 3.5).to(tl.int32) + (a > 5.0).to(tl.int32)
    return c


@triton.jit
def mxfp4_kernel(x_ptr, packed_ptr, scale_ptr, N, NB, HALF: tl.constexpr):
    row = tl.program_id(axis=0)
    blk = tl.program_id(axis=1)
    pair = blk * HALF + tl.arange(0, HALF)  # byte (element pair) index within the row
    npairs = N // 2
    ok = pair < npairs
    col = 2 * pair
    x0 = tl.load(x_ptr + row * N + col, mask=ok, other=0.0)
    x1 = tl.load(x_ptr + row * N + col + 1, mask=ok, other=0.0)
    amax = tl.maximum(tl.max(tl.abs(x0), axis=0), tl.max(tl.abs(x1), axis=0))
    biased = (amax.to(tl.int32, bitcast=True) >> 23) & 0xFF  # 0 for zero and subnormal amax
    e = tl.maximum(biased - 129, -127)
    inv = ((127 - e) << 23).to(tl.float32, bitcast=True)  # 2**(-e), a normal float32 for e in [-127, 125]
    s0 = (x0.to(tl.int32, bitcast=True) >> 31) & 1
    s1 = (x1.to(tl.int32, bitcast=True) >> 31) & 1
    c0 = e2m1_code(x0 * inv) | (s0 << 3)
    c1 = e2m1_code(x1 * inv) | (s1 << 3)
    tl.store(packed_ptr + row * npairs + pair, (c0 | (c1 << 4)).to(tl.uint8), mask=ok)
    tl.store(scale_ptr + row * NB + blk, (e + 127).to(tl.uint8))


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor):
        x = x.contiguous()
        M, N = x.shape
        nb = triton.cdiv(N, 32)
        packed = torch.empty((M, N // 2), device=x.device, dtype=torch.uint8)
        scales = torch.empty((M, nb), device=x.device, dtype=torch.uint8)
        if M > 0 and nb > 0:
            mxfp4_kernel[(M, nb)](x, packed, scales, N, nb, HALF=16)
        return packed, scales
