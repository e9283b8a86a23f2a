"""hweval compare: discordant problems and the paired test of the pass-rate difference."""
from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import UsageError
from harness.publish.compare import bootstrap_ci, compare_results, permutation_p, sign_test_p
from harness.results import read_results
from tests.publish.runs import write_run


def test_sign_test_known_values() -> None:
    assert sign_test_p(6, 0) == pytest.approx(2 / 64)
    assert sign_test_p(0, 0) == 1.0
    assert sign_test_p(5, 5) == 1.0
    # two-sided binomial: 2 * P(X <= 2), X ~ Bin(10, 1/2)
    assert sign_test_p(8, 2) == pytest.approx(2 * (1 + 10 + 45) / 1024)


def test_permutation_equals_mcnemar_with_one_sample_per_problem() -> None:
    diffs = [Fraction(1)] * 7 + [Fraction(-1)] * 2 + [Fraction(0)] * 5
    p, exact = permutation_p(diffs)
    assert exact and p == pytest.approx(sign_test_p(7, 2))


def test_permutation_matches_brute_force_enumeration() -> None:
    diffs = [Fraction(2, 3), Fraction(-1, 3), Fraction(1, 2), Fraction(1), Fraction(0), Fraction(1, 6),
             Fraction(-1, 2), Fraction(1, 3)]
    observed = abs(sum(diffs))
    flips = list(itertools.product((1, -1), repeat=len(diffs)))
    brute = sum(abs(sum(s * d for s, d in zip(signs, diffs))) >= observed for signs in flips) / len(flips)
    p, exact = permutation_p(diffs)
    assert exact and p == pytest.approx(brute)


def test_permutation_falls_back_to_monte_carlo_when_huge() -> None:
    diffs = [Fraction(i % 7 + 1, 997 if i % 2 else 991) for i in range(600)]
    p, exact = permutation_p(diffs)
    assert not exact and 0 < p < 0.001  # every difference is positive


def test_bootstrap_interval_brackets_the_mean() -> None:
    diffs = [1.0, 0.5, 0.0, 1.0, -0.5, 1.0, 0.0, 0.5]
    lo, hi = bootstrap_ci(diffs)
    assert lo < sum(diffs) / len(diffs) < hi
    assert bootstrap_ci([0.25] * 5) == [0.25, 0.25]


def _results(tmp_path: Path, name: str, model: str, per: dict, **kw) -> dict:
    return read_results(write_run(tmp_path / name, model, per, **kw))


def test_compare_lists_discordant_problems(tmp_path: Path) -> None:
    a = _results(tmp_path, "a", "big", {"p1": (4, 4), "p2": (4, 1), "p3": (4, 0), "p4": (4, 2), "only_a": (4, 4)})
    b = _results(tmp_path, "b", "small", {"p1": (4, 0), "p2": (4, 0), "p3": (4, 1), "p4": (4, 2)})
    out = compare_results(a, b, names=("runA", "runB"))
    c = out["suites"]["toy-suite"]
    assert out["a"] == {"run": "runA", "model": "big"}
    assert [x["problem_id"] for x in c["solved_by_a_only"]] == ["p1", "p2"]
    assert c["solved_by_a_only"][1] == {"problem_id": "p2", "a": "1/4", "b": "0/4"}
    assert [x["problem_id"] for x in c["solved_by_b_only"]] == ["p3"]
    assert (c["solved_by_both"], c["solved_by_neither"], c["n_common"]) == (1, 0, 4)
    assert c["only_in_a"] == ["only_a"] and c["only_in_b"] == []
    assert c["pass1_a"] == pytest.approx((1 + 0.25 + 0 + 0.5) / 4)
    assert c["diff"] == pytest.approx(c["pass1_a"] - c["pass1_b"])
    assert c["ci95"][0] <= c["diff"] <= c["ci95"][1]
    assert (c["a_higher"], c["b_higher"]) == (2, 1) and 0 < c["p_value"] <= 1 and c["exact"]
    assert "permutation" in c["method"] and "McNemar" in c["method"]


def test_compare_refuses_different_suite_versions(tmp_path: Path) -> None:
    a = _results(tmp_path, "a", "x", {"p1": (1, 1)}, content_hash="1111111111111111")
    b = _results(tmp_path, "b", "y", {"p1": (1, 1)}, content_hash="2222222222222222")
    with pytest.raises(UsageError, match="suite toy-suite: A used version 1 .content 1111111111111111."):
        compare_results(a, b)


def test_compare_without_shared_suite_or_unknown_suite(tmp_path: Path) -> None:
    a = _results(tmp_path, "a", "x", {"p1": (1, 1)})
    b = _results(tmp_path, "b", "y", {"p1": (1, 1)}, suite="other")
    with pytest.raises(UsageError, match="share no suite"):
        compare_results(a, b)
    with pytest.raises(UsageError, match="--suite nope: not in both runs"):
        compare_results(a, a, suites=["nope"])


def test_compare_command_json(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    a = write_run(tmp_path / "a", "x", {"p1": (1, 1), "p2": (1, 1)})
    b = write_run(tmp_path / "b", "y", {"p1": (1, 0), "p2": (1, 1)})
    assert main(["compare", str(a), str(b), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["suites"]["toy-suite"]["solved_by_a_only"] == [{"problem_id": "p1", "a": "1/1", "b": "0/1"}]
    assert out["suites"]["toy-suite"]["p_value"] == pytest.approx(1.0)
    assert main(["compare", str(a), str(tmp_path / "missing")]) == 2
    assert "missing/results.json: not found" in capsys.readouterr().err
