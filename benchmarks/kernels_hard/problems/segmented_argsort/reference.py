"""Stable descending sort of every segment of a flat array, NaN first, with its permutation.

Inputs: ``values`` (T,) float32 and ``offsets`` (S + 1,) int64 with ``offsets[0] == 0``,
``offsets[S] == T`` and ``offsets`` non-decreasing. Segment ``s`` is
``values[offsets[s]:offsets[s + 1]]``; segments may be empty, and one segment is far longer than
the rest (1300 elements here, 100000 in the GPU configuration).

Order inside a segment, from first to last:

* every NaN (whatever its sign bit or payload) comes before every other value, and all NaNs are
  equal to each other;
* the other values in descending numeric order (+inf first, -inf last); -0.0 and +0.0 are
  equal;
* equal values (NaNs included) keep their original order: the smaller index comes first
  (a stable sort).

Outputs, both (T,) and laid out like ``values`` (segment ``s`` occupies positions
``offsets[s] .. offsets[s + 1] - 1``):

* ``perm`` int64: ``perm[offsets[s] + r]`` is the index into ``values`` (an absolute position,
  not one relative to the segment start) of the ``r``-th element of segment ``s`` in that order;
* ``sorted_values`` float32: ``values[perm]``.

``perm`` is compared exactly; ``sorted_values`` with atol = 0, rtol = 0 (NaN where the
reference has NaN; the sign of a zero is not checked).
"""
import torch
import torch.nn as nn

CONFIGS = {
    "small": {"S": 12, "MAXLEN": 40, "LONG": 1300},
    "edge": {"S": 5, "MAXLEN": 1, "LONG": 3},
    "large": {"S": 4096, "MAXLEN": 512, "LONG": 100000},
}
DISTS = ["normal", "ties", "special"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, values: torch.Tensor, offsets: torch.Tensor):
        t = values.numel()
        lengths = offsets[1:] - offsets[:-1]
        seg = torch.repeat_interleave(torch.arange(lengths.numel(), device=values.device), lengths)
        nan = torch.isnan(values)
        key = torch.where(nan, torch.zeros_like(values), values) + 0.0  # -0.0 + 0.0 is +0.0
        # Three stable passes give the order (segment, NaN first, value descending, index).
        perm = torch.sort(key, descending=True, stable=True).indices
        perm = perm[torch.sort(nan[perm].to(torch.int8), descending=True, stable=True).indices]
        perm = perm[torch.sort(seg[perm], stable=True).indices]
        assert perm.numel() == t
        return perm, values[perm]


def _lengths(gen: torch.Generator, cfg: dict) -> torch.Tensor:
    s = cfg["S"]
    lengths = torch.randint(0, cfg["MAXLEN"] + 1, (s,), generator=gen)
    lengths[-1] = 0
    if s > 4:
        lengths[1] = 1
        lengths[2] = 0
    lengths[s // 2] = cfg["LONG"]
    return lengths


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    lengths = _lengths(gen, cfg)
    offsets = torch.cat([torch.zeros(1, dtype=torch.int64), torch.cumsum(lengths, 0)])
    t = int(offsets[-1])
    if dist == "ties":  # few distinct values, zeros of both signs: the order is the tie rule
        pool = torch.tensor([-0.0, 0.0, 1.0, -1.0, 2.0])
        values = pool[torch.randint(0, len(pool), (t,), generator=gen)]
    elif dist == "special":
        nans = torch.tensor([0x7FC00000, -0x400000, 0x7F800001, -0x7FFFFF], dtype=torch.int32).view(torch.float32)
        pool = torch.cat([nans, torch.tensor([float("inf"), float("-inf"), -0.0, 0.0, 1.5, -1.5])])
        values = torch.randn(t, generator=gen)
        pick = torch.rand(t, generator=gen) < 0.5
        values[pick] = pool[torch.randint(0, len(pool), (int(pick.sum()),), generator=gen)]
    else:
        values = torch.randn(t, generator=gen)
    return [values.contiguous(), offsets]


def get_init_inputs(config: dict | None = None):
    return []
