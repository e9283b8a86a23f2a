"""Repair rounds draw other inputs where a suite fixes them per run (kernels: red team 11b S6, a
model that played back the expected values its feedback quoted passed at round 7)."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness import registry
from harness.execute import extract
from harness.families.kernels.suite import round_seed_base
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status


def test_each_round_has_its_own_seed_base() -> None:
    bases = [round_seed_base(12345, r) for r in range(1, 9)]
    assert bases[0] == 12345 and len(set(bases)) == 8
    assert all(0 <= b < 1 << 30 for b in bases)


def test_the_round_reaches_the_candidate() -> None:
    suite = registry.load("suites", "kernels-core")(SuiteOptions(extra={"lang": "triton"}))
    problem = next(p for p in suite.problems() if p.id == "relu")
    text = suite.reference_response(problem)
    one = extract(suite, problem, Completion(suite.name, problem.id, 0, text))
    two = extract(suite, problem, Completion(suite.name, problem.id, 0, text, round=2))
    assert not isinstance(one, type(None)) and "round" not in one.meta  # type: ignore[union-attr]
    assert two.meta["round"] == 2  # type: ignore[union-attr]


@pytest.mark.slow
def test_a_second_round_is_checked_on_other_inputs(tmp_path: Path, bwrap_sandbox) -> None:  # type: ignore[no-untyped-def]
    """The reference cases (cached per input seed) of a round-2 answer are not round 1's."""
    suite = registry.load("suites", "kernels-core")(SuiteOptions(extra={"lang": "triton"}))
    problem = next(p for p in suite.problems() if p.id == "relu")
    text = suite.reference_response(problem)
    ctx = EvalContext(sandbox=bwrap_sandbox, cache_dir=tmp_path)
    refs = tmp_path / "kernels_refs"

    def cached_after(round_: int) -> int:
        cand = extract(suite, problem, Completion(suite.name, problem.id, 0, text, round=round_))
        assert suite.evaluate(problem, cand, ctx).status == Status.PASS  # type: ignore[arg-type]
        return len(list(refs.iterdir()))

    assert cached_after(1) == 1
    assert cached_after(1) == 1  # the same inputs again
    assert cached_after(2) == 2  # round 2: another input set
