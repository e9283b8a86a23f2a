"""Segmented inclusive prefix sum along rows, restarting at every segment flag.

Inputs: ``x`` (R, N) float32 and ``flags`` (R, N) bool. In row ``r``, ``flags[r, i]`` True
starts a new segment at position ``i``; position 0 always starts a segment (whatever
``flags[r, 0]`` says). Segments may be of length 1 and may be far longer than any block.

Output (R, N) float32: ``out[r, i] = sum(x[r, j] for j in range(s, i + 1))`` where ``s`` is the
start of the segment that holds ``i``. The reference sums in float64 and rounds once; checked with
atol = 1e-3, rtol = 1e-4, so the sum of a segment must not be formed as the difference of two
long running sums (that loses the digits of a short segment that follows a large prefix).
"""
import torch
import torch.nn as nn

R, N = 1024, 32768
CONFIGS = {
    "small": {"R": 3, "N": 1500},
    "edge": {"R": 2, "N": 1},
    "large": {"R": R, "N": N},
}
DISTS = ["normal", "dense", "no_flags", "offset"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, flags: torch.Tensor) -> torch.Tensor:
        n = x.shape[1]
        pos = torch.arange(n, device=x.device).expand_as(x)
        starts = torch.where(flags | (pos == 0), pos, torch.zeros_like(pos))
        seg_start = torch.cummax(starts, dim=1).values
        total = torch.cumsum(x.double(), dim=1)
        before = torch.cat([torch.zeros_like(total[:, :1]), total[:, :-1]], dim=1)
        return (total - torch.gather(before, 1, seg_start)).float()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    shape = (cfg["R"], cfg["N"])
    x = torch.randn(shape, generator=gen)
    p = {"normal": 0.01, "dense": 0.5, "no_flags": 0.0, "offset": 0.003}[dist]
    flags = torch.rand(shape, generator=gen) < p
    if dist == "offset":  # large positive values: long running sums, then one-element segments
        x = 1e5 + 10.0 * x
        flags[:, -40:] = True
    return [x, flags]


def get_init_inputs(config: dict | None = None):
    return []
