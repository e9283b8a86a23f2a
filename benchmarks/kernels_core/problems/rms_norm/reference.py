"""RMS normalisation over the last dimension: y = x / sqrt(mean(x^2) + eps) * weight."""
import torch
import torch.nn as nn

M, N = 4096, 8192
CONFIGS = {"small": {"M": 21, "N": 320}, "large": {"M": M, "N": N}}
DISTS = ["normal", "uniform", "negative", "wide"]


class Model(nn.Module):
    def __init__(self, eps: float):
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        rms = torch.rsqrt(torch.mean(x * x, dim=-1, keepdim=True) + self.eps)
        return x * rms * weight


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
    weight = 1.0 + 0.1 * torch.randn(cfg["N"], generator=gen)
    return [x, weight]


def get_init_inputs(config: dict | None = None):
    return [1e-6]
