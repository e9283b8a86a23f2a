"""Softmax and logsumexp of long rows (tens of thousands of columns) that may hold -inf.

Input: ``x`` (M, N) float32 with no NaN and no +inf; entries may be -inf, whole rows may be -inf,
and finite values may be huge (up to 1e30). N is large (N = 140001 in one CPU configuration, 100003 in the large one),
so a row does not fit one block: loop over the row.

Outputs: ``probs`` (M, N) float32, ``probs[i, j] = exp(x[i, j] - m_i) / sum_k exp(x[i, k] - m_i)``
with ``m_i`` the row maximum (so ``probs`` is 0 where ``x`` is -inf), and ``lse`` (M,) float32,
``lse[i] = m_i + log(sum_k exp(x[i, k] - m_i))``. A row that is entirely -inf gives ``probs`` all
0 (not NaN) and ``lse = -inf``.

Returns ``(probs, lse)``. Checked with atol = 1e-6, rtol = 1e-4.
"""
import torch
import torch.nn as nn

M, N = 512, 100003
CONFIGS = {
    "small": {"M": 4, "N": 5003},
    "edge": {"M": 3, "N": 1},
    "long": {"M": 2, "N": 140001},
    "large": {"M": M, "N": N},
}
DISTS = ["normal", "neg_inf", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor):
        lse = torch.logsumexp(x, dim=-1)
        probs = torch.softmax(x, dim=-1)
        dead = torch.isneginf(lse)[:, None]
        return torch.where(dead, torch.zeros_like(probs), probs), lse


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    shape = (cfg["M"], cfg["N"])
    x = torch.randn(shape, generator=gen)
    if dist == "neg_inf":
        x = x.masked_fill(torch.rand(shape, generator=gen) < 0.3, float("-inf"))
        x[0] = float("-inf")  # a row of -inf only
        x[-1, :-1] = float("-inf")  # a row whose only finite entry is the last one
    elif dist == "wide":
        x = x * 1e4
        x[0] = x[0] * 1e26  # magnitudes near 1e30
    return [x]


def get_init_inputs(config: dict | None = None):
    return []
