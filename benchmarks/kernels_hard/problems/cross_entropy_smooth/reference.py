"""Cross-entropy over a large vocabulary with ignore_index and label smoothing (bfloat16 logits).

Inputs: ``logits`` (N, C) bfloat16 (finite; magnitudes up to ~1e4) and ``target`` (N,) int64 with
values in ``[0, C)`` or equal to ``ignore_index = -100``. Label smoothing ``eps = 0.1``.

All arithmetic in float32 on the logits converted from bfloat16. For row ``i`` with
``z = logits[i]``, ``lse = log(sum_j exp(z_j))`` (computed stably) and ``t = target[i]``:

* ``loss[i] = (1 - eps) * (lse - z_t) + eps * (lse - sum_j z_j / C)``  if ``t != -100``,
* ``loss[i] = 0``  if ``t == -100`` (the row is ignored).

(This is ``torch.nn.functional.cross_entropy(..., ignore_index=-100, label_smoothing=0.1,
reduction="none")``.) ``mean_loss`` (a 0-dim float32 tensor) is the sum of ``loss`` over the rows
that are not ignored divided by their number, and 0.0 when every row is ignored (not NaN).

Returns ``(loss, mean_loss)``; C is large and not a power of two (loop over the row).
Checked with atol = 1e-4, rtol = 1e-5 (atol = 1e-2 for logits of magnitude 1e4).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

N, C = 4096, 50257
IGNORE_INDEX = -100
SMOOTHING = 0.1
CONFIGS = {
    "small": {"N": 9, "C": 5003},
    "edge": {"N": 1, "C": 1},
    "large": {"N": N, "C": C},
}
DISTS = ["normal", "wide", "ignored", "all_ignored"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, logits: torch.Tensor, target: torch.Tensor):
        loss = F.cross_entropy(logits.float(), target, ignore_index=IGNORE_INDEX, label_smoothing=SMOOTHING,
                               reduction="none")
        count = (target != IGNORE_INDEX).sum()
        mean = loss.sum() / torch.clamp(count, min=1).float()
        return loss, mean


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    n, c = cfg["N"], cfg["C"]
    logits = torch.randn((n, c), generator=gen)
    target = torch.randint(0, c, (n,), generator=gen)
    if dist == "wide":
        logits = logits * 1e4
    elif dist == "ignored":
        target = target.masked_fill(torch.rand(n, generator=gen) < 0.5, IGNORE_INDEX)
        target[0] = IGNORE_INDEX
    elif dist == "all_ignored":
        target = torch.full((n,), IGNORE_INDEX, dtype=torch.long)
    return [logits.bfloat16(), target]


def get_init_inputs(config: dict | None = None):
    return []
