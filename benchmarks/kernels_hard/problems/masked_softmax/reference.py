"""Masked softmax of float16 attention scores, with -inf scores and fully masked rows.

Inputs: ``scores`` (B, H, Q, K) float16 and ``key_mask`` (B, K) bool (True: the key may be
attended). Scores hold no NaN and no +inf, but may hold -inf and large finite values (up to the
float16 maximum, 65504).

For one row ``s = scores[b, h, q, :]`` the *allowed* entries are the j with ``key_mask[b, j]``
True and ``s[j] != -inf``. The output (B, H, Q, K) float16 is, computed in float32 and rounded to
float16 once:

* ``out[b, h, q, j] = exp(s[j] - m) / sum(exp(s[k] - m) for allowed k)`` for an allowed j, where
  ``m`` is the largest allowed score;
* ``0`` for every entry that is not allowed;
* a row with no allowed entry (every key masked, or every unmasked score -inf) is all zeros,
  never NaN.

Checked with atol = 1e-3, rtol = 1e-2 (float16 output).
"""
import torch
import torch.nn as nn

B, H, Q, K = 8, 16, 512, 1000
CONFIGS = {
    "small": {"B": 3, "H": 2, "Q": 5, "K": 77},
    "edge": {"B": 2, "H": 1, "Q": 1, "K": 1},
    "large": {"B": B, "H": H, "Q": Q, "K": K},
}
DISTS = ["normal", "neg_inf", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, scores: torch.Tensor, key_mask: torch.Tensor) -> torch.Tensor:
        s = scores.float()
        allowed = key_mask[:, None, None, :] & (s != float("-inf"))
        s = s.masked_fill(~allowed, float("-inf"))
        m = s.amax(dim=-1, keepdim=True)
        m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
        e = torch.exp(s - m)
        den = e.sum(dim=-1, keepdim=True)
        return (e / torch.where(den > 0, den, torch.ones_like(den))).half()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    b, h, q, k = cfg["B"], cfg["H"], cfg["Q"], cfg["K"]
    scores = torch.randn((b, h, q, k), generator=gen)
    key_mask = torch.rand((b, k), generator=gen) < 0.7
    key_mask[:, 0] = True  # the first key is always allowed ...
    key_mask[-1] = False  # ... except in the last batch entry, where every key is masked
    if dist == "neg_inf":
        scores = scores.masked_fill(torch.rand((b, h, q, k), generator=gen) < 0.5, float("-inf"))
        scores[:, :, 0, :] = float("-inf")  # unmasked rows whose every score is -inf
    elif dist == "wide":
        scores = scores * 3e4
    return [scores.clamp(max=65504.0).half(), key_mask]


def get_init_inputs(config: dict | None = None):
    return []
