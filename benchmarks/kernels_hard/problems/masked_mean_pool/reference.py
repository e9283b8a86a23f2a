"""Mean pooling over variable-length sequences whose padding holds garbage (NaN, inf).

Inputs: ``x`` (B, S, D) bfloat16 and ``lengths`` (B,) int64 with ``0 <= lengths[b] <= S``.
Positions ``s >= lengths[b]`` are padding: they hold arbitrary values, NaN and +-inf included,
and must not influence the result in any way.

Output (B, D) float32: ``out[b, d] = sum(float32(x[b, s, d]) for s < lengths[b]) / lengths[b]``,
summed in float32; ``out[b, :] = 0`` when ``lengths[b] == 0`` (not NaN).
Checked with atol = 1e-5, rtol = 1e-5.
"""
import torch
import torch.nn as nn

B, S, D = 64, 4096, 1024
CONFIGS = {
    "small": {"B": 5, "S": 37, "D": 50},
    "edge": {"B": 2, "S": 1, "D": 1},
    "large": {"B": B, "S": S, "D": D},
}
DISTS = ["normal", "wide", "empty_rows"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        keep = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]
        xs = torch.where(keep[:, :, None], x.float(), torch.zeros((), device=x.device))
        return xs.sum(dim=1) / torch.clamp(lengths, min=1).float()[:, None]


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    b, s, d = cfg["B"], cfg["S"], cfg["D"]
    x = torch.randn((b, s, d), generator=gen)
    lengths = torch.randint(0, s + 1, (b,), generator=gen)
    lengths[0] = s
    if dist == "wide":
        x = x * 1e3
    elif dist == "empty_rows":
        lengths[1::2] = 0
    pad = torch.arange(s)[None, :] >= lengths[:, None]
    garbage = torch.where(torch.rand((b, s, d), generator=gen) < 0.5, float("nan"), float("inf"))
    x = torch.where(pad[:, :, None], garbage, x)
    return [x.bfloat16(), lengths]


def get_init_inputs(config: dict | None = None):
    return []
