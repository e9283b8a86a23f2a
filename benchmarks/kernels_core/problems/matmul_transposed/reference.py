"""Matrix multiplication with a transposed right operand: C = A @ B^T (B stored as (N, K))."""
import torch
import torch.nn as nn

M, K, N = 4096, 4096, 4096
CONFIGS = {"small": {"M": 36, "K": 40, "N": 28}, "large": {"M": M, "K": K, "N": N}}
DISTS = ["normal", "uniform"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b.T)


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    return [_sample((cfg["M"], cfg["K"]), dist, gen), _sample((cfg["N"], cfg["K"]), dist, gen)]


def get_init_inputs(config: dict | None = None):
    return []
