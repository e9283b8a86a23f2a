"""Fused linear layer: y = relu(x @ w + b)."""
import torch
import torch.nn as nn

M, K, N = 4096, 4096, 4096
CONFIGS = {"small": {"M": 33, "K": 40, "N": 48}, "large": {"M": M, "K": K, "N": N}}
DISTS = ["normal", "uniform", "negative"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.relu(torch.matmul(x, w) + b)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    shape_x, shape_w = (cfg["M"], cfg["K"]), (cfg["K"], cfg["N"])
    if dist == "uniform":
        x, w = torch.rand(shape_x, generator=gen), torch.rand(shape_w, generator=gen)
    elif dist == "negative":  # x <= 0, w >= 0: nearly every pre-activation is negative
        x, w = -torch.rand(shape_x, generator=gen), torch.rand(shape_w, generator=gen)
    else:
        x, w = torch.randn(shape_x, generator=gen), torch.randn(shape_w, generator=gen)
    b = torch.randn(cfg["N"], generator=gen)
    return [x, w, b]


def get_init_inputs(config: dict | None = None):
    return []
