"""What results.json costs (issue 22): the bootstrap intervals are the same numbers as before,
drawn in bulk, and a VerilogEval-sized suite's pass@k table takes well under a second."""
from __future__ import annotations

import random
import time

import pytest

from harness import metrics
from harness.metrics import bootstrap_means, pass_at_k_table


def _loop(values: list[float], seed: int, resamples: int) -> list[float]:
    """The bootstrap as first written: one randrange per draw (what earlier runs' numbers are)."""
    n = len(values)
    rng = random.Random(seed)
    return sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))


#: draws per case of the larger sizes: above ``metrics._NUMPY_FROM`` (the numpy path), small enough
#: that the reference loop takes a fraction of a second (this runs in ``make test``)
DRAWS = 120_000


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 24, 25, 26, 64, 100, 156, 1000])
def test_bulk_bootstrap_draws_what_the_loop_draws(n: int) -> None:
    resamples = 2000 if n * 2000 <= DRAWS else DRAWS // n  # 24 x 2000 < _NUMPY_FROM <= 25 x 2000
    assert (n * resamples >= metrics._NUMPY_FROM) == (n >= 25)  # both paths, each on several sizes
    rng = random.Random(n)
    for kind in ("float", "int", "bool"):
        values: list[float] = [rng.random() if kind == "float" else
                               (rng.randrange(3) if kind == "int" else rng.random() < 0.5) for _ in range(n)]
        for seed in (0, 1, 17):
            assert bootstrap_means(values, seed, resamples) == _loop(values, seed, resamples), (n, kind, seed)


def test_pure_python_form_draws_what_the_loop_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "_NUMPY_FROM", 10**12)  # never numpy
    values = [random.Random(3).random() for _ in range(156)]
    assert bootstrap_means(values, 5, 500) == _loop(values, 5, 500)


def test_pass_at_k_table_of_a_verilogeval_sized_suite_is_fast() -> None:
    rng = random.Random(0)
    counts = {f"p{i}": (20, rng.randrange(21)) for i in range(156)}  # 156 problems x 20 samples: 12 k values
    pass_at_k_table(counts)  # numpy imported once
    start = time.process_time()
    table = pass_at_k_table(counts)
    spent = time.process_time() - start
    assert set(table) == {f"pass@{k}" for k in (*range(1, 11), 16, 20)}
    assert spent < 0.5, f"{spent:.2f} s of CPU for the pass@k table (the loop took about 1.3 s)"
