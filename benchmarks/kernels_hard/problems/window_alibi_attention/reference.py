"""Sliding-window attention with ALiBi, logit soft-capping, grouped KV heads and key padding.

Constructor arguments: ``window`` (int >= 1, here 24) and ``softcap`` (float > 0, here 20.0).

Inputs: ``q`` (B, H, SQ, D) float16, ``k`` and ``v`` (B, HKV, SK, D) float16 with H a multiple of
HKV and SQ <= SK, ``key_padding`` (B, SK) bool (True: that key is padding).

Positions: key ``j`` is at position ``j``; the SQ queries are the *last* SQ positions, so query
``i`` is at position ``p = i + SK - SQ``. Query head ``h`` uses key/value head
``h // (H // HKV)``. For batch ``b``, head ``h``, query ``i`` and key ``j``, all in float32:

1. ``s = (sum_d q[b, h, i, d] * k[b, h // (H // HKV), j, d]) / sqrt(D)``;
2. soft-capping: ``s = softcap * tanh(s / softcap)``;
3. ALiBi: ``s = s - slope[h] * (p - j)`` with ``slope[h] = 2 ** (-8 * (h + 1) / H)`` for
   ``h = 0 .. H - 1`` (this formula for every H, powers of two or not);
4. key ``j`` is allowed when ``j <= p`` (causal), ``p - j < window`` (so at most ``window``
   keys, the query's own position included) and ``key_padding[b, j]`` is False;
5. ``w = softmax`` of ``s`` over the allowed keys, and
   ``out[b, h, i, :] = sum_j w[j] * v[b, h // (H // HKV), j, :]``, accumulated in float32 and
   rounded to float16 once.

A query with no allowed key (all keys in its window are padding) gives a row of zeros, never
NaN. Output ``out`` (B, H, SQ, D) float16, checked with atol = 1e-2, rtol = 1e-2.
"""
import math

import torch
import torch.nn as nn

WINDOW = 24
SOFTCAP = 20.0
CONFIGS = {
    "small": {"B": 2, "H": 6, "HKV": 2, "SQ": 37, "SK": 61, "D": 40},
    "edge": {"B": 2, "H": 3, "HKV": 1, "SQ": 1, "SK": 2, "D": 16},
    "large": {"B": 4, "H": 24, "HKV": 8, "SQ": 2048, "SK": 4096, "D": 128},
}
DISTS = ["normal", "wide", "padded"]


class Model(nn.Module):
    def __init__(self, window: int = WINDOW, softcap: float = SOFTCAP):
        super().__init__()
        self.window = window
        self.softcap = softcap

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, key_padding: torch.Tensor):
        _, h, sq, d = q.shape
        hkv, sk = k.shape[1], k.shape[2]
        group = h // hkv
        kf = k.float().repeat_interleave(group, dim=1)
        vf = v.float().repeat_interleave(group, dim=1)
        s = torch.matmul(q.float(), kf.transpose(-1, -2)) / math.sqrt(d)
        s = self.softcap * torch.tanh(s / self.softcap)
        pos_q = torch.arange(sq, device=q.device)[:, None] + (sk - sq)
        pos_k = torch.arange(sk, device=q.device)[None, :]
        dist = (pos_q - pos_k).float()
        slope = torch.pow(2.0, -8.0 * torch.arange(1, h + 1, device=q.device, dtype=torch.float32) / h)
        s = s - slope[None, :, None, None] * dist[None, None]
        allowed = (pos_k <= pos_q) & (pos_q - pos_k < self.window)
        allowed = allowed[None, None] & ~key_padding[:, None, None, :]
        s = s.masked_fill(~allowed, float("-inf"))
        any_key = allowed.any(dim=-1, keepdim=True)
        w = torch.softmax(torch.where(any_key, s, torch.zeros_like(s)), dim=-1) * allowed
        return torch.matmul(w, vf).half()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    b, h, hkv, sq, sk, d = (cfg[n] for n in ("B", "H", "HKV", "SQ", "SK", "D"))
    q = torch.randn(b, h, sq, d, generator=gen)
    k = torch.randn(b, hkv, sk, d, generator=gen)
    v = torch.randn(b, hkv, sk, d, generator=gen)
    pad = torch.rand(b, sk, generator=gen) < 0.15
    if dist == "wide":  # raw scores in the hundreds: the cap decides, exp without max overflows
        q, k = q * 8.0, k * 8.0
    elif dist == "padded":  # the window of the last queries of batch 0 holds padding only
        pad = torch.rand(b, sk, generator=gen) < 0.4
        pad[0, max(0, sk - WINDOW - 6):] = True
        pad[-1, :] = True
    return [q.half(), k.half(), v.half(), pad]


def get_init_inputs(config: dict | None = None):
    return [WINDOW, SOFTCAP]
