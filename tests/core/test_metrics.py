from __future__ import annotations

import itertools

import pytest

from harness.metrics import mean_stats, pass_at_k, pass_at_k_table


def brute_force(n: int, c: int, k: int) -> float:
    """Fraction of k-subsets of n samples (c correct) that contain at least one correct sample."""
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(samples[i] for i in s) for s in subsets) / len(subsets)


@pytest.mark.parametrize("n", range(1, 9))
def test_pass_at_k_matches_brute_force(n: int) -> None:
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(brute_force(n, c, k), abs=1e-12), (n, c, k)


def test_pass_at_k_rejects_k_above_n() -> None:
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 4)


def test_table_reports_every_k_up_to_min_n() -> None:
    table = pass_at_k_table({"a": (5, 1), "b": (3, 0), "c": (4, 4)})
    assert sorted(table) == ["pass@1", "pass@2", "pass@3"]
    expected = (pass_at_k(5, 1, 2) + 0.0 + 1.0) / 3
    assert table["pass@2"]["mean"] == pytest.approx(expected)


def test_mean_stats_interval_and_stderr() -> None:
    values = [0.0, 1.0] * 20
    s = mean_stats(values, seed=1)
    assert s["mean"] == pytest.approx(0.5)
    assert s["stderr"] == pytest.approx((0.25 * 40 / 39 / 40) ** 0.5)
    lo, hi = s["ci95"]
    assert lo < 0.5 < hi and hi - lo < 0.5
    const = mean_stats([1.0] * 10)
    assert const["stderr"] == 0 and const["ci95"] == [1.0, 1.0]
    assert mean_stats([])["mean"] is None
