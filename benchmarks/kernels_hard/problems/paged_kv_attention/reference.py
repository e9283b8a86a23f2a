"""Decode attention (one query token per sequence) over a paged KV cache, grouped-query heads.

Inputs:

* ``q`` (B, H, D) float16: the query of each sequence's current token,
* ``k_cache``, ``v_cache`` (NB, BS, HKV, D) float16: a pool of NB physical blocks of BS token
  slots each (BS need not be a power of two), HKV key/value heads,
* ``block_table`` (B, MAXB) int32: sequence ``b``'s logical token ``t`` is stored in physical
  block ``block_table[b, t // BS]`` at slot ``t % BS``. Entries at positions
  ``>= ceil(context_lens[b] / BS)`` are -1 and must never be used as a block index,
* ``context_lens`` (B,) int32: sequence ``b`` has tokens ``t = 0 .. context_lens[b] - 1``
  (0 allowed).

H is a multiple of HKV; query head ``h`` uses key/value head ``h // (H // HKV)``. With
``scale = 1 / sqrt(D)``, for each ``b`` and ``h``: ``score[t] = scale * sum_d q[b, h, d] *
k[t, d]`` over the sequence's valid tokens only, ``p = softmax(score)`` and ``out[b, h, :] =
sum_t p[t] * v[t, :]``, all in float32, rounded to float16 once. ``out[b, h, :] = 0`` when
``context_lens[b] == 0``. Every cache slot that does not hold a valid token of the sequence being
read (unused slots of a sequence's last block, unreferenced blocks) may hold anything, NaN
included, and must not influence the result.

Output (B, H, D) float16. Checked with atol = 1e-2, rtol = 1e-2 (float16 output).
"""
import math

import torch
import torch.nn as nn

B, H, HKV, D, BS, L = 16, 32, 8, 128, 16, 4096
CONFIGS = {
    "small": {"B": 4, "H": 4, "HKV": 2, "D": 40, "BS": 12, "L": 50},
    "edge": {"B": 2, "H": 1, "HKV": 1, "D": 16, "BS": 16, "L": 1},
    "large": {"B": B, "H": H, "HKV": HKV, "D": D, "BS": BS, "L": L},
}
DISTS = ["normal", "wide", "empty"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k_cache: torch.Tensor, v_cache: torch.Tensor, block_table: torch.Tensor,
                context_lens: torch.Tensor) -> torch.Tensor:
        n_b, n_h, d = q.shape
        bs, hkv = k_cache.shape[1], k_cache.shape[2]
        group = n_h // hkv
        out = torch.zeros((n_b, n_h, d), dtype=torch.float32, device=q.device)
        for b in range(n_b):
            length = int(context_lens[b])
            if length == 0:
                continue
            t = torch.arange(length, device=q.device)
            blocks = block_table[b, t // bs].long()
            k = k_cache[blocks, t % bs].float().repeat_interleave(group, dim=1)  # (L, H, D)
            v = v_cache[blocks, t % bs].float().repeat_interleave(group, dim=1)
            score = torch.einsum("hd,lhd->hl", q[b].float(), k) / math.sqrt(d)
            out[b] = torch.einsum("hl,lhd->hd", torch.softmax(score, dim=-1), v)
        return out.half()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    b, h, hkv, d, bs, max_len = cfg["B"], cfg["H"], cfg["HKV"], cfg["D"], cfg["BS"], cfg["L"]
    lens = torch.randint(1, max_len + 1, (b,), generator=gen)
    lens[0] = max_len
    if dist == "empty":  # empty sequences and lengths that fill their last block exactly
        lens[1::2] = 0
        if b > 2:
            lens[2] = bs * max(1, max_len // bs)
    max_blocks = (max_len + bs - 1) // bs
    n_blocks = b * max_blocks + 3
    perm = torch.randperm(n_blocks, generator=gen)
    table = torch.full((b, max_blocks), -1, dtype=torch.int32)
    k_cache = torch.full((n_blocks, bs, hkv, d), float("nan"))
    v_cache = torch.full((n_blocks, bs, hkv, d), float("nan"))
    scale = 4.0 if dist == "wide" else 1.0
    for i in range(b):
        used = (int(lens[i]) + bs - 1) // bs
        phys = perm[i * max_blocks: i * max_blocks + used]
        table[i, :used] = phys.to(torch.int32)
        for t in range(int(lens[i])):
            k_cache[phys[t // bs], t % bs] = scale * torch.randn((hkv, d), generator=gen)
            v_cache[phys[t // bs], t % bs] = torch.randn((hkv, d), generator=gen)
    q = scale * torch.randn((b, h, d), generator=gen)
    return [q.half(), k_cache.half(), v_cache.half(), table, lens.to(torch.int32)]


def get_init_inputs(config: dict | None = None):
    return []
