"""Variable-length causal attention over packed float16 sequences (cu_seqlens layout) with padding.

Inputs:

* ``q``, ``k``, ``v`` (T, H, D) float16: the tokens of every sequence, packed one after another;
* ``cu_seqlens`` (n_seq + 1,) int32: ``cu_seqlens[0] == 0``, non-decreasing, ``cu_seqlens[-1] <= T``.
  Sequence ``s`` is the tokens ``cu_seqlens[s] <= t < cu_seqlens[s + 1]``; a sequence may be empty;
* ``max_seqlen`` (Python int): the length of the longest sequence.

Tokens ``t >= cu_seqlens[-1]`` are padding. Within a sequence attention is causal: token ``i``
attends to the tokens ``j`` of the *same* sequence with ``j <= i``, per head ``h``, with
``scale = 1 / sqrt(D)``: ``out[i, h] = sum_j softmax_j(scale * q[i, h] . k[j, h]) * v[j, h]``,
with scores, softmax and the weighted sum in float32, rounded to float16 once.

Output (T, H, D) float16; the rows of padding tokens are exactly 0.
Checked with atol = 1e-2, rtol = 1e-2 (float16 output).
"""
import math

import torch
import torch.nn as nn

T, H, D, N_SEQ = 16384, 16, 64, 24
CONFIGS = {
    "small": {"T": 70, "H": 2, "D": 48, "N_SEQ": 6},
    "edge": {"T": 3, "H": 1, "D": 16, "N_SEQ": 3},
    "large": {"T": T, "H": H, "D": D, "N_SEQ": N_SEQ},
}
DISTS = ["normal", "wide", "ragged"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, cu_seqlens: torch.Tensor,
                max_seqlen: int) -> torch.Tensor:
        out = torch.zeros_like(q)
        scale = 1.0 / math.sqrt(q.shape[-1])
        bounds = cu_seqlens.tolist()
        for start, end in zip(bounds[:-1], bounds[1:]):
            if end <= start:
                continue
            qs, ks, vs = (t[start:end].float().transpose(0, 1) for t in (q, k, v))  # (H, L, D)
            score = torch.matmul(qs, ks.transpose(-1, -2)) * scale
            n = end - start
            future = torch.ones(n, n, dtype=torch.bool, device=q.device).triu(1)
            score = score.masked_fill(future, float("-inf"))
            out[start:end] = torch.matmul(torch.softmax(score, dim=-1), vs).transpose(0, 1).half()
        return out


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    t, n_seq = cfg["T"], cfg["N_SEQ"]
    # sequence lengths: some empty, the total below T (the rest is padding)
    budget = t - max(1, t // 16)
    cuts = torch.sort(torch.randint(0, budget + 1, (n_seq - 1,), generator=gen)).values
    if dist == "ragged":  # many empty sequences and one long one
        cuts = torch.full((n_seq - 1,), budget // 3, dtype=torch.long)
        cuts[-1] = budget
    bounds = torch.cat([torch.zeros(1, dtype=torch.long), cuts, torch.tensor([budget])])
    bounds[1] = 0  # the first sequence is always empty
    cu_seqlens = bounds.to(torch.int32)
    lens = cu_seqlens[1:] - cu_seqlens[:-1]
    shape = (t, cfg["H"], cfg["D"])
    q, k, v = (torch.randn(shape, generator=gen) for _ in range(3))
    if dist == "wide":
        q, k = q * 12.0, k * 12.0
    return [q.half(), k.half(), v.half(), cu_seqlens, int(lens.max())]


def get_init_inputs(config: dict | None = None):
    return []
