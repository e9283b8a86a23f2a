"""Layer-norm backward: the gradients dx, dgamma, dbeta of a row-wise layer norm.

Forward (not computed here, stated to define the gradients): for each row of ``x`` (M, N),
``mean = sum(x) / N``, ``var = sum((x - mean)**2) / N`` (biased), ``rstd = 1 / sqrt(var + eps)``
with ``eps = 1e-5``, ``xhat = (x - mean) * rstd`` and ``y = xhat * gamma + beta``.

Inputs: ``x`` (M, N) float32, ``dy`` (M, N) float32 (the gradient of the loss with respect to
``y``), ``gamma`` (N,) float32. Outputs, all float32:

* ``dx`` (M, N) = ``rstd * (g - mean_j(g) - xhat * mean_j(g * xhat))`` with ``g = dy * gamma``
  (means over the row);
* ``dgamma`` (N,) = ``sum over rows of dy * xhat``;
* ``dbeta`` (N,) = ``sum over rows of dy``.

Returns ``(dx, dgamma, dbeta)``. The reference computes in float64 and rounds once. Rows may have
a large mean and a small spread (``var = E[x^2] - E[x]^2`` in float32 cancels catastrophically)
or be constant (var = 0, rstd = 1/sqrt(eps)). Checked with atol = 1e-3, rtol = 1e-3; for
rows with a large mean or constant rows atol = 5e-3, rtol = 5e-3; for dy of magnitude 1e3 atol = 5e-2,
rtol = 3e-3.
"""
import torch
import torch.nn as nn

M, N = 8192, 1000
EPS = 1e-5
CONFIGS = {
    "small": {"M": 37, "N": 203},
    "edge": {"M": 1, "N": 1},
    "large": {"M": M, "N": N},
}
DISTS = ["normal", "offset", "constant_rows", "wide_dy"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, dy: torch.Tensor, gamma: torch.Tensor):
        xd, dyd, gd = x.double(), dy.double(), gamma.double()
        mean = xd.mean(dim=1, keepdim=True)
        var = ((xd - mean) ** 2).mean(dim=1, keepdim=True)
        rstd = 1.0 / torch.sqrt(var + EPS)
        xhat = (xd - mean) * rstd
        g = dyd * gd
        dx = rstd * (g - g.mean(dim=1, keepdim=True) - xhat * (g * xhat).mean(dim=1, keepdim=True))
        return dx.float(), (dyd * xhat).sum(dim=0).float(), dyd.sum(dim=0).float()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    shape = (cfg["M"], cfg["N"])
    x = torch.randn(shape, generator=gen)
    dy = torch.randn(shape, generator=gen)
    gamma = 1.0 + 0.5 * torch.randn(cfg["N"], generator=gen)
    if dist == "offset":  # mean 300, spread 0.3
        x = 300.0 + 0.3 * x
    elif dist == "constant_rows":
        x[::2] = x[::2, :1]  # every second row constant
    elif dist == "wide_dy":
        dy = dy * 1e3
    return [x, dy, gamma]


def get_init_inputs(config: dict | None = None):
    return []
