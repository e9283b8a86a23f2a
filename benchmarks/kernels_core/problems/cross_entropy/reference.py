"""Per-row cross-entropy loss (no reduction): loss[i] = logsumexp(logits[i]) - logits[i, target[i]]."""
import torch
import torch.nn as nn
import torch.nn.functional as F

N, C = 4096, 16384
CONFIGS = {"small": {"N": 21, "C": 333}, "large": {"N": N, "C": C}}
DISTS = ["normal", "uniform", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(logits, target, reduction="none")


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    shape = (cfg["N"], cfg["C"])
    if dist == "uniform":
        logits = torch.rand(shape, generator=gen)
    elif dist == "wide":
        logits = 100.0 * torch.randn(shape, generator=gen)
    else:
        logits = torch.randn(shape, generator=gen)
    target = torch.randint(0, cfg["C"], (cfg["N"],), generator=gen)
    return [logits, target]


def get_init_inputs(config: dict | None = None):
    return []
