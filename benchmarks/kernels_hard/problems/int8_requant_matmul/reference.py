"""Quantised int8 linear layer with integer-only requantisation (fixed-point multiplier and shift).

Constructor arguments: ``a_zero_point`` and ``out_zero_point``, integers in [-128, 127].

Inputs: ``a`` (M, K) int8 activations, ``b`` (N, K) int8 weights (one row per output channel, the
product is ``a @ b.T``), ``bias`` (N,) int32, ``multiplier`` (N,) int32 with values in
[2**30, 2**31 - 1], ``shift`` (N,) int32 with values in [0, 20].

Output ``y`` (M, N) int8, computed with exact integer arithmetic, for every (m, n):

1. ``acc = bias[n] + sum_k (a[m, k] - a_zero_point) * b[n, k]``. ``a[m, k] - a_zero_point`` lies
   in [-255, 255] (it does not fit int8). ``|acc| < 2**31``.
2. ``t = round(acc * multiplier[n] / 2**31)``: the product is exact (it needs 64 bits), and
   ``round`` rounds to the nearest integer with ties away from zero (2.5 -> 3, -2.5 -> -3).
3. ``u = round(t / 2**shift[n])`` with the same rounding (ties away from zero); ``shift`` 0 gives
   ``u = t``. The two roundings are separate: ``t`` is rounded before it is divided.
4. ``y = clamp(u + out_zero_point, -128, 127)``.

``y`` is compared exactly. Inputs use the whole int8 range, -128 included, and the ``ties``
inputs make many quotients land exactly halfway, for positive and negative values.
"""
import torch
import torch.nn as nn

M, N, K = 4096, 4096, 4096
CONFIGS = {
    "small": {"M": 13, "N": 21, "K": 300},
    "edge": {"M": 1, "N": 3, "K": 1},
    "large": {"M": M, "N": N, "K": K},
}
DISTS = ["normal", "ties", "saturate"]
A_ZERO_POINT = 3
OUT_ZERO_POINT = -5


def _round_div_pow2(v: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """round(v / 2**s), ties away from zero, for int64 ``v`` and shifts ``s`` >= 0."""
    half = torch.where(s > 0, torch.ones_like(s) << (s - 1).clamp_min(0), torch.zeros_like(s))
    mag = (v.abs() + half) >> s
    return torch.where(v < 0, -mag, mag)


class Model(nn.Module):
    def __init__(self, a_zero_point: int = A_ZERO_POINT, out_zero_point: int = OUT_ZERO_POINT):
        super().__init__()
        self.a_zero_point = a_zero_point
        self.out_zero_point = out_zero_point

    def forward(self, a: torch.Tensor, b: torch.Tensor, bias: torch.Tensor, multiplier: torch.Tensor,
                shift: torch.Tensor):
        prod = torch.matmul(a.double() - self.a_zero_point, b.double().t())  # exact: |sum| < 2**53
        acc = prod.long() + bias.long()[None, :]
        t = _round_div_pow2(acc * multiplier.long()[None, :], torch.full_like(acc, 31))
        u = _round_div_pow2(t, shift.long()[None, :].expand_as(t))
        return (u + self.out_zero_point).clamp(-128, 127).to(torch.int8)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    m, n, k = cfg["M"], cfg["N"], cfg["K"]
    a = torch.randint(-128, 128, (m, k), generator=gen)
    b = torch.randint(-128, 128, (n, k), generator=gen)
    bias = torch.randint(-(2**16), 2**16, (n,), generator=gen)
    multiplier = torch.randint(2**30, 2**31, (n,), generator=gen)
    if dist == "ties":  # multipliers 0.5, 0.75 and 0.625: t and u are often exact halves
        a = torch.randint(-6, 7, (m, k), generator=gen)
        b = torch.randint(-6, 7, (n, k), generator=gen)
        bias = torch.randint(-40, 41, (n,), generator=gen)
        multiplier = torch.tensor([2**30, 3 * 2**29, 5 * 2**28])[torch.randint(0, 3, (n,), generator=gen)]
        shift = torch.randint(0, 4, (n,), generator=gen)
    elif dist == "saturate":  # outputs far past both ends of int8, and -128 x -128 products
        a = torch.where(torch.rand(m, k, generator=gen) < 0.5, -128, 127)
        shift = torch.randint(0, 3, (n,), generator=gen)
    else:
        shift = torch.randint(10, 14, (n,), generator=gen)
    return [a.to(torch.int8), b.to(torch.int8), bias.to(torch.int32), multiplier.to(torch.int32),
            shift.to(torch.int32)]


def get_init_inputs(config: dict | None = None):
    return [A_ZERO_POINT, OUT_ZERO_POINT]
