"""Lower median of every row, with the index of its first occurrence, over rows far longer than a block.

Input: ``x`` (M, N) float32, N >= 1 (N = 5003 and 140001 here, 262147 in the GPU configuration). Values may
be +inf, -inf, -0.0, NaN, and many may be equal.

Outputs, for every row:

* ``median`` (M,) float32: the lower median, i.e. the element at 0-based position
  ``(N - 1) // 2`` of the row sorted in ascending numeric order (for even N the smaller of the
  two middle elements). -0.0 and +0.0 are equal in that order. If the row holds any NaN the
  median is NaN.
* ``index`` (M,) int64: the smallest column ``j`` with ``x[row, j]`` equal to the median
  (-0.0 and +0.0 count as equal); for a row holding NaN, the smallest column holding a NaN.

``index`` is compared exactly; ``median`` with atol = 0, rtol = 0 (NaN where the reference has
NaN; the sign of a zero is not checked).
"""
import torch
import torch.nn as nn

CONFIGS = {
    "small": {"M": 5, "N": 5003},
    "edge": {"M": 4, "N": 2},
    "long": {"M": 2, "N": 140001},
    "large": {"M": 1024, "N": 262147},
}
DISTS = ["normal", "ties", "special"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor):
        n = x.shape[1]
        nan = torch.isnan(x)
        has_nan = nan.any(dim=1)
        med = torch.sort(torch.where(nan, torch.zeros_like(x), x), dim=1).values[:, (n - 1) // 2]
        cols = torch.arange(n, device=x.device).expand_as(x)
        hit = torch.where(has_nan[:, None], nan, x == med[:, None])
        index = torch.where(hit, cols, n).amin(dim=1)
        median = torch.where(has_nan, torch.full_like(med, float("nan")), med)
        return median, index


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    m, n = cfg["M"], cfg["N"]
    if dist == "ties":  # few distinct values and zeros of both signs: the index is the first occurrence
        pool = torch.tensor([-0.0, 0.0, 1.0, -1.0, 2.0])
        x = pool[torch.randint(0, len(pool), (m, n), generator=gen)]
    elif dist == "special":
        x = torch.randn(m, n, generator=gen)
        r = torch.rand(m, n, generator=gen)
        x = x.masked_fill(r < 0.2, float("-inf")).masked_fill(r > 0.75, float("inf"))
        x[0] = float("-inf")  # a row of -inf only
        x[1, n // 3] = -float("nan")  # the first of two NaNs (its sign bit set) decides the row
        x[1, (2 * n) // 3] = float("nan")
        if m > 3:  # NaNs scattered along a row: the first one decides, not any other
            x[3] = x[3].masked_fill(torch.rand(n, generator=gen) < 0.01, float("nan"))
        if m > 2:
            x[2, :] = -x[2, :].abs()  # only negatives and -inf: the signed-bits order of negatives is reversed
    else:
        x = torch.randn(m, n, generator=gen) * torch.exp(3 * torch.randn(m, 1, generator=gen))
    return [x.contiguous()]


def get_init_inputs(config: dict | None = None):
    return []
