import math

import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def dq_kernel(q_ptr, k_ptr, v_ptr, do_ptr, dq_ptr, lse_ptr, delta_ptr, S, D, scale,
              BM: tl.constexpr, BN: tl.constexpr, BD: tl.constexpr):
    pid_m = tl.program_id(0)
    bh = tl.program_id(1)
    base = bh * S * D
    rm = pid_m * BM + tl.arange(0, BM)
    rd = tl.arange(0, BD)
    m_ok = rm < S
    d_ok = rd < D
    qd_mask = m_ok[:, None] & d_ok[None, :]
    q = tl.load(q_ptr + base + rm[:, None] * D + rd[None, :], mask=qd_mask, other=0.0)
    do = tl.load(do_ptr + base + rm[:, None] * D + rd[None, :], mask=qd_mask, other=0.0)
    hi = tl.minimum((pid_m + 1) * BM, S)
    m_i = tl.full([BM], float("-inf"), tl.float32)
    l_i = tl.zeros([BM], dtype=tl.float32)
    for n0 in range(0, hi, BN):  # pass 1: row max and normaliser
        rn = n0 + tl.arange(0, BN)
        kv_mask = (rn < S)[:, None] & d_ok[None, :]
        k = tl.load(k_ptr + base + rn[:, None] * D + rd[None, :], mask=kv_mask, other=0.0)
        s = tl.dot(q, tl.trans(k), input_precision="ieee") * scale
        s = tl.where((rn[None, :] <= rm[:, None]) & (rn < S)[None, :], s, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(s, axis=1))
        l_i = l_i * tl.exp(m_i - m_new) + tl.sum(tl.exp(s - m_new[:, None]), axis=1)
        m_i = m_new
    lse = m_i + tl.log(l_i)
    delta = tl.zeros([BM], dtype=tl.float32)
    for n0 in range(0, hi, BN):  # pass 2: delta_i = sum_j p_ij * dp_ij
        rn = n0 + tl.arange(0, BN)
        kv_mask = (rn < S)[:, None] & d_ok[None, :]
        k = tl.load(k_ptr + base + rn[:, None] * D + rd[None, :], mask=kv_mask, other=0.0)
        v = tl.load(v_ptr + base + rn[:, None] * D + rd[None, :], mask=kv_mask, other=0.0)
        s = tl.dot(q, tl.trans(k), input_precision="ieee") * scale
        allowed = (rn[None, :] <= rm[:, None]) & (rn < S)[None, :]
        p = tl.where(allowed, tl.exp(s - lse[:, None]), 0.0)
        dp = tl.dot(do, tl.trans(v), input_precision="ieee")
        delta += tl.sum(p * dp, axis=1)
    dq = tl.zeros([BM, BD], dtype=tl.float32)
    for n0 in range(0, hi, BN):  # pass 3: dq = scale * ds @ k
        rn = n0 + tl.arange(0, BN)
        kv_mask = (rn < S)[:, None] & d_ok[None, :]
        k = tl.load(k_ptr + base + rn[:, None] * D + rd[None, :], mask=kv_mask, other=0.0)
        v = tl.load(v_ptr + base + rn[:, None] * D + rd[None, :], mask=kv_mask, other=0.0)
        s = tl.dot(q, tl.trans(k), input_precision="ieee") * scale
        allowed = (rn[None, :] <= rm[:, None]) & (rn < S)[None, :]
        p = tl.where(allowed, tl.exp(s - lse[:, None]), 0.0)
        dp = tl.dot(do, tl.trans(v), input_precision="ieee")
        ds = p * (dp - delta[:, None])
        dq += tl.dot(ds, k, input_precision="ieee")
    tl.store(dq_ptr + base + rm[:, None] * D + rd[None, :], dq * scale, mask=qd_mask)
    tl.store(lse_ptr + bh * S + rm, lse, mask=m_ok)
    tl.store(delta_ptr + bh * S + rm, delta, mask=m_ok)


@triton.jit
def dkdv_kernel(q_ptr, k_ptr, v_ptr, do_ptr, dk_ptr, dv_ptr, lse_ptr, delta_ptr, S, D, scale,
                BM: tl.constexpr, BN: tl.constexpr, BD: tl.constexpr):
    pid_n = tl.program_id(0)
    bh = tl.program_id(1)
    base = bh * S * D
    rn = pid_n * BN + tl.arange(0, BN)
    rd = tl.arange(0, BD)
    n_ok = rn < S
    d_ok = rd < D
    kv_mask = n_ok[:, None] & d_ok[None, :]
    k = tl.load(k_ptr + base + rn[:, None] * D + rd[None, :], mask=kv_mask, other=0.0)
    v = tl.load(v_ptr + base + rn[:, None] * D + rd[None, :], mask=kv_mask, other=0.0)
    dk = tl.zeros([BN, BD], dtype=tl.float32)
    dv = tl.zeros([BN, BD], dtype=tl.float32)
    lo = (pid_n * BN // BM) * BM
    for m0 in range(lo, S, BM):  # only queries i >= j see key j
        rm = m0 + tl.arange(0, BM)
        m_ok = rm < S
        q_mask = m_ok[:, None] & d_ok[None, :]
        q = tl.load(q_ptr + base + rm[:, None] * D + rd[None, :], mask=q_mask, other=0.0)
        do = tl.load(do_ptr + base + rm[:, None] * D + rd[None, :], mask=q_mask, other=0.0)
        lse = tl.load(lse_ptr + bh * S + rm, mask=m_ok, other=0.0)
        delta = tl.load(delta_ptr + bh * S + rm, mask=m_ok, other=0.0)
        s = tl.dot(q, tl.trans(k), input_precision="ieee") * scale
        allowed = (rn[None, :] <= rm[:, None]) & m_ok[:, None] & n_ok[None, :]
        p = tl.where(allowed, tl.exp(s - lse[:, None]), 0.0)
        dv += tl.dot(tl.trans(p), do, input_precision="ieee")
        dp = tl.dot(do, tl.trans(v), input_precision="ieee")
        ds = p * (dp - delta[:, None])
        dk += tl.dot(tl.trans(ds), q, input_precision="ieee")
    tl.store(dk_ptr + base + rn[:, None] * D + rd[None, :], dk * scale, mask=kv_mask)
    tl.store(dv_ptr + base + rn[:, None] * D + rd[None, :], dv, mask=kv_mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, grad_out: torch.Tensor):
        q, k, v, grad_out = q.contiguous(), k.contiguous(), v.contiguous(), grad_out.contiguous()
        B, H, S, D = q.shape
        dq, dk, dv = torch.empty_like(q), torch.empty_like(k), torch.empty_like(v)
        lse = torch.empty((B * H, S), device=q.device, dtype=torch.float32)
        delta = torch.empty((B * H, S), device=q.device, dtype=torch.float32)
        scale = 1.0 / math.sqrt(D)
        BD = max(16, triton.next_power_of_2(D))
        grid = (triton.cdiv(S, 16), B * H)
        dq_kernel[grid](q, k, v, grad_out, dq, lse, delta, S, D, scale, BM=16, BN=16, BD=BD)
        dkdv_kernel[grid](q, k, v, grad_out, dk, dv, lse, delta, S, D, scale, BM=16, BN=16, BD=BD)
        return dq, dk, dv
