"""Draws must change with torch's generator: the two answer runs of a random TritonBench-T operator
compared with each other (issue 14; :mod:`benchmarks.tritonbench.random_ops`).

The statistical tests of :mod:`benchmarks.tritonbench.random_stats` look at one run: a
deterministic function of the element's position that looks random (a fixed ``tl.rand`` seed, a
hash of the index) passes them. So the answer's test section runs twice on the same inputs, each
call of the answer's function under its own seed of torch's generator (drawn per evaluation by
the harness, :func:`harness.families.kernels.sandboxed.worker_function._own_generator`), and the
answer seeds its kernels from that generator (``torch.randint(0, 2**31 - 1, (1,)).item()``, the
one draw the allowlist accepts: :mod:`harness.families.kernels.static.seeddraw`). For each random
leaf the reference decides what the two runs must show (``cross`` in the plan, from the
reference's own two runs under two generator seeds):

* ``independent`` (the reference's draws changed with the generator): the answer's two runs must
  be independent draws. Tested per leaf and pooled over all such leaves, each test falsely failing
  honest draws with probability at most :data:`random_stats.ALPHA`:

  - the products of the centred pairs, ``(a - 1/2)(b - 1/2)`` for uniform values and
    ``(k_a - q)(k_b - q)`` for kept indicators, sum to zero in expectation (Bernstein's inequality);
  - uniform values: the number of exactly equal pairs stays near the chance of a tie, at most
    ``max(eps, 2**-16)`` per pair for a generator of at least 16 bits (Bernstein again);

* ``same`` (the reference's draws did not change: the function is given its seed, and the
  chance that two independent masks agree is under ``ALPHA``): the answer's runs must be identical;
* ``none`` (the reference's masks agreed, but could have by chance: a small leaf): no test.

And the draws must come from the generator alone: the first run is repeated under its own generator
seed, after allocations of unpredictable sizes that move every address the answer gets
(:func:`harness.families.kernels.sandboxed.worker_function._ballast`), and every random leaf must
come out identical (:func:`repeat_problems`). An answer seeding its kernels from ``data_ptr``
values or pointer bits passed the two tests above (its two runs had other addresses), and so would
any other source outside the generator.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from .random_stats import ALPHA, bernstein_bound

#: the seed draw the answers are told to use
FORM = "torch.randint(0, 2**31 - 1, (1,)).item()"
#: a tie of two independent uniform draws is at most this likely (beyond the dtype's eps)
MIN_TIE = 2.0 ** -16


@dataclass
class Draws:
    """One random leaf of one run: uniform values, or kept indicators over the informative
    positions (where kept and dropped values differ) with their keep probability ``q``."""

    kind: str
    values: torch.Tensor
    q: float = 0.5


def cross_kind(masked_a: torch.Tensor, masked_b: torch.Tensor, q: float) -> str:
    """``cross`` of a masked leaf from the reference's two runs (kept indicators, informative
    positions only) under two generator seeds."""
    if not torch.equal(masked_a, masked_b):
        return "independent"
    n = masked_a.numel()
    same = q * q + (1 - q) * (1 - q)
    return "same" if n and n * math.log(same) <= math.log(ALPHA) else "none"


def _terms(d_a: Draws, d_b: Draws) -> tuple[float, float, float]:
    """(sum of centred products, its variance under independence, the bound of one term)."""
    if d_a.kind == "uniform":
        a, b = d_a.values.double().reshape(-1) - 0.5, d_b.values.double().reshape(-1) - 0.5
        return float((a * b).sum()), a.numel() / 144, 0.25
    q = d_a.q
    a, b = d_a.values.double() - q, d_b.values.double() - q
    return float((a * b).sum()), a.numel() * (q * (1 - q)) ** 2, max(q, 1 - q) ** 2


def _ties(d_a: Draws, d_b: Draws) -> tuple[int, int, float]:
    """(equal pairs, pairs, the bound on equal pairs under independence) of a uniform leaf."""
    a, b = d_a.values.reshape(-1), d_b.values.reshape(-1)
    n = a.numel()
    tie = max(float(torch.finfo(d_a.values.dtype).eps), MIN_TIE) if d_a.values.is_floating_point() else 1.0
    return int((a == b).sum()), n, n * tie + bernstein_bound(n * tie, 1.0)


def _unchanged(key: str, what: str) -> str:
    return (f"result {key}: the random draws do not change with torch's generator (two runs under different "
            f"generator seeds: {what}); draw the kernels' seed from it at every call ({FORM})")


def cross_run_problems(plan: list[dict[str, Any]], run_a: dict[str, Draws], run_b: dict[str, Draws]) -> list[str]:
    """What shows that the answer's two runs break the plan's ``cross`` rules ([] if nothing)."""
    out: list[str] = []
    pooled = [0.0, 0.0, 0.0]
    for leaf in plan:
        key, cross = leaf["key"], leaf.get("cross", "none")
        if key not in run_a or key not in run_b:
            continue
        d_a, d_b = run_a[key], run_b[key]
        if cross == "same":
            if not torch.equal(d_a.values, d_b.values):
                out.append(f"result {key}: differs between two runs with the same inputs although the reference's "
                           "draws do not change with torch's generator here (the function is given its seed)")
            continue
        if cross != "independent" or d_a.values.numel() == 0:
            continue
        if d_a.kind == "uniform":
            eq, n, limit = _ties(d_a, d_b)
            if eq > limit:
                out.append(_unchanged(key, f"{eq} of {n} values equal, expected under {limit:.1f}"))
                continue
        s, var, m = _terms(d_a, d_b)
        limit = bernstein_bound(var, m)
        if abs(s) > limit:
            alike = int((d_a.values == d_b.values).sum())
            out.append(_unchanged(key, f"{alike} of {d_a.values.numel()} {'values' if d_a.kind == 'uniform' else 'kept or dropped'} "
                                  f"alike, correlated: sum of centred products {s:.1f}, expected under {limit:.1f}"))
        pooled = [pooled[0] + s, pooled[1] + var, max(pooled[2], m)]
    if not out and pooled[1] > 0 and abs(pooled[0]) > bernstein_bound(pooled[1], pooled[2]):
        limit = bernstein_bound(pooled[1], pooled[2])
        out.append(_unchanged("(all random results together)",
                              f"correlated, sum of centred products {pooled[0]:.1f}, expected under {limit:.1f}"))
    return out


def _identical(a: Any, b: Any) -> bool:
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor):
        return bool(a == b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return torch.equal(a, b) or (a.is_floating_point() and bool(torch.isclose(a, b, rtol=0, atol=0, equal_nan=True).all()))


def repeat_problems(plan: list[dict[str, Any]], first: tuple[list[str], list[Any]],
                    again: tuple[list[str], list[Any]]) -> list[str]:
    """What shows that a rerun of the first run under the same generator seed (other addresses)
    did not repeat its random results ([] if nothing)."""
    if list(again[0]) != list(first[0]):
        return [f"a rerun under the same generator seed gave results {again[0]}, the first run {first[0]}"]
    out = []
    for leaf, a, b in zip(plan, first[1], again[1], strict=True):
        if leaf["kind"] != "fixed" and not _identical(a, b):
            n = a.numel() if isinstance(a, torch.Tensor) else 1
            same = int((a == b).sum()) if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and \
                a.shape == b.shape else 0
            out.append(f"result {leaf['key']}: a rerun under the same seed of torch's generator gave other random "
                       f"values ({same} of {n} equal): the draws depend on something besides the generator "
                       f"(addresses, data_ptr values, time); draw the kernels' seed from it ({FORM})")
    return out
