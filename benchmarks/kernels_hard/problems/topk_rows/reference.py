"""Top-k of every row with a stated tie rule.

Input: ``x`` (M, N) float32 with no NaN; it may hold +inf, -inf, zeros of both signs and many
equal values (whole rows may be -inf). -0.0 and +0.0 are equal values. ``k`` (the constructor argument, here 6) satisfies ``k <= N``.

Outputs, for every row: ``values`` (M, k) float32 and ``indices`` (M, k) int64, the k largest
entries in descending order. Ties: among equal values the smaller column index comes first. In
other words, the first k entries of a *stable* descending sort of the row. Every index appears at
most once in a row, even when the row holds fewer than k distinct finite values (for example a
row of -inf gives indices 0, 1, ..., k-1).

``indices`` are compared exactly; ``values`` with atol = 0, rtol = 0 (they are copies of inputs).
"""
import torch
import torch.nn as nn

M, N = 8192, 4099
TOP_K = 6
CONFIGS = {
    "small": {"M": 9, "N": 1000},
    "edge": {"M": 3, "N": 6},
    "large": {"M": M, "N": N},
}
DISTS = ["normal", "ties", "infinities"]


class Model(nn.Module):
    def __init__(self, k: int = TOP_K):
        super().__init__()
        self.k = k

    def forward(self, x: torch.Tensor):
        values, indices = torch.sort(x, dim=-1, descending=True, stable=True)
        return values[:, : self.k].contiguous(), indices[:, : self.k].contiguous()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    shape = (cfg["M"], cfg["N"])
    if dist == "ties":  # a handful of distinct values: every top-k is decided by the tie rule
        x = torch.randint(0, 4, shape, generator=gen).float()
        if shape[0] > 1:  # a row whose top-k is zeros of both signs: -0.0 == +0.0, the smaller index first
            pool = torch.tensor([-0.0, 0.0, -1.0, -2.0])
            x[1] = pool[torch.randint(0, len(pool), (shape[1],), generator=gen)]
    elif dist == "infinities":
        x = torch.randn(shape, generator=gen)
        r = torch.rand(shape, generator=gen)
        x = x.masked_fill(r < 0.3, float("-inf")).masked_fill(r > 0.998, float("inf"))
        x[0] = float("-inf")  # a row of -inf only
        x[-1, ::2] = float("inf")  # a row with many +inf
    else:
        x = torch.randn(shape, generator=gen)
    return [x]


def get_init_inputs(config: dict | None = None):
    return [TOP_K]
