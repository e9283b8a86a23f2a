"""Hashed embedding bag (mean mode, per-sample weights, padding ids, max-norm) with a stated 64-bit hash.

Constructor argument: ``max_norm`` (float > 0, here 1.0).

Inputs: ``ids`` (T,) int64 (any int64 value, negative ones included), ``offsets`` (B + 1,) int64
(``offsets[0] == 0``, ``offsets[B] == T``, non-decreasing; bag ``b`` is positions
``offsets[b] .. offsets[b + 1] - 1`` and may be empty), ``weights`` (T,) float32 and ``table``
(R, D) float32, where R is a power of two, ``R = 2**bits`` with ``0 <= bits <= 30``.

* An id equal to -1 is padding: it contributes nothing and is not counted. Every other id,
  negative ones included, is a real id.
* The row of a real id: take the id's 64-bit two's-complement bit pattern as an unsigned integer
  ``u``, compute ``h = (u * 0x9E3779B97F4A7C15) mod 2**64`` (unsigned, wrapping), and take the
  top ``bits`` bits: ``row = h >> (64 - bits)``, a logical (unsigned) shift, so
  ``0 <= row < R``. With ``bits == 0`` (a table of one row) every real id maps to row 0.
* Max-norm: the gathered row ``e = table[row]`` (all D entries) is used as it is when its
  Euclidean norm ``||e||`` is at most ``max_norm``, and as ``e * (max_norm / (||e|| + 1e-7))``
  when ``||e|| > max_norm``. ``table`` itself is not modified.
* ``out[b] = (sum of weights[t] * e_t over the real ids t of bag b) / n_b``, with ``e_t`` the
  (max-normed) row of ``ids[t]`` and ``n_b`` the number of real ids in bag b (a weight of 0
  still counts). A bag with no real id gives a row of zeros.

Output ``out`` (B, D) float32; accumulate in float32 (or wider). Checked with atol = 1e-5,
rtol = 1e-4.
"""
import torch
import torch.nn as nn

CONFIGS = {
    "small": {"B": 10, "MAXLEN": 12, "LONG": 300, "BITS": 8, "D": 40},
    "edge": {"B": 5, "MAXLEN": 2, "LONG": 3, "BITS": 0, "D": 1},
    "large": {"B": 16384, "MAXLEN": 64, "LONG": 20000, "BITS": 18, "D": 128},
}
DISTS = ["normal", "extremes", "padding"]
MAX_NORM = 1.0
_GOLDEN = 0x9E3779B97F4A7C15 - 2**64  # the multiplier as a signed int64 (same bits)


def hash_rows(ids: torch.Tensor, bits: int) -> torch.Tensor:
    """Top ``bits`` bits of ``ids * 0x9E3779B97F4A7C15 mod 2**64`` (int64 products wrap mod 2**64)."""
    h = ids * _GOLDEN
    if bits == 0:
        return torch.zeros_like(ids)
    return (h >> (64 - bits)) & ((1 << bits) - 1)  # mask the sign-extended bits: a logical shift


class Model(nn.Module):
    def __init__(self, max_norm: float = MAX_NORM):
        super().__init__()
        self.max_norm = max_norm

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor, weights: torch.Tensor, table: torch.Tensor):
        r, d = table.shape
        bits = r.bit_length() - 1
        assert r == 1 << bits, "table rows must be a power of two"
        nbags = offsets.numel() - 1
        bag = torch.repeat_interleave(torch.arange(nbags, device=ids.device), offsets[1:] - offsets[:-1])
        real = ids != -1
        e = table.double()[hash_rows(ids, bits)]
        norm = e.norm(dim=1, keepdim=True)
        e = torch.where(norm > self.max_norm, e * (self.max_norm / (norm + 1e-7)), e)
        rows = e * weights.double()[:, None] * real.double()[:, None]
        total = torch.zeros(nbags, d, dtype=torch.float64, device=ids.device).index_add_(0, bag, rows)
        count = torch.zeros(nbags, dtype=torch.float64, device=ids.device).index_add_(0, bag, real.double())
        return (total / count.clamp_min(1.0)[:, None]).float()


def _lengths(gen: torch.Generator, cfg: dict) -> torch.Tensor:
    b = cfg["B"]
    lengths = torch.randint(0, cfg["MAXLEN"] + 1, (b,), generator=gen)
    lengths[0] = 0
    lengths[b // 2] = cfg["LONG"]
    return lengths


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    lengths = _lengths(gen, cfg)
    offsets = torch.cat([torch.zeros(1, dtype=torch.int64), torch.cumsum(lengths, 0)])
    t = int(offsets[-1])
    hi = torch.randint(-(2**31), 2**31, (t,), generator=gen)
    lo = torch.randint(0, 2**32, (t,), generator=gen)
    ids = hi * 2**32 + lo  # uniform over int64: half of them negative
    pad = {"normal": 0.1, "extremes": 0.2}.get(dist, 0.5)
    if dist == "extremes":
        pool = torch.tensor([0, 1, -2, 2, 7, -(2**63), 2**63 - 1, -(2**62), 12345])
        pick = torch.rand(t, generator=gen) < 0.6
        ids[pick] = pool[torch.randint(0, len(pool), (int(pick.sum()),), generator=gen)]
    ids[torch.rand(t, generator=gen) < pad] = -1
    if dist == "padding" and cfg["B"] > 2:  # a non-empty bag of padding only
        ids[int(offsets[-2]):int(offsets[-1])] = -1
    weights = torch.randn(t, generator=gen)
    weights[torch.rand(t, generator=gen) < 0.1] = 0.0
    r = 2 ** cfg["BITS"]  # row norms from about 0.1 to 2.5: some rows are max-normed, some not
    table = torch.randn(r, cfg["D"], generator=gen) * (0.02 + 0.4 * torch.rand(r, 1, generator=gen))
    return [ids, offsets, weights, table]


def get_init_inputs(config: dict | None = None):
    return [MAX_NORM]
