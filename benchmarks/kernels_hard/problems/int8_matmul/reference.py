"""int8 x int8 matrix product with exact int32 accumulation and per-row / per-channel dequantisation.

Inputs: ``a`` (M, K) int8, ``b`` (N, K) int8 (one row per output channel, i.e. the product is
``a @ b.T``), ``scale_a`` (M,) float32, ``scale_b`` (N,) float32, ``bias`` (N,) float32.

Outputs:

* ``acc`` (M, N) int32: ``acc[m, n] = sum_k a[m, k] * b[n, k]``, exact. Every value fits int32
  (|acc| <= K * 2**14 with K < 2**17), but values exceed 2**24, so float32 (or float16-input)
  accumulation is *not* exact. Compared exactly.
* ``y`` (M, N) float32: ``((float32(acc[m, n]) * scale_a[m]) * scale_b[n]) + bias[n]``, each
  step rounded to float32. Checked with atol = 1e-3, rtol = 1e-5.

Returns ``(acc, y)``. Inputs use the whole int8 range, -128 included.
"""
import torch
import torch.nn as nn

M, N, K = 4096, 4096, 4096
CONFIGS = {
    "small": {"M": 19, "N": 23, "K": 1100},
    "edge": {"M": 1, "N": 1, "K": 1},
    "large": {"M": M, "N": N, "K": K},
}
DISTS = ["normal", "extreme", "small_values"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor, scale_a: torch.Tensor, scale_b: torch.Tensor,
                bias: torch.Tensor):
        acc = torch.matmul(a.double(), b.double().t()).to(torch.int32)  # exact: |acc| < 2**53
        y = acc.float() * scale_a[:, None] * scale_b[None, :] + bias[None, :]
        return acc, y


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    m, n, k = cfg["M"], cfg["N"], cfg["K"]
    if dist == "extreme":  # products of the same sign, |acc| well above 2**24 for K >= 1100
        sign = torch.where(torch.rand(k, generator=gen) < 0.5, -1, 1)
        row_a = torch.where(torch.rand(m, generator=gen) < 0.5, -1, 1)
        mag_a = torch.where(torch.rand(m, k, generator=gen) < 0.2, 128, 127)
        mag_b = torch.where(torch.rand(n, k, generator=gen) < 0.2, 128, 127)
        a = (row_a[:, None] * sign[None, :] * mag_a).clamp(-128, 127)
        b = (sign[None, :] * mag_b).clamp(-128, 127)
    elif dist == "small_values":
        a = torch.randint(-3, 4, (m, k), generator=gen)
        b = torch.randint(-3, 4, (n, k), generator=gen)
    else:
        a = torch.randint(-128, 128, (m, k), generator=gen)
        b = torch.randint(-128, 128, (n, k), generator=gen)
    scale_a = 0.001 + 0.02 * torch.rand(m, generator=gen)
    scale_b = 0.001 + 0.02 * torch.rand(n, generator=gen)
    bias = torch.randn(n, generator=gen)
    return [a.to(torch.int8), b.to(torch.int8), scale_a, scale_b, bias]


def get_init_inputs(config: dict | None = None):
    return []
