"""Bias add followed by LeakyReLU: y = leaky_relu(x + bias, negative_slope), bias broadcast over rows."""
import torch
import torch.nn as nn
import torch.nn.functional as F

M, N = 8192, 8192
CONFIGS = {"small": {"M": 31, "N": 250}, "large": {"M": M, "N": N}}
DISTS = ["normal", "uniform", "negative", "wide"]
NEGATIVE_SLOPE = 0.05


class Model(nn.Module):
    def __init__(self, negative_slope: float):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(x + bias, self.negative_slope)


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
    x = _sample((cfg["M"], cfg["N"]), dist, gen)
    bias = 0.5 * torch.randn(cfg["N"], generator=gen)
    return [x, bias]


def get_init_inputs(config: dict | None = None):
    return [NEGATIVE_SLOPE]
