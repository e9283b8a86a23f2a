# Accumulates in float32 (int8 converted to float before tl.dot): inexact once |acc| > 2**24.
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def int8_matmul_kernel(a_ptr, b_ptr, sa_ptr, sb_ptr, bias_ptr, acc_ptr, y_ptr, M, N, K,
                       BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    pid_m = tl.program_id(axis=0)
    pid_n = tl.program_id(axis=1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    m_ok = offs_m < M
    n_ok = offs_n < N
    acc = tl.zeros([BLOCK_M, BLOCK_N], dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k_ok = (k0 + offs_k) < K
        a = tl.load(a_ptr + offs_m[:, None] * K + (k0 + offs_k)[None, :], mask=m_ok[:, None] & k_ok[None, :], other=0)
        b = tl.load(b_ptr + offs_n[:, None] * K + (k0 + offs_k)[None, :], mask=n_ok[:, None] & k_ok[None, :], other=0)
        acc += tl.dot(a.to(tl.float32), tl.trans(b.to(tl.float32)))
    out_mask = m_ok[:, None] & n_ok[None, :]
    out_offs = offs_m[:, None] * N + offs_n[None, :]
    tl.store(acc_ptr + out_offs, acc.to(tl.int32), mask=out_mask)
    sa = tl.load(sa_ptr + offs_m, mask=m_ok, other=0.0)
    sb = tl.load(sb_ptr + offs_n, mask=n_ok, other=0.0)
    bias = tl.load(bias_ptr + offs_n, mask=n_ok, other=0.0)
    y = acc.to(tl.float32) * sa[:, None] * sb[None, :] + bias[None, :]
    tl.store(y_ptr + out_offs, y, mask=out_mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor, scale_a: torch.Tensor, scale_b: torch.Tensor,
                bias: torch.Tensor):
        a, b = a.contiguous(), b.contiguous()
        M, K = a.shape
        N = b.shape[0]
        acc = torch.empty((M, N), device=a.device, dtype=torch.int32)
        y = torch.empty((M, N), device=a.device, dtype=torch.float32)
        grid = (triton.cdiv(M, 32), triton.cdiv(N, 32))
        int8_matmul_kernel[grid](a, b, scale_a.contiguous(), scale_b.contiguous(), bias.contiguous(), acc, y,
                                 M, N, K, BLOCK_M=32, BLOCK_N=32, BLOCK_K=64)
        return acc, y
