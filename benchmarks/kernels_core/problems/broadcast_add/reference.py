"""Broadcasting add: x (B, 1, N) + y (M, N) -> (B, M, N)."""
import torch
import torch.nn as nn

B, M, N = 64, 512, 1024
CONFIGS = {"small": {"B": 3, "M": 17, "N": 50}, "large": {"B": B, "M": M, "N": N}}
DISTS = ["normal", "uniform"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return x + y


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    return [_sample((cfg["B"], 1, cfg["N"]), dist, gen), _sample((cfg["M"], cfg["N"]), dist, gen)]


def get_init_inputs(config: dict | None = None):
    return []
