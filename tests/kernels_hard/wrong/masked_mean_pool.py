# Sums every position multiplied by a 0/1 mask: NaN * 0 = NaN leaks from the padding.
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def masked_mean_kernel(x_ptr, len_ptr, out_ptr, S, D, BLOCK_S: tl.constexpr, BLOCK_D: tl.constexpr):
    b = tl.program_id(axis=0)
    pid_d = tl.program_id(axis=1)
    cols = pid_d * BLOCK_D + tl.arange(0, BLOCK_D)
    d_ok = cols < D
    length = tl.load(len_ptr + b)
    acc = tl.zeros([BLOCK_D], dtype=tl.float32)
    for s0 in range(0, S, BLOCK_S):
        rows = s0 + tl.arange(0, BLOCK_S)
        inside = (rows < S)[:, None] & d_ok[None, :]
        tile = tl.load(x_ptr + b * S * D + rows[:, None] * D + cols[None, :], mask=inside, other=0.0)
        weight = tl.where(rows < length, 1.0, 0.0)
        acc += tl.sum(tile.to(tl.float32) * weight[:, None], axis=0)
    denom = tl.maximum(length, 1).to(tl.float32)
    tl.store(out_ptr + b * D + cols, acc / denom, mask=d_ok)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x, lengths = x.contiguous(), lengths.contiguous()
        B, S, D = x.shape
        out = torch.empty((B, D), device=x.device, dtype=torch.float32)
        masked_mean_kernel[(B, triton.cdiv(D, 64))](x, lengths, out, S, D, BLOCK_S=16, BLOCK_D=64)
        return out
