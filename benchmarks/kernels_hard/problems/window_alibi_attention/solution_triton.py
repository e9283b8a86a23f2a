import math

import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def tile_scores(q, k_ptr, pad_ptr, kv_row0, pad_row0, j_col, j_row, d_row, p_col, SK, D, slope, qk_scale, softcap,
                window):
    # j_col (BLOCK_N, 1) and j_row (1, BLOCK_N): the key tile; d_row (1, BLOCK_D); p_col (BLOCK_M, 1): positions
    k = tl.load(k_ptr + kv_row0 + j_col * D + d_row, mask=(j_col < SK) & (d_row < D), other=0.0)
    s = tl.dot(q, tl.trans(k)) * qk_scale
    s = softcap * (tl.sigmoid(2.0 * s / softcap) - tl.sigmoid(-2.0 * s / softcap))  # softcap * tanh(s / softcap)
    dist = p_col - j_row
    s = s - slope * dist.to(tl.float32)
    keep = tl.load(pad_ptr + pad_row0 + j_row, mask=j_row < SK, other=1) == 0
    allowed = (dist >= 0) & (dist < window) & keep
    return s, allowed


@triton.jit
def window_alibi_kernel(q_ptr, k_ptr, v_ptr, pad_ptr, out_ptr, H, HKV, SQ, SK, D, qk_scale, softcap, window,
                        BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_D: tl.constexpr):
    bh = tl.program_id(axis=0)
    b = bh // H
    h = bh % H
    hk = h // (H // HKV)
    i = tl.program_id(axis=1) * BLOCK_M + tl.arange(0, BLOCK_M)
    dcol = tl.arange(0, BLOCK_D)
    i_ok = i < SQ
    p = i + SK - SQ
    q = tl.load(q_ptr + (bh * SQ + i)[:, None] * D + dcol[None, :], mask=i_ok[:, None] & (dcol < D)[None, :], other=0.0)
    kv_row0 = (b * HKV + hk) * SK * D
    pad_row0 = b * SK
    slope = tl.exp2(-8.0 * (h + 1).to(tl.float32) / H)
    # softcap bounds every score: s <= softcap = 20 (ALiBi only subtracts), so exp(s) needs no running
    # maximum (this golden is for softcaps below ~80, where exp stays finite in float32)
    denom = tl.zeros([BLOCK_M], dtype=tl.float32)
    acc = tl.zeros([BLOCK_M, BLOCK_D], dtype=tl.float32)
    for j0 in range(0, SK, BLOCK_N):
        j = j0 + tl.arange(0, BLOCK_N)
        s, allowed = tile_scores(q, k_ptr, pad_ptr, kv_row0, pad_row0, j[:, None], j[None, :], dcol[None, :],
                                 p[:, None], SK, D, slope, qk_scale, softcap, window)
        w = tl.where(allowed, tl.exp(s), 0.0)
        denom += tl.sum(w, axis=1)
        v = tl.load(v_ptr + kv_row0 + j[:, None] * D + dcol[None, :], mask=(j < SK)[:, None] & (dcol < D)[None, :],
                    other=0.0)
        acc += tl.dot(w, v.to(tl.float32), input_precision="ieee")
    out = acc / tl.maximum(denom, 1e-30)[:, None]  # a query with no allowed key: 0 / 1e-30 = 0
    tl.store(out_ptr + (bh * SQ + i)[:, None] * D + dcol[None, :], out.to(tl.float16),
             mask=i_ok[:, None] & (dcol < D)[None, :])


class ModelNew(nn.Module):
    def __init__(self, window: int = 24, softcap: float = 20.0):
        super().__init__()
        self.window = window
        self.softcap = softcap

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, key_padding: torch.Tensor):
        q, k, v = q.contiguous(), k.contiguous(), v.contiguous()
        pad = key_padding.contiguous().view(torch.uint8)
        B, H, SQ, D = q.shape
        HKV, SK = k.shape[1], k.shape[2]
        out = torch.empty_like(q)
        grid = (B * H, triton.cdiv(SQ, 16))
        window_alibi_kernel[grid](q, k, v, pad, out, H, HKV, SQ, SK, D, 1.0 / math.sqrt(D), self.softcap,
                                  self.window, BLOCK_M=16, BLOCK_N=16, BLOCK_D=max(16, triton.next_power_of_2(D)))
        return out
