"""Square matrix multiplication C = A @ B."""
import torch
import torch.nn as nn

N = 4096
CONFIGS = {"small": {"N": 40}, "large": {"N": N}}
DISTS = ["normal", "uniform"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b)


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    n = cfg["N"]
    return [_sample((n, n), dist, gen), _sample((n, n), dist, gen)]


def get_init_inputs(config: dict | None = None):
    return []
