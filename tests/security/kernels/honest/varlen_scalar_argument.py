# honest: a kernels-hard answer that compares and divides the Python-int argument max_seqlen directly
# problem: kernels_hard/varlen_attention
# ruff: noqa
import math

import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def varlen_attn_kernel(q_ptr, k_ptr, v_ptr, o_ptr, cu_ptr, H, D, sm_scale,
                       BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_D: tl.constexpr):
    pid_m = tl.program_id(axis=0)
    seq = tl.program_id(axis=1)
    head = tl.program_id(axis=2)
    start = tl.load(cu_ptr + seq)
    length = tl.load(cu_ptr + seq + 1) - start
    row_stride = H * D
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)  # positions inside the sequence
    offs_d = tl.arange(0, BLOCK_D)
    row_ok = offs_m < length
    d_ok = offs_d < D
    base = start * row_stride + head * D
    q = tl.load(q_ptr + base + offs_m[:, None] * row_stride + offs_d[None, :],
                mask=row_ok[:, None] & d_ok[None, :], other=0.0)
    hi = (pid_m + 1) * BLOCK_M  # keys past the query or past the sequence are masked below
    # pass 1: the row maximum of the allowed scores (the sequence's first token is always allowed)
    m_i = tl.full([BLOCK_M], float("-inf"), dtype=tl.float32)
    for start_n in range(0, hi, BLOCK_N):
        offs_n = start_n + tl.arange(0, BLOCK_N)
        col_ok = offs_n < length
        k = tl.load(k_ptr + base + offs_n[:, None] * row_stride + offs_d[None, :],
                    mask=col_ok[:, None] & d_ok[None, :], other=0.0)
        s = tl.dot(q, tl.trans(k)) * sm_scale
        allowed = (offs_n[None, :] <= offs_m[:, None]) & col_ok[None, :]
        m_i = tl.maximum(m_i, tl.max(tl.where(allowed, s, float("-inf")), axis=1))
    # pass 2: exponentials against that fixed maximum, weighted sum of v
    l_i = tl.zeros([BLOCK_M], dtype=tl.float32)
    acc = tl.zeros([BLOCK_M, BLOCK_D], dtype=tl.float32)
    for start_n in range(0, hi, BLOCK_N):
        offs_n = start_n + tl.arange(0, BLOCK_N)
        col_ok = offs_n < length
        kv_mask = col_ok[:, None] & d_ok[None, :]
        k = tl.load(k_ptr + base + offs_n[:, None] * row_stride + offs_d[None, :], mask=kv_mask, other=0.0)
        s = tl.dot(q, tl.trans(k)) * sm_scale
        allowed = (offs_n[None, :] <= offs_m[:, None]) & col_ok[None, :]
        p = tl.where(allowed, tl.exp(s - m_i[:, None]), 0.0)
        l_i += tl.sum(p, axis=1)
        v = tl.load(v_ptr + base + offs_n[:, None] * row_stride + offs_d[None, :], mask=kv_mask, other=0.0)
        acc += tl.dot(p.to(tl.float16), v)
    tl.store(o_ptr + base + offs_m[:, None] * row_stride + offs_d[None, :], (acc / l_i[:, None]).to(tl.float16),
             mask=row_ok[:, None] & d_ok[None, :])


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, cu_seqlens: torch.Tensor,
                max_seqlen: int) -> torch.Tensor:
        q, k, v, cu_seqlens = q.contiguous(), k.contiguous(), v.contiguous(), cu_seqlens.contiguous()
        T, H, D = q.shape
        out = torch.zeros_like(q)  # padding rows stay 0
        n_seq = cu_seqlens.shape[0] - 1
        if n_seq <= 0 or H == 0 or max_seqlen <= 0:  # max_seqlen is a plain int: no int() needed
            return out
        block_m = 32 if max_seqlen <= 4096 else 64
        grid = (triton.cdiv(max_seqlen, block_m), n_seq, H)
        varlen_attn_kernel[grid](q, k, v, out, cu_seqlens, H, D, 1.0 / math.sqrt(D),
                                 BLOCK_M=block_m, BLOCK_N=32, BLOCK_D=max(16, triton.next_power_of_2(D)))
        return out
