"""Per-row histogram (bincount) of int32 values with an out-of-range counter.

Input: ``x`` (R, N) int32 (any int32 value, including -2**31 and 2**31 - 1). The constructor
argument ``num_bins`` (a Python int >= 1, here 300) sets the number of bins.

Output ``counts`` (R, num_bins + 1) int32: for ``0 <= b < num_bins``,
``counts[r, b]`` is the number of ``i`` with ``x[r, i] == b``; the last column
``counts[r, num_bins]`` is the number of ``i`` with ``x[r, i] < 0`` or ``x[r, i] >= num_bins``
(such values fall in no bin, and must never be used as an address). Every row's counts sum to
N. Compared exactly. Many values may hit the same bin (use atomics or privatised bins).
"""
import torch
import torch.nn as nn

R, N = 64, 1 << 20
NUM_BINS = 300
CONFIGS = {
    "small": {"R": 3, "N": 1000},
    "edge": {"R": 1, "N": 1},
    "large": {"R": R, "N": N},
}
DISTS = ["uniform", "skewed", "extremes"]


class Model(nn.Module):
    def __init__(self, num_bins: int = NUM_BINS):
        super().__init__()
        self.num_bins = num_bins

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        num_bins = self.num_bins
        xl = x.long()
        inside = (xl >= 0) & (xl < num_bins)
        idx = torch.where(inside, xl, torch.full_like(xl, num_bins))
        counts = torch.zeros(x.shape[0], num_bins + 1, dtype=torch.long, device=x.device)
        counts.scatter_add_(1, idx, torch.ones_like(idx))
        return counts.to(torch.int32)


def get_inputs(config: dict | None = None, dist: str = "uniform", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    r, n, b = cfg["R"], cfg["N"], NUM_BINS
    lo, hi = -(b // 4) - 1, b + b // 4 + 2
    x = torch.randint(lo, hi, (r, n), generator=gen)
    if dist == "skewed":  # 90% of the values in one bin: atomic contention
        x = torch.where(torch.rand(r, n, generator=gen) < 0.9, torch.full_like(x, b // 2), x)
    elif dist == "extremes":
        choices = torch.tensor([-2**31, 2**31 - 1, -1, 0, b - 1, b, b + 1, 2**30])
        pick = choices[torch.randint(0, len(choices), (r, n), generator=gen)]
        x = torch.where(torch.rand(r, n, generator=gen) < 0.7, pick, x)
    return [x.to(torch.int32)]


def get_init_inputs(config: dict | None = None):
    return [NUM_BINS]
