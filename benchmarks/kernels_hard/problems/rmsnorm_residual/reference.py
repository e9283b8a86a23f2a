"""Fused residual add + RMSNorm on float16 rows, returning the normalised rows and the new residual.

Inputs: ``x`` (M, N) float16, ``residual`` (M, N) float16, ``weight`` (N,) float16; ``eps = 1e-6``.

* ``h = float16(float32(x) + float32(residual))``: the new residual, rounded to float16 once;
* ``y = float16(float32(h) * rsqrt(mean_j(float32(h)**2) + eps) * float32(weight))``: the
  normalisation uses the *rounded* ``h``; the mean of squares is taken in float32.

Returns ``(y, h)``, both (M, N) float16. Values reach about 2e4, so squares overflow float16 (max
65504); tiny rows (|h| ~ 1e-3) have squares below float16's normal range.
Checked with atol = 2e-3, rtol = 2e-3 (float16 outputs).
"""
import torch
import torch.nn as nn

M, N = 8192, 5120
EPS = 1e-6
CONFIGS = {
    "small": {"M": 7, "N": 1000},
    "edge": {"M": 2, "N": 1},
    "large": {"M": M, "N": N},
}
DISTS = ["normal", "wide", "tiny"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, residual: torch.Tensor, weight: torch.Tensor):
        h = (x.float() + residual.float()).half()
        hf = h.float()
        y = hf * torch.rsqrt(hf.pow(2).mean(dim=-1, keepdim=True) + EPS) * weight.float()
        return y.half(), h


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    shape = (cfg["M"], cfg["N"])
    x = torch.randn(shape, generator=gen)
    residual = torch.randn(shape, generator=gen)
    if dist == "wide":
        x, residual = x * 5e3, residual * 5e3
    elif dist == "tiny":
        x, residual = x * 1e-3, residual * 1e-3
    weight = 1.0 + 0.3 * torch.randn(cfg["N"], generator=gen)
    return [x.clamp(-2e4, 2e4).half(), residual.clamp(-2e4, 2e4).half(), weight.half()]


def get_init_inputs(config: dict | None = None):
    return []
