# honest: a grid-size helper, several kernels, empty_like/new_empty/view/reshape/permute/contiguous,
# keyword launch arguments and a 2-D launch
# problem: kernels_core/matmul_bias_relu
# ruff: noqa
import math

import torch
import torch.nn as nn
import triton
import triton.language as tl

BLOCK_M = 16
BLOCK_N = 32
BLOCK_K = 16


@triton.jit
def matmul_kernel(a_ptr, b_ptr, c_ptr, M, N, K, stride_am, stride_ak, stride_bk, stride_bn, stride_cm,
                  stride_cn, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k0 in range(0, K, BK):
        rk = k0 + tl.arange(0, BK)
        a = tl.load(a_ptr + rm[:, None] * stride_am + rk[None, :] * stride_ak,
                    mask=(rm[:, None] < M) & (rk[None, :] < K), other=0.0)
        b = tl.load(b_ptr + rk[:, None] * stride_bk + rn[None, :] * stride_bn,
                    mask=(rk[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc += tl.dot(a, b, input_precision="ieee")
    tl.store(c_ptr + rm[:, None] * stride_cm + rn[None, :] * stride_cn, acc,
             mask=(rm[:, None] < M) & (rn[None, :] < N))


@triton.jit
def bias_relu_kernel(c_ptr, bias_ptr, y_ptr, n, N, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    v = tl.load(c_ptr + offs, mask=m, other=0.0) + tl.load(bias_ptr + offs % N, mask=m, other=0.0)
    tl.store(y_ptr + offs, tl.maximum(v, 0.0), mask=m)


def grid_2d(m: int, n: int, bm: int = BLOCK_M, bn: int = BLOCK_N) -> tuple:
    return (math.ceil(m / bm), triton.cdiv(n, bn))


class ModelNew(nn.Module):
    def __init__(self) -> None:
        super().__init__()

    def forward(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        M, K = x.shape
        N = w.shape[1]
        # read w through a transposed view: (N, K) permuted back to (K, N), strides passed explicitly
        wt = w.t().contiguous().permute(1, 0)
        c = x.new_empty((M, N))
        matmul_kernel[grid_2d(M, N)](
            x, wt, c, M, N, K,
            x.stride(0), x.stride(1), wt.stride(0), wt.stride(1), c.stride(0), c.stride(1),
            BM=BLOCK_M, BN=BLOCK_N, BK=BLOCK_K,
        )
        flat = c.view(-1)
        y = torch.empty_like(flat)
        bias_relu_kernel[(triton.cdiv(flat.numel(), 256),)](flat, b.contiguous(), y, flat.numel(), N, BLOCK=256)
        return y.reshape(M, N)
