"""Elementwise ReLU: y = max(x, 0)."""
import torch
import torch.nn as nn

M, N = 8192, 8192  # default shape (KernelBench-style get_inputs() with no arguments)
CONFIGS = {"small": {"M": 37, "N": 300}, "large": {"M": M, "N": N}}
DISTS = ["normal", "uniform", "negative", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x)


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    if dist == "negative":  # about 85% negative values
        return 4.0 * torch.rand(shape, generator=gen) - 3.4
    if dist == "wide":
        return 1e3 * torch.randn(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    return [_sample((cfg["M"], cfg["N"]), dist, gen)]


def get_init_inputs(config: dict | None = None):
    return []
