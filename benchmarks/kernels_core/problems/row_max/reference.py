"""Row maximum: y[i] = max_j x[i, j] (values only)."""
import torch
import torch.nn as nn

M, N = 8192, 8192
CONFIGS = {"small": {"M": 21, "N": 777}, "large": {"M": M, "N": N}}
DISTS = ["normal", "uniform", "negative", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.max(x, dim=1).values


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    if dist == "negative":  # every value negative: catches a 0-initialised running max
        return -3.0 * torch.rand(shape, generator=gen) - 0.1
    if dist == "wide":
        return 100.0 * torch.randn(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    return [_sample((cfg["M"], cfg["N"]), dist, gen)]


def get_init_inputs(config: dict | None = None):
    return []
