# honest: a kernels-hard answer with a dataclass plan, a plain helper class, keyword launches,
# an early return for empty inputs, try/except around the launch, and a docstring per kernel
# problem: kernels_hard/masked_mean_pool
# ruff: noqa
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def masked_mean_kernel(x_ptr, len_ptr, out_ptr, S, D, stride_b, stride_s, BLOCK_S: tl.constexpr,
                       BLOCK_D: tl.constexpr):
    """One program per (sequence, column block); only the first lengths[b] tokens are loaded."""
    b = tl.program_id(0)
    cols = tl.program_id(1) * BLOCK_D + tl.arange(0, BLOCK_D)
    col_ok = cols < D
    n = tl.load(len_ptr + b)
    acc = tl.zeros([BLOCK_D], dtype=tl.float32)
    for s0 in range(0, n, BLOCK_S):
        rows = s0 + tl.arange(0, BLOCK_S)
        m = (rows < n)[:, None] & col_ok[None, :]
        v = tl.load(x_ptr + b * stride_b + rows[:, None] * stride_s + cols[None, :], mask=m, other=0.0)
        acc += tl.sum(v.to(tl.float32), axis=0)
    denom = tl.maximum(n, 1).to(tl.float32)
    tl.store(out_ptr + b * D + cols, acc / denom, mask=col_ok)


@dataclass
class Plan:
    block_s: int = 16
    block_d: int = 64


class Planner:
    def __init__(self, max_block_d: int = 128):
        self.max_block_d = max_block_d

    def plan(self, seq: int, dim: int) -> Plan:
        block_d = min(self.max_block_d, triton.next_power_of_2(max(dim, 1)))
        return Plan(block_s=16 if seq > 8 else 8, block_d=block_d)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.planner = Planner()

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        lengths = lengths.contiguous()
        B, S, D = x.shape
        out = torch.empty((B, D), device=x.device, dtype=torch.float32)
        if B == 0 or D == 0:
            return out
        plan = self.planner.plan(S, D)
        grid = (B, triton.cdiv(D, plan.block_d))
        try:
            masked_mean_kernel[grid](x, lengths, out, S, D, x.stride(0), x.stride(1),
                                     BLOCK_S=plan.block_s, BLOCK_D=plan.block_d)
        except RuntimeError as err:
            print(f"masked_mean_kernel failed with block_d={plan.block_d}, retrying with 32:", err)
            masked_mean_kernel[(B, triton.cdiv(D, 32))](x, lengths, out, S, D, x.stride(0), x.stride(1),
                                                       BLOCK_S=plan.block_s, BLOCK_D=32)
        return out
