"""GELU, tanh approximation: y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
import torch
import torch.nn as nn
import torch.nn.functional as F

M, N = 8192, 8192
CONFIGS = {"small": {"M": 29, "N": 333}, "large": {"M": M, "N": N}}
DISTS = ["normal", "uniform", "negative", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(x, approximate="tanh")


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
