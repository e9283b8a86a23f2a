"""Row-wise argmax of long rows with a first-index tie rule and a NaN rule.

Input: ``x`` (M, N) float32; N is large (loop over the row). Entries may be NaN, +inf, -inf or
zeros of either sign (-0.0 and +0.0 are equal), and many entries may be equal.

Output (M,) int64: for each row, the index of its maximum, where

* NaN counts as larger than every number: if the row holds any NaN, the answer is the index of
  its first NaN;
* otherwise the answer is the *smallest* index holding the row's maximum (ties, +inf included,
  go to the first occurrence; a row of -inf gives 0).

Compared exactly.
"""
import torch
import torch.nn as nn

M, N = 4096, 65537
CONFIGS = {
    "small": {"M": 6, "N": 5003},
    "edge": {"M": 3, "N": 1},
    "large": {"M": M, "N": N},
}
DISTS = ["normal", "ties", "nan", "infinities"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[1]
        pos = torch.arange(n, device=x.device).expand_as(x)
        isnan = torch.isnan(x)
        first_nan = torch.where(isnan, pos, torch.full_like(pos, n)).amin(dim=1)
        clean = x.masked_fill(isnan, float("-inf"))
        best = clean.amax(dim=1, keepdim=True)
        first_best = torch.where(clean == best, pos, torch.full_like(pos, n)).amin(dim=1)
        return torch.where(first_nan < n, first_nan, first_best)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    m, n = cfg["M"], cfg["N"]
    x = torch.randn((m, n), generator=gen)
    if dist == "ties":
        x = torch.randint(0, 4, (m, n), generator=gen).float()
        if m > 1:  # a row whose maximum is zero, held by -0.0 before the first +0.0
            x[1] = -torch.randint(1, 4, (n,), generator=gen).float()
            x[1, n // 3::7] = 0.0
            x[1, n // 5] = -0.0
    elif dist == "nan":
        x = x.masked_fill(torch.rand((m, n), generator=gen) < 0.0005, float("nan"))
        x[0] = float("nan")  # a row of NaN
        x[-1, -1] = float("nan")  # a NaN in the very last column
    elif dist == "infinities":
        r = torch.rand((m, n), generator=gen)
        x = x.masked_fill(r < 0.2, float("-inf")).masked_fill(r > 0.9995, float("inf"))
        x[0] = float("-inf")
        x[-1, n // 2:] = float("inf")
    return [x]


def get_init_inputs(config: dict | None = None):
    return []
