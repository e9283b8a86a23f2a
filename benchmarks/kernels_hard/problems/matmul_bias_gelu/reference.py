"""float16 GEMM with a fused bias + GELU (tanh approximation) epilogue, float32 accumulation.

Inputs: ``x`` (M, K) float16, ``w`` (K, N) float16, ``b`` (N,) float16. Output (M, N) float16:

    z = x @ w + b           (products and sums in float32, b converted to float32)
    out = 0.5 * z * (1 + tanh(sqrt(2 / pi) * (z + 0.044715 * z**3)))    (float32)

rounded to float16 once. The partial sums of ``x @ w`` can exceed the float16 range (65504) even
when ``z`` is small, so the accumulator must be float32; ``|z|`` reaches the thousands, where
``tanh`` written as ``(e^{2u} - 1) / (e^{2u} + 1)`` gives inf / inf = NaN.
Checked with atol = 1e-2, rtol = 1e-2 (float16 output).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

M, K, N = 4096, 4096, 4096
CONFIGS = {
    "small": {"M": 33, "K": 300, "N": 40},
    "edge": {"M": 1, "K": 1, "N": 1},
    "large": {"M": M, "K": K, "N": N},
}
DISTS = ["normal", "wide", "cancel"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        z = torch.matmul(x.float(), w.float()) + b.float()
        return F.gelu(z, approximate="tanh").half()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    m, k, n = cfg["M"], cfg["K"], cfg["N"]
    if dist == "cancel" and k >= 2:
        # integers, so every order of float32 summation is exact: x = [u, -u], w = [v; v + e] with a
        # sparse e in {-1, 0, 1}; the first half alone sums to ~8e4 (> 65504), z = -u.e is small.
        h = k // 2
        u = torch.randint(180, 241, (m, h), generator=gen).float()
        v = torch.randint(1, 5, (h, n), generator=gen).float()
        e = torch.randint(-1, 2, (h, n), generator=gen).float() * (torch.rand(h, n, generator=gen) < 0.05)
        x = torch.zeros(m, k)
        w = torch.zeros(k, n)
        x[:, :h], x[:, h:2 * h] = u, -u
        w[:h], w[h:2 * h] = v, v + e
    elif dist == "wide":
        x = 50.0 * torch.randn(m, k, generator=gen)
        w = torch.randn(k, n, generator=gen)
    else:
        x = torch.randn(m, k, generator=gen)
        w = 0.1 * torch.randn(k, n, generator=gen)
    b = torch.randn(n, generator=gen)
    return [x.half(), w.half(), b.half()]


def get_init_inputs(config: dict | None = None):
    return []
