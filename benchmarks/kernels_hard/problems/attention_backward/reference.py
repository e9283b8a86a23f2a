"""Backward pass of causal scaled-dot-product attention, float32.

Inputs: ``q``, ``k``, ``v`` and ``grad_out`` (B, H, S, D) float32. The forward pass (not an
output here) is, per batch and head, with ``scale = 1 / sqrt(D)``:

* ``s[i, j] = scale * sum_d q[i, d] * k[j, d]`` for keys ``j <= i`` (causal, the diagonal
  included); keys ``j > i`` are excluded (``p[i, j] = 0``),
* ``p[i, :] = softmax(s[i, :])`` over the allowed keys, ``o = p @ v``.

Outputs ``(dq, dk, dv)``, each (B, H, S, D) float32: the gradients of ``sum(o * grad_out)`` with
respect to ``q``, ``k`` and ``v``:

* ``dv = p^T @ grad_out``,
* ``dp = grad_out @ v^T``, ``ds[i, j] = p[i, j] * (dp[i, j] - sum_j' p[i, j'] * dp[i, j'])``,
* ``dq = scale * ds @ k``, ``dk = scale * ds^T @ q``.

All arithmetic in float32: products and sums in full float32 precision (TF32 or lower-precision matrix
products are not float32). S is not a multiple of any tile size; S = 1 is allowed.
Checked with atol = 1e-4, rtol = 1e-3 (all three outputs).
"""
import math

import torch
import torch.nn as nn

B, H, S, D = 4, 16, 1024, 64
CONFIGS = {
    "small": {"B": 1, "H": 2, "S": 77, "D": 48},
    "edge": {"B": 2, "H": 1, "S": 1, "D": 16},
    "large": {"B": B, "H": H, "S": S, "D": D},
}
DISTS = ["normal", "wide", "uniform"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, grad_out: torch.Tensor):
        s_len, d = q.shape[-2], q.shape[-1]
        scale = 1.0 / math.sqrt(d)
        s = torch.matmul(q, k.transpose(-1, -2)) * scale
        future = torch.ones(s_len, s_len, dtype=torch.bool, device=q.device).triu(1)
        p = torch.softmax(s.masked_fill(future, float("-inf")), dim=-1)
        dv = torch.matmul(p.transpose(-1, -2), grad_out)
        dp = torch.matmul(grad_out, v.transpose(-1, -2))
        ds = p * (dp - (p * dp).sum(dim=-1, keepdim=True))
        dq = torch.matmul(ds, k) * scale
        dk = torch.matmul(ds.transpose(-1, -2), q) * scale
        return dq, dk, dv


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    shape = (cfg["B"], cfg["H"], cfg["S"], cfg["D"])
    q, k, v, g = (torch.randn(shape, generator=gen) for _ in range(4))
    if dist == "wide":  # scores of tens: peaked softmax rows
        q, k = q * 3.0, k * 3.0
    elif dist == "uniform":  # all-positive inputs: nearly uniform rows, no cancellation help
        q, k, v, g = (torch.rand(shape, generator=gen) for _ in range(4))
    return [q, k, v, g]


def get_init_inputs(config: dict | None = None):
    return []
