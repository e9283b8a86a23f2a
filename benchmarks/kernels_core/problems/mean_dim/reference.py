"""Mean over the middle dimension of a 3-D tensor: (B, N, D) -> (B, D)."""
import torch
import torch.nn as nn

B, N, D = 32, 512, 4096
CONFIGS = {"small": {"B": 3, "N": 50, "D": 70}, "large": {"B": B, "N": N, "D": D}}
DISTS = ["normal", "uniform", "negative", "wide"]


class Model(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.dim = dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.mean(x, dim=self.dim)


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
    return [_sample((cfg["B"], cfg["N"], cfg["D"]), dist, gen)]


def get_init_inputs(config: dict | None = None):
    return [1]
