"""Matrix product of float16 activations with 4-bit group-quantised weights.

Inputs:

* ``x`` (M, K) float16,
* ``qweight`` (K // 8, N) int32: the weight codes, eight 4-bit codes per int32 word. The code of
  weight row ``k = 8 * p + i`` (``i = 0..7``) and column ``n`` sits in bits ``4*i .. 4*i + 3``
  of ``qweight[p, n]`` (``i = 0`` is the least significant nibble). Codes are unsigned,
  0..15; a word whose top nibble is >= 8 is a negative int32.
* ``scales`` (K // G, N) float16 and ``zeros`` (K // G, N) uint8 (values 0..15), with the
  group size ``G = group_size`` (a constructor argument, 32 here): row ``k`` uses group
  ``k // G`` of its own column ``n``.

Dequantised weight, in float32: ``w[k, n] = (code[k, n] - zeros[k // G, n]) * float32(scales[k // G, n])``.
Output (M, N) float16: ``out = x.float() @ w``, accumulated in float32 and rounded to float16 once.
K is a multiple of G and of 8; M and N are arbitrary (M = 1 and N = 1 included).
Checked with atol = 1e-2, rtol = 1e-2 (float16 output).
"""
import torch
import torch.nn as nn

GROUP = 32
M, K, N = 64, 4096, 4096
CONFIGS = {
    "small": {"M": 37, "K": 320, "N": 72},
    "edge": {"M": 1, "K": 32, "N": 1},
    "large": {"M": M, "K": K, "N": N},
}
DISTS = ["normal", "high_codes", "wide"]


class Model(nn.Module):
    def __init__(self, group_size: int):
        super().__init__()
        self.group_size = group_size

    def forward(self, x: torch.Tensor, qweight: torch.Tensor, scales: torch.Tensor,
                zeros: torch.Tensor) -> torch.Tensor:
        k_packed, n = qweight.shape
        shifts = torch.arange(8, device=x.device, dtype=torch.int32) * 4
        codes = (qweight[:, None, :] >> shifts[None, :, None]) & 0xF  # (K // 8, 8, N)
        codes = codes.reshape(k_packed * 8, n).long()
        z = zeros.long().repeat_interleave(self.group_size, dim=0)
        s = scales.float().repeat_interleave(self.group_size, dim=0)
        w = (codes - z).float() * s
        return (x.float() @ w).half()


def _pack(codes: torch.Tensor) -> torch.Tensor:
    """(K, N) codes 0..15 -> (K // 8, N) int32 words (two's complement)."""
    k, n = codes.shape
    c = codes.long().reshape(k // 8, 8, n)
    word = sum(c[:, i, :] << (4 * i) for i in range(8))
    word = torch.where(word >= 2**31, word - 2**32, word)
    return word.to(torch.int32)


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    m, k, n = cfg["M"], cfg["K"], cfg["N"]
    x = torch.randn((m, k), generator=gen)
    codes = torch.randint(0, 16, (k, n), generator=gen)
    if dist == "high_codes":  # every nibble >= 8: every word negative, code 15 common
        codes = torch.randint(8, 16, (k, n), generator=gen)
    elif dist == "wide":
        x = x * 100.0
    zeros = torch.randint(0, 16, (k // GROUP, n), generator=gen).to(torch.uint8)
    scales = (0.005 + 0.05 * torch.rand((k // GROUP, n), generator=gen)).half()
    return [x.half(), _pack(codes), scales, zeros]


def get_init_inputs(config: dict | None = None):
    return [GROUP]
