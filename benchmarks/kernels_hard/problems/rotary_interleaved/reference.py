"""Rotary position embedding, interleaved (GPT-J) layout, partial rotation, arbitrary positions.

Inputs: ``x`` (B, S, H, D) bfloat16; ``cos``, ``sin`` (P, R/2) float32 tables; ``positions``
(B, S) int64 with values in ``[0, P)`` (not necessarily ``0, 1, 2, ...``). The rotary width is
``R = 2 * cos.shape[1]`` (even, ``R <= D``, not necessarily a power of two).

For each token (b, s), head h and pair ``i < R/2``, with ``p = positions[b, s]``,
``c = cos[p, i]`` and ``sn = sin[p, i]``, the *interleaved* pair ``(x[..., 2i], x[..., 2i+1])``
(adjacent elements, not the "rotate half" layout that pairs i with i + R/2) becomes

    out[..., 2i]     = x[..., 2i] * c - x[..., 2i+1] * sn
    out[..., 2i + 1] = x[..., 2i] * sn + x[..., 2i+1] * c

computed in float32 and rounded to bfloat16 once. Dimensions ``R <= d < D`` are copied unchanged.
Output (B, S, H, D) bfloat16. Checked with atol = 2e-2, rtol = 2e-2 (two bfloat16 ulps).
"""
import torch
import torch.nn as nn

B, S, H, D, R, P = 4, 2048, 32, 128, 64, 4096
CONFIGS = {
    "small": {"B": 2, "S": 7, "H": 3, "D": 80, "R": 48, "P": 64},
    "edge": {"B": 1, "S": 1, "H": 1, "D": 2, "R": 2, "P": 1},
    "large": {"B": B, "S": S, "H": H, "D": D, "R": R, "P": P},
}
DISTS = ["normal", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        r = 2 * cos.shape[1]
        xf = x.float()
        c = cos[positions][:, :, None, :]
        s = sin[positions][:, :, None, :]
        x1, x2 = xf[..., 0:r:2], xf[..., 1:r:2]
        out = xf.clone()
        out[..., 0:r:2] = x1 * c - x2 * s
        out[..., 1:r:2] = x1 * s + x2 * c
        return out.bfloat16()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    r, p = cfg["R"], cfg["P"]
    inv_freq = 10000.0 ** (-torch.arange(0, r, 2, dtype=torch.float64) / r)
    angles = torch.arange(p, dtype=torch.float64)[:, None] * inv_freq[None, :]
    cos, sin = torch.cos(angles).float(), torch.sin(angles).float()
    x = torch.randn((cfg["B"], cfg["S"], cfg["H"], cfg["D"]), generator=gen)
    if dist == "wide":
        x = x * 1e3
    positions = torch.randint(0, p, (cfg["B"], cfg["S"]), generator=gen)
    positions[0, 0] = p - 1
    return [x.bfloat16(), cos, sin, positions]


def get_init_inputs(config: dict | None = None):
    return []
