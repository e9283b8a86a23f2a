"""1-D convolution (stride 1, no padding) with bias: (B, C_in, L) -> (B, C_out, L - K + 1)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

B, C_IN, C_OUT, L, K = 16, 64, 128, 4096, 7
CONFIGS = {
    "small": {"B": 2, "C_IN": 4, "C_OUT": 6, "L": 50, "K": 5},
    "large": {"B": B, "C_IN": C_IN, "C_OUT": C_OUT, "L": L, "K": K},
}
DISTS = ["normal", "uniform"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return F.conv1d(x, weight, bias)


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    x = _sample((cfg["B"], cfg["C_IN"], cfg["L"]), dist, gen)
    weight = _sample((cfg["C_OUT"], cfg["C_IN"], cfg["K"]), dist, gen) / (cfg["C_IN"] * cfg["K"]) ** 0.5
    bias = torch.randn(cfg["C_OUT"], generator=gen)
    return [x, weight, bias]


def get_init_inputs(config: dict | None = None):
    return []
