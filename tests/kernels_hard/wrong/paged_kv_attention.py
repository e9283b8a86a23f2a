# Loads the whole last block of V (slots past the length hold NaN) and relies on p = 0 there: 0 * NaN = NaN.
import math

import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def paged_decode_kernel(q_ptr, k_ptr, v_ptr, table_ptr, lens_ptr, out_ptr, H, HKV, D, BS, MAXB, scale,
                        BLOCK_T: tl.constexpr, BLOCK_D: tl.constexpr):
    b = tl.program_id(0)
    h = tl.program_id(1)
    kvh = h // (H // HKV)
    dims = tl.arange(0, BLOCK_D)
    d_ok = dims < D
    q = tl.load(q_ptr + (b * H + h) * D + dims, mask=d_ok, other=0.0).to(tl.float32)
    length = tl.load(lens_ptr + b)
    n_blocks = tl.cdiv(length, BS)
    slots = tl.arange(0, BLOCK_T)
    m = tl.full((), float("-inf"), tl.float32)
    for j in range(0, n_blocks):  # pass 1: the row max over valid tokens
        phys = tl.load(table_ptr + b * MAXB + j).to(tl.int64)
        valid = (slots < BS) & (j * BS + slots < length)
        base = ((phys * BS + slots) * HKV + kvh) * D
        k = tl.load(k_ptr + base[:, None] + dims[None, :], mask=valid[:, None] & d_ok[None, :], other=0.0)
        s = tl.sum(k.to(tl.float32) * q[None, :], axis=1) * scale
        m = tl.maximum(m, tl.max(tl.where(valid, s, float("-inf")), axis=0))
    l_sum = tl.zeros((), dtype=tl.float32)
    acc = tl.zeros([BLOCK_D], dtype=tl.float32)
    for j in range(0, n_blocks):  # pass 2: exp-sum and weighted values
        phys = tl.load(table_ptr + b * MAXB + j).to(tl.int64)
        valid = (slots < BS) & (j * BS + slots < length)
        base = ((phys * BS + slots) * HKV + kvh) * D
        kv_mask = valid[:, None] & d_ok[None, :]
        k = tl.load(k_ptr + base[:, None] + dims[None, :], mask=kv_mask, other=0.0)
        s = tl.sum(k.to(tl.float32) * q[None, :], axis=1) * scale
        p = tl.where(valid, tl.exp(s - m), 0.0)
        v = tl.load(v_ptr + base[:, None] + dims[None, :], mask=d_ok[None, :], other=0.0).to(tl.float32)
        acc += tl.sum(p[:, None] * v, axis=0)
        l_sum += tl.sum(p, axis=0)
    res = tl.where(length > 0, acc / l_sum, 0.0)
    tl.store(out_ptr + (b * H + h) * D + dims, res.to(tl.float16), mask=d_ok)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k_cache: torch.Tensor, v_cache: torch.Tensor, block_table: torch.Tensor,
                context_lens: torch.Tensor) -> torch.Tensor:
        q, k_cache, v_cache = q.contiguous(), k_cache.contiguous(), v_cache.contiguous()
        block_table, context_lens = block_table.contiguous(), context_lens.contiguous()
        B, H, D = q.shape
        BS, HKV = k_cache.shape[1], k_cache.shape[2]
        out = torch.empty((B, H, D), device=q.device, dtype=torch.float16)
        if B > 0:
            paged_decode_kernel[(B, H)](q, k_cache, v_cache, block_table, context_lens, out, H, HKV, D, BS,
                                        block_table.shape[1], 1.0 / math.sqrt(D),
                                        BLOCK_T=triton.next_power_of_2(BS), BLOCK_D=triton.next_power_of_2(D))
        return out
