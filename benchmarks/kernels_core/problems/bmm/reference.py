"""Batched matrix multiplication: C[b] = A[b] @ B[b]."""
import torch
import torch.nn as nn

BATCH, M, K, N = 32, 512, 512, 512
CONFIGS = {"small": {"BATCH": 3, "M": 20, "K": 24, "N": 36}, "large": {"BATCH": BATCH, "M": M, "K": K, "N": N}}
DISTS = ["normal", "uniform"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.bmm(a, b)


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    a = _sample((cfg["BATCH"], cfg["M"], cfg["K"]), dist, gen)
    b = _sample((cfg["BATCH"], cfg["K"], cfg["N"]), dist, gen)
    return [a, b]


def get_init_inputs(config: dict | None = None):
    return []
