"""Depthwise 2-D convolution (groups = channels), stride 1, 'same' zero padding, no bias."""
import torch
import torch.nn as nn
import torch.nn.functional as F

B, C, H, W = 16, 128, 256, 256
KERNEL_SIZE = 3
CONFIGS = {"small": {"B": 2, "C": 3, "H": 17, "W": 19}, "large": {"B": B, "C": C, "H": H, "W": W}}
DISTS = ["normal", "uniform"]


class Model(nn.Module):
    def __init__(self, kernel_size: int):
        super().__init__()
        self.padding = kernel_size // 2

    def forward(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, weight, padding=self.padding, groups=x.shape[1])


def _sample(shape, dist, gen):
    if dist == "uniform":
        return torch.rand(shape, generator=gen)
    return torch.randn(shape, generator=gen)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    x = _sample((cfg["B"], cfg["C"], cfg["H"], cfg["W"]), dist, gen)
    weight = _sample((cfg["C"], 1, KERNEL_SIZE, KERNEL_SIZE), dist, gen)
    return [x, weight]


def get_init_inputs(config: dict | None = None):
    return [KERNEL_SIZE]
