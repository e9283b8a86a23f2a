import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def hashed_bag_kernel(ids_ptr, off_ptr, w_ptr, table_ptr, out_ptr, D, BITS, max_norm,
                      BLOCK_T: tl.constexpr, BLOCK_D: tl.constexpr):
    bag = tl.program_id(axis=0)
    dcol = tl.arange(0, BLOCK_D)
    d_ok = dcol < D
    start = tl.load(off_ptr + bag)
    end = tl.load(off_ptr + bag + 1)
    acc = tl.zeros([BLOCK_D], dtype=tl.float32)
    count = tl.zeros([BLOCK_T], dtype=tl.int32)
    for t0 in range(start, end, BLOCK_T):
        t = t0 + tl.arange(0, BLOCK_T)
        inside = t < end
        ids = tl.load(ids_ptr + t, mask=inside, other=-1)
        real = ids != -1
        h = ids.to(tl.uint64) * 0x9E3779B97F4A7C15  # wraps mod 2**64
        row = ((h >> (63 - BITS)) >> 1).to(tl.int64)  # logical shift by 64 - BITS; BITS == 0 gives 0
        w = tl.load(w_ptr + t, mask=real, other=0.0)
        e = tl.load(table_ptr + row[:, None] * D + dcol[None, :], mask=real[:, None] & d_ok[None, :], other=0.0)
        norm = tl.sqrt(tl.sum(e * e, axis=1))
        shrink = tl.minimum(max_norm / tl.fma(norm, 1.0, 1e-7), 1.0)  # max_norm / (norm + 1e-7), at most 1
        acc += tl.sum(e * (w * shrink)[:, None], axis=0)
        count += real.to(tl.int32)
    n = tl.sum(count, axis=0)
    out = acc / tl.maximum(n, 1).to(tl.float32)
    tl.store(out_ptr + bag * D + dcol, out, mask=d_ok)


class ModelNew(nn.Module):
    def __init__(self, max_norm: float = 1.0):
        super().__init__()
        self.max_norm = max_norm

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor, weights: torch.Tensor, table: torch.Tensor):
        ids, offsets, weights, table = ids.contiguous(), offsets.contiguous(), weights.contiguous(), table.contiguous()
        R, D = table.shape
        B = offsets.numel() - 1
        out = torch.empty((B, D), device=table.device, dtype=torch.float32)
        if B > 0:
            hashed_bag_kernel[(B,)](ids, offsets, weights, table, out, D, R.bit_length() - 1, self.max_norm,
                                    BLOCK_T=32, BLOCK_D=triton.next_power_of_2(D))
        return out
