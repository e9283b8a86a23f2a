"""Layer normalisation over the last dimension with elementwise affine weight and bias."""
import torch
import torch.nn as nn
import torch.nn.functional as F

M, N = 4096, 8192
CONFIGS = {"small": {"M": 19, "N": 300}, "large": {"M": M, "N": N}}
DISTS = ["normal", "uniform", "wide", "offset"]


class Model(nn.Module):
    def __init__(self, eps: float):
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x, (x.shape[-1],), weight, bias, self.eps)


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    if dist == "wide":
        return 100.0 * torch.randn(shape, generator=gen)
    if dist == "offset":  # large mean, unit spread: E[x^2] - E[x]^2 cancels catastrophically
        return 1000.0 + torch.randn(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    x = _sample((cfg["M"], cfg["N"]), dist, gen)
    weight = 1.0 + 0.1 * torch.randn(cfg["N"], generator=gen)
    bias = 0.1 * torch.randn(cfg["N"], generator=gen)
    return [x, weight, bias]


def get_init_inputs(config: dict | None = None):
    return [1e-5]
