"""Metrics with honest statistics: unbiased pass@k, standard errors, bootstrap intervals."""
from __future__ import annotations

import math
import random
import sys
from array import array
from collections.abc import Iterator, Sequence
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
    means = bootstrap_means(values, seed, resamples)
    lo = means[int(0.025 * (resamples - 1))]
    hi = means[int(math.ceil(0.975 * (resamples - 1)))]
    return {"mean": mean, "stderr": stderr, "ci95": [lo, hi], "n": n}


def bootstrap_means(values: Sequence[float], seed: int, resamples: int) -> list[float]:
    """The sorted means of ``resamples`` resamples of ``values``: exactly what drawing each index
    with ``random.Random(seed).randrange(n)`` and summing with ``sum()`` gives, computed in bulk
    (numpy's left-to-right ``cumsum`` is ``sum()``'s order up to Python 3.11; 3.12's ``sum()``
    compensates, so there only the pure-Python form runs). tests/core/test_results_cost.py checks
    both forms against that loop."""
    n = len(values)
    if n * resamples >= _NUMPY_FROM and n.bit_length() <= 32 and sys.version_info < (3, 12):
        try:
            import numpy as np
        except ImportError:
            pass
        else:
            idx = np.concatenate(list(_words(random.Random(seed), n, n * resamples, np.frombuffer)))[:n * resamples]
            table = np.asarray(values, dtype=np.float64)[idx].reshape(resamples, n)
            sums = np.cumsum(table, axis=1)[:, -1]  # left to right, as sum() adds
            return sorted((sums / n).tolist())
    draws = _draws(random.Random(seed), n, n * resamples)
    get = values.__getitem__
    return sorted(sum(map(get, draws[j * n:(j + 1) * n])) / n for j in range(resamples))


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


#: from this many draws numpy (when installed) sums the resamples
_NUMPY_FROM = 50_000
_WORD = "I" if array("I").itemsize == 4 else "L"


def _words(rng: random.Random, n: int, count: int, frombuffer: Any) -> Iterator[Any]:
    """Batches of ``rng.randrange(n)``'s values, at least ``count`` in all, as numpy arrays.

    CPython's randrange(n) takes ``getrandbits(k)`` (k = n's bit length, at most 32 here: the top
    k bits of one 32-bit output of the generator) until it is below n; ``getrandbits(32 * m)``
    returns m such outputs in order, the first in the lowest bits."""
    k = n.bit_length()
    got = 0
    while got < count:
        m = (count - got) * (1 << k) // n + 64
        words = frombuffer(rng.getrandbits(32 * m).to_bytes(4 * m, "little"), dtype="<u4") >> (32 - k)
        batch = words[words < n]
        got += len(batch)
        yield batch


def _draws(rng: random.Random, n: int, count: int) -> list[int]:
    """The first ``count`` values of ``rng.randrange(n)`` (as :func:`_words`, without numpy)."""
    k = n.bit_length()
    if k > 32:
        return [rng.randrange(n) for _ in range(count)]
    shift = 32 - k
    out: list[int] = []
    while len(out) < count:
        m = (count - len(out)) * (1 << k) // n + 64
        words = array(_WORD, rng.getrandbits(32 * m).to_bytes(4 * m, "little"))
        if sys.byteorder == "big":
            words.byteswap()
        out += [r for r in (w >> shift for w in words) if r < n]
    del out[count:]
    return out
