"""nn.Linear: the weights come from the constructor (KernelBench level-2 style)."""
import torch
import torch.nn as nn

CONFIGS = {"small": {"M": 19, "K": 37, "N": 23}}
DISTS = ["normal", "wide"]


class Model(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["small"]
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn((cfg["M"], cfg["K"]), generator=gen)
    return [x * 50.0 if dist == "wide" else x]


def get_init_inputs(config: dict | None = None):
    return [37, 23]
