"""Metrics with honest statistics: unbiased pass@k, standard errors, bootstrap intervals."""
from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

BOOTSTRAP_RESAMPLES = 2000


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimator 1 - C(n-c, k) / C(n, k) = 1 - prod_{i=n-c+1..n} (1 - k/i)."""
    if k > n or k < 1:
        raise ValueError(f"pass@{k} needs 1 <= k <= n (n={n})")
    if n - c < k:
        return 1.0
    prod = 1.0
    for i in range(n - c + 1, n + 1):
        prod *= 1.0 - k / i
    return 1.0 - prod


def mean_stats(values: Sequence[float], seed: int = 0, resamples: int = BOOTSTRAP_RESAMPLES) -> dict[str, Any]:
    """Mean, standard error of the mean, and a 95% percentile-bootstrap interval."""
    n = len(values)
    if n == 0:
        return {"mean": None, "stderr": None, "ci95": [None, None], "n": 0}
    mean = sum(values) / n
    if n > 1:
        var = sum((v - mean) ** 2 for v in values) / (n - 1)
        stderr = math.sqrt(var / n)
    else:
        stderr = 0.0
    rng = random.Random(seed)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    lo = means[int(0.025 * (resamples - 1))]
    hi = means[int(math.ceil(0.975 * (resamples - 1)))]
    return {"mean": mean, "stderr": stderr, "ci95": [lo, hi], "n": n}


#: beyond every k up to 10, the larger k values reported (when k <= min n)
LARGE_K = (16, 20, 32, 50, 64, 100, 128, 200, 256, 500, 1000)


def k_values(min_n: int) -> list[int]:
    """Every k <= min n up to 10, then the usual larger ones: n can be in the thousands."""
    return [k for k in range(1, min(min_n, 10) + 1)] + [k for k in LARGE_K if k <= min_n]


def pass_at_k_table(counts: dict[str, tuple[int, int]], seed: int = 0) -> dict[str, dict[str, Any]]:
    """pass@k for k <= min n (see :func:`k_values`), with statistics. ``counts``: problem -> (n, c)."""
    if not counts:
        return {}
    min_n = min(n for n, _ in counts.values())
    out = {}
    for k in k_values(min_n):
        per_problem = [pass_at_k(n, c, k) for n, c in counts.values()]
        out[f"pass@{k}"] = mean_stats(per_problem, seed=seed + k)
    return out
