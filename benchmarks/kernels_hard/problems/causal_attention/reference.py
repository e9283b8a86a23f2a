"""Causal scaled-dot-product attention on float16 tensors with float32 accumulation.

Inputs: ``q``, ``k``, ``v`` (B, H, S, D) float16. With ``scale = 1 / sqrt(D)``:

* ``score[i, j] = scale * sum_d q[i, d] * k[j, d]`` (float32),
* query ``i`` attends to the keys ``j <= i`` only (causal; the diagonal is included),
* ``p[i, j] = softmax_j(score[i, :])`` over those keys (float32),
* ``out[i, d] = sum_j p[i, j] * v[j, d]``, accumulated in float32, rounded to float16 once.

Output (B, H, S, D) float16. S need not be a multiple of any tile size; q and k may have large
magnitudes (scores in the thousands), so a softmax without max subtraction overflows.
Checked with atol = 1e-2, rtol = 1e-2 (float16 output).
"""
import math

import torch
import torch.nn as nn

B, H, S, D = 4, 16, 2048, 64
CONFIGS = {
    "small": {"B": 1, "H": 2, "S": 77, "D": 48},
    "edge": {"B": 2, "H": 1, "S": 1, "D": 16},
    "large": {"B": B, "H": H, "S": S, "D": D},
}
DISTS = ["normal", "wide", "uniform"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        s_len, d = q.shape[-2], q.shape[-1]
        score = torch.matmul(q.float(), k.float().transpose(-1, -2)) * (1.0 / math.sqrt(d))
        future = torch.ones(s_len, s_len, dtype=torch.bool, device=q.device).triu(1)
        score = score.masked_fill(future, float("-inf"))
        return torch.matmul(torch.softmax(score, dim=-1), v.float()).half()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    shape = (cfg["B"], cfg["H"], cfg["S"], cfg["D"])
    q, k, v = (torch.randn(shape, generator=gen) for _ in range(3))
    if dist == "wide":  # scores of a few thousand: only max subtraction keeps exp finite
        q, k = q * 12.0, k * 12.0
    elif dist == "uniform":  # all-positive scores, nearly uniform attention
        q, k, v = (torch.rand(shape, generator=gen) for _ in range(3))
    return [q.half(), k.half(), v.half()]


def get_init_inputs(config: dict | None = None):
    return []
