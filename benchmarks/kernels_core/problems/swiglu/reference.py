"""SwiGLU gate: the last dim holds [a | b]; y = silu(a) * b."""
import torch
import torch.nn as nn
import torch.nn.functional as F

M, H = 4096, 8192  # x is (M, 2H)
CONFIGS = {"small": {"M": 19, "H": 200}, "large": {"M": M, "H": H}}
DISTS = ["normal", "uniform", "negative", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = x.chunk(2, dim=-1)
        return F.silu(a) * b


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
    return [_sample((cfg["M"], 2 * cfg["H"]), dist, gen)]


def get_init_inputs(config: dict | None = None):
    return []
