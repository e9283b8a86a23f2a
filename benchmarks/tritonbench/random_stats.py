"""Distribution and independence tests for the random leaves of a TritonBench-T answer
(:mod:`benchmarks.tritonbench.random_ops`).

A first-moment check lets a constant 0.5 pass as ``torch.rand`` and a fixed index pattern pass as
a dropout mask (red team 6, S4). Each test here compares a statistic with a finite-sample bound
that an honest answer (``tl.rand``/``torch.rand``: independent draws) exceeds with probability at
most :data:`ALPHA`:

* ``uniform`` leaf: the Kolmogorov-Smirnov distance to U[0, 1) (DKW inequality with Massart's
  constant, ``P(D > t) <= 2 exp(-2 n t^2)``, plus the dtype's resolution), so the whole
  distribution counts, not just the mean;
* ``uniform`` and ``masked`` leaves: no trend with the element index, and no dependence between
  neighbours along every dimension (disjoint pairs ``(j, j+1)``, ``j`` even); for masks also no
  trend with the size of the kept value. These are sums of independent, bounded, zero-mean terms
  under independence, bounded with Bernstein's inequality
  ``P(|S| >= s) <= 2 exp(-s^2 / (2 (V + M s / 3)))``.

What no test of one run can tell: a deterministic function of the position that looks random (a
hash of the index, which is what ``tl.rand`` with a fixed seed is). The answer's two runs under
different seeds of torch's generator are compared with each other for that
(:mod:`benchmarks.tritonbench.random_pairs`).
"""
from __future__ import annotations

import math

import torch

#: false-rejection bound of one test for an honest answer
ALPHA = 1e-6
_LOG = math.log(2 / ALPHA)


def bernstein_bound(variance: float, bound: float) -> float:
    """``s`` with ``2 exp(-s^2 / (2 (V + M s / 3))) = ALPHA`` for a sum of independent zero-mean
    terms with total variance ``V`` and ``|term| <= M``."""
    a = _LOG * bound / 3
    return a + math.sqrt(a * a + 2 * _LOG * variance)


def ks_uniform(x: torch.Tensor) -> tuple[float, float]:
    """(Kolmogorov-Smirnov distance of ``x`` to U[0, 1), the bound an honest draw stays under)."""
    v = x.detach().double().reshape(-1).sort().values
    n = v.numel()
    i = torch.arange(1, n + 1, dtype=torch.float64)
    d = float(torch.maximum(i / n - v, v - (i - 1) / n).max())
    resolution = float(torch.finfo(x.dtype).eps) if x.is_floating_point() else 0.0
    return d, math.sqrt(_LOG / (2 * n)) + resolution


def _trend(centred: torch.Tensor, spread: float, bound: float, weights: torch.Tensor) -> tuple[float, float]:
    """(|sum of centred * weights|, its bound); ``spread`` is one term's variance per unit weight^2."""
    s = float((centred * weights).sum())
    return abs(s), bernstein_bound(spread * float((weights * weights).sum()), bound)


def _index_weights(n: int) -> torch.Tensor:
    return torch.linspace(-1.0, 1.0, n, dtype=torch.float64) if n > 1 else torch.zeros(n, dtype=torch.float64)


def _pairs(t: torch.Tensor, dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Disjoint neighbour pairs along ``dim``: positions ``j`` and ``j + 1`` for even ``j``."""
    even = torch.arange(0, t.shape[dim] - 1, 2)
    return t.index_select(dim, even).reshape(-1), t.index_select(dim, even + 1).reshape(-1)


def uniform_problems(x: torch.Tensor) -> list[str]:
    """What shows that ``x`` (values in [0, 1)) is not independent U[0, 1) draws ([] if nothing)."""
    out: list[str] = []
    d, limit = ks_uniform(x)
    if d > limit:
        out.append(f"distance {d:.3f} from the uniform distribution (Kolmogorov-Smirnov), expected under {limit:.3f}")
    c = x.detach().double() - 0.5
    flat = c.reshape(-1)
    s, limit = _trend(flat, 1 / 12, 0.5, _index_weights(flat.numel()))
    if s > limit:
        out.append(f"values trend with the element index (sum {s:.1f}, expected under {limit:.1f})")
    for dim in range(c.dim()):
        a, b = _pairs(c, dim)
        if a.numel():
            s, limit = abs(float((a * b).sum())), bernstein_bound(a.numel() / 144, 0.25)
            if s > limit:
                out.append(f"neighbours along dimension {dim} are correlated (sum {s:.1f}, expected under {limit:.1f})")
    return out


def mask_problems(kept: torch.Tensor, informative: torch.Tensor, ref_kept: torch.Tensor, q: float) -> list[str]:
    """What shows that the kept elements (``kept``, over the ``informative`` positions, where kept and
    dropped values differ) are not independent draws kept with probability ``q``."""
    if not 0.0 < q < 1.0:
        return []
    out: list[str] = []
    m = kept.double() - q
    var, big = q * (1 - q), max(q, 1 - q)
    sel = m[informative]
    s, limit = _trend(sel, var, big, _index_weights(sel.numel()))
    if s > limit:
        out.append(f"the kept elements trend with the element index (sum {s:.1f}, expected under {limit:.1f})")
    values = ref_kept.double()[informative]
    if values.numel() > 1:
        ranks = torch.empty_like(values)
        ranks[values.argsort()] = _index_weights(values.numel())
        s, limit = _trend(sel, var, big, ranks)
        if s > limit:
            out.append(f"which elements are kept depends on their values (sum {s:.1f}, expected under {limit:.1f})")
    inf = informative.double()
    for dim in range(m.dim()):
        a, b = _pairs(m * inf, dim)  # a pair counts where both elements are informative (else a term is 0)
        both = _pairs(inf, dim)
        n = float((both[0] * both[1]).sum())
        if n:
            s, limit = abs(float((a * b).sum())), bernstein_bound(n * var * var, big * big)
            if s > limit:
                out.append(f"kept neighbours along dimension {dim} are correlated (sum {s:.1f}, "
                           f"expected under {limit:.1f})")
    return out
