"""Row sum: y[i] = sum_j x[i, j]."""
import torch
import torch.nn as nn

M, N = 8192, 8192
CONFIGS = {"small": {"M": 23, "N": 1000}, "large": {"M": M, "N": N}}
DISTS = ["normal", "uniform", "negative", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sum(x, dim=1)


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    if dist == "negative":
        return 4.0 * torch.rand(shape, generator=gen) - 3.4
    if dist == "wide":
        return 100.0 * torch.randn(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    return [_sample((cfg["M"], cfg["N"]), dist, gen)]


def get_init_inputs(config: dict | None = None):
    return []
