"""The Verilog attack corpus (issue 14, classes 1-5) and the honest-answer corpus, through the
real pipeline: extraction, then evaluation in the local (bubblewrap) sandbox, on verilog-core,
VerilogEval v1/v2 and RTLLM fixtures. Attacks never pass (with the rule named where it is
stable); honest answers in ordinary style always pass."""
from __future__ import annotations

import pytest

from harness.types import Status, Verdict
from tests.security.verilog.corpus import HERE, Case, cases, describe, run_cases

pytestmark = pytest.mark.slow

ATTACKS = cases(HERE / "attacks")
HONEST = cases(HERE / "honest")


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    return run_cases([*ATTACKS, *HONEST])


def test_the_corpus_covers_every_class_and_target() -> None:
    names = {c.name.split("@")[0][:2] for c in ATTACKS}
    assert {"c1", "c2", "c3", "c4", "c5", "a_"} <= names
    assert {c.suite for c in ATTACKS} == {c.suite for c in HONEST} == {
        "verilog-core", "verilogeval-v2-spec", "verilogeval-v1-human", "rtllm"}


@pytest.mark.parametrize("case", ATTACKS, ids=lambda c: c.name)
def test_attack_does_not_pass(case: Case, verdicts: dict[str, Verdict]) -> None:
    v = verdicts[case.name]
    assert v.status != Status.PASS, describe(v)
    if case.expect in ("rejected", "fail"):
        assert v.status == case.expect, describe(v)
    if case.rule:
        assert v.rule == case.rule, describe(v)


@pytest.mark.parametrize("case", HONEST, ids=lambda c: c.name)
def test_honest_answer_passes(case: Case, verdicts: dict[str, Verdict]) -> None:
    v = verdicts[case.name]
    assert v.status == Status.PASS, describe(v) + f"\n{v.logs}"
