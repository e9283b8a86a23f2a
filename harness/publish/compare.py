"""``hweval compare RUN_A RUN_B``: which problems one run solves and the other does not, and
whether the difference in pass rate is more than noise.

Per problem i of a suite scored in both runs, ``p_i = c_i / n_i`` (the unbiased pass@1 of that
problem) and ``d_i = pA_i - pB_i``. The runs are paired by problem:

- **test**: a paired sign-flip permutation test of ``mean(d)`` (two-sided; under the null each
  ``d_i`` is as likely to be ``-d_i``). It is exact (all ``2^m`` sign patterns, by convolution)
  unless the distribution grows too large, then Monte Carlo. With one sample per problem it
  is exactly McNemar's exact test on the discordant problems;
- **interval**: 95% paired-bootstrap interval of ``mean(d)`` (problems resampled together);
- **sign test**: exact binomial test of #problems where A's rate is higher vs B's.

"Solves" means at least one sample passes (``c > 0``), i.e. pass@n.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from harness.errors import UsageError
from harness.metrics import BOOTSTRAP_RESAMPLES

METHOD = ("paired sign-flip permutation test over problems of the per-problem pass@1 difference "
          "(two-sided; equals McNemar's exact test with one sample per problem); 95% interval by paired "
          "bootstrap over problems")
_EXACT_MAX_STATES = 4_000_000
_EXACT_MAX_WORK = 300_000_000
_MONTE_CARLO = 20_000


def sign_test_p(wins_a: int, wins_b: int) -> float:
    """Two-sided exact binomial (sign) test of wins_a vs wins_b with p = 1/2."""
    m = wins_a + wins_b
    if m == 0:
        return 1.0
    tail = sum(math.comb(m, i) for i in range(min(wins_a, wins_b) + 1)) / 2 ** m
    return min(1.0, 2 * tail)


def permutation_p(diffs: list[Fraction], seed: int = 0) -> tuple[float, bool]:
    """Two-sided p of the sign-flip permutation test of sum(diffs); (p, exact?)."""
    nonzero = [abs(d) for d in diffs if d != 0]
    if not nonzero:
        return 1.0, True
    scale = math.lcm(*(d.denominator for d in nonzero))
    ints = [int(d * scale) for d in nonzero]
    observed = abs(int(sum(diffs) * scale))
    total = sum(ints)
    if 2 * total + 1 <= _EXACT_MAX_STATES and (2 * total + 1) * len(ints) <= _EXACT_MAX_WORK:
        dist = np.zeros(2 * total + 1)
        dist[total] = 1.0  # index total is a sum of zero
        for v in ints:
            new = np.zeros_like(dist)
            new[v:] += 0.5 * dist[:-v]
            new[:-v] += 0.5 * dist[v:]
            dist = new
        sums = np.abs(np.arange(-total, total + 1))
        return float(min(1.0, dist[sums >= observed].sum())), True
    rng = np.random.default_rng(seed)
    arr = np.array(ints, dtype=np.float64)
    hits = 0
    for start in range(0, _MONTE_CARLO, 2_000):
        signs = rng.integers(0, 2, size=(min(2_000, _MONTE_CARLO - start), len(arr))) * 2.0 - 1.0
        hits += int((np.abs(signs @ arr) >= observed - 0.5).sum())  # sums are integers
    return (hits + 1) / (_MONTE_CARLO + 1), False


def bootstrap_ci(diffs: list[float], seed: int = 0, resamples: int = BOOTSTRAP_RESAMPLES) -> list[float]:
    rng = np.random.default_rng(seed)
    arr = np.array(diffs)
    means = np.sort(arr[rng.integers(0, len(arr), size=(resamples, len(arr)))].mean(axis=1))
    return [float(means[int(0.025 * (resamples - 1))]), float(means[math.ceil(0.975 * (resamples - 1))])]


def _rate(pc: dict[str, int]) -> Fraction:
    return Fraction(pc["c"], pc["n"])


def compare_suite(suite: str, a: dict[str, Any], b: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    """Compare two results.json suite entries (same suite, same version) problem by problem."""
    pa = {p: v for p, v in a.get("per_problem", {}).items() if v["n"] > 0}
    pb = {p: v for p, v in b.get("per_problem", {}).items() if v["n"] > 0}
    common = sorted(set(pa) & set(pb))
    diffs = [_rate(pa[p]) - _rate(pb[p]) for p in common]
    out: dict[str, Any] = {
        "suite": suite,
        "n_common": len(common),
        "only_in_a": sorted(set(pa) - set(pb)),
        "only_in_b": sorted(set(pb) - set(pa)),
        "solved_by_a_only": [{"problem_id": p, "a": f"{pa[p]['c']}/{pa[p]['n']}", "b": f"{pb[p]['c']}/{pb[p]['n']}"}
                             for p in common if pa[p]["c"] > 0 and pb[p]["c"] == 0],
        "solved_by_b_only": [{"problem_id": p, "a": f"{pa[p]['c']}/{pa[p]['n']}", "b": f"{pb[p]['c']}/{pb[p]['n']}"}
                             for p in common if pb[p]["c"] > 0 and pa[p]["c"] == 0],
        "solved_by_both": sum(pa[p]["c"] > 0 and pb[p]["c"] > 0 for p in common),
        "solved_by_neither": sum(pa[p]["c"] == 0 and pb[p]["c"] == 0 for p in common),
        "a_higher": sum(d > 0 for d in diffs),
        "b_higher": sum(d < 0 for d in diffs),
        "method": METHOD,
    }
    if not common:
        out.update(pass1_a=None, pass1_b=None, diff=None, ci95=[None, None], p_value=None, exact=None,
                   sign_test_p=None)
        return out
    n = len(common)
    p_value, exact = permutation_p(diffs, seed=seed)
    out.update(
        pass1_a=float(sum(_rate(pa[p]) for p in common) / n),
        pass1_b=float(sum(_rate(pb[p]) for p in common) / n),
        diff=float(sum(diffs) / n),
        ci95=bootstrap_ci([float(d) for d in diffs], seed=seed),
        p_value=p_value,
        exact=exact,
        sign_test_p=sign_test_p(out["a_higher"], out["b_higher"]),
    )
    return out


def compare_results(a: dict[str, Any], b: dict[str, Any], *, names: tuple[str, str] = ("A", "B"),
                    suites: list[str] | None = None, seed: int = 0) -> dict[str, Any]:
    """Compare every suite two results.json documents share (or ``suites``)."""
    sa, sb = a.get("suites", {}), b.get("suites", {})
    shared = sorted(set(sa) & set(sb))
    if suites:
        missing = [s for s in suites if s not in shared]
        if missing:
            raise UsageError(f"--suite {','.join(missing)}: not in both runs ({names[0]}: {sorted(sa)}, "
                             f"{names[1]}: {sorted(sb)})")
        shared = suites
    if not shared:
        raise UsageError(f"{names[0]} ({sorted(sa)}) and {names[1]} ({sorted(sb)}) share no suite")
    for s in shared:
        va = (sa[s].get("suite_version"), sa[s].get("content_hash"))
        vb = (sb[s].get("suite_version"), sb[s].get("content_hash"))
        if va != vb:
            raise UsageError(f"suite {s}: {names[0]} used version {va[0]} (content {va[1]}) but {names[1]} used "
                             f"version {vb[0]} (content {vb[1]}); runs of different suite versions are not compared")
    models = tuple(r.get("config", {}).get("run", {}).get("model", "?") for r in (a, b))
    warnings = [f"{name}: {r.get('infra_errors')} infra_error sample(s), left out of the comparison"
                for name, r in zip(names, (a, b)) if r.get("infra_errors")]
    warnings += [f"{name}: the run is unfinished" for name, r in zip(names, (a, b)) if not r.get("complete", True)]
    return {"a": {"run": names[0], "model": models[0]}, "b": {"run": names[1], "model": models[1]},
            "suites": {s: compare_suite(s, sa[s], sb[s], seed=seed) for s in shared}, "warnings": warnings}
