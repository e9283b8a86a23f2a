# Squares summed in float16: overflow (inf) for rows of magnitude ~1e4, so y collapses to 0.
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_rmsnorm_kernel(x_ptr, r_ptr, w_ptr, y_ptr, h_ptr, N, eps, BLOCK_N: tl.constexpr):
    row = tl.program_id(axis=0)
    cols = tl.arange(0, BLOCK_N)
    inside = cols < N
    x = tl.load(x_ptr + row * N + cols, mask=inside, other=0.0).to(tl.float32)
    r = tl.load(r_ptr + row * N + cols, mask=inside, other=0.0).to(tl.float32)
    h16 = (x + r).to(tl.float16)
    tl.store(h_ptr + row * N + cols, h16, mask=inside)
    h = h16.to(tl.float32)
    sq = (h16 * h16).to(tl.float16)
    ms = tl.sum(sq, axis=0).to(tl.float32) / N
    w = tl.load(w_ptr + cols, mask=inside, other=0.0).to(tl.float32)
    y = h * (1.0 / tl.sqrt(ms + eps)) * w
    tl.store(y_ptr + row * N + cols, y.to(tl.float16), mask=inside)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, residual: torch.Tensor, weight: torch.Tensor):
        x, residual, weight = x.contiguous(), residual.contiguous(), weight.contiguous()
        M, N = x.shape
        y = torch.empty_like(x)
        h = torch.empty_like(x)
        if M > 0:
            add_rmsnorm_kernel[(M,)](x, residual, weight, y, h, N, 1e-6, BLOCK_N=triton.next_power_of_2(N))
        return y, h
