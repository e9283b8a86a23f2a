"""Audit bookkeeping: sampling, outcomes, scores, --fail-under scopes, audit.json shape."""
from __future__ import annotations

import pytest

from harness.audit.engine import MutantResult, ProblemAudit, outcome_of_status
from harness.audit.mutants import MutantSpec, problem_mutants, sample_mutants
from harness.audit.report import SCHEMA, audit_json, summarize, unified_diff
from harness.errors import UsageError
from harness.suite import Equivalence, Suite
from harness.types import Problem, Status

REF = "module m(input a, output y);\n  assign y = a;\nendmodule\n"


def _specs(n: int) -> list[MutantSpec]:
    kinds = ["op_swap", "constant", "stuck_bit"]
    return [MutantSpec(kinds[i % 3], i + 1, f"edit {i}", f"code {i}", i) for i in range(n)]


def test_sampling_is_deterministic_bounded_and_spread_over_kinds() -> None:
    specs = _specs(30)
    picked = sample_mutants(specs, 6, "suite/p1")
    assert picked == sample_mutants(specs, 6, "suite/p1")
    assert len(picked) == 6
    assert [s.index for s in picked] == sorted(s.index for s in picked)
    assert {s.kind for s in picked} == {"op_swap", "constant", "stuck_bit"}
    assert sample_mutants(specs, None, "k") == specs
    assert sample_mutants(specs, 100, "k") == specs
    assert sample_mutants(specs, 6, "suite/p2") != picked


@pytest.mark.parametrize(("status", "outcome"), [
    (Status.PASS, "survived"), (Status.FAIL, "killed"), (Status.TIMEOUT, "killed"),
    (Status.RUNTIME_ERROR, "killed"), (Status.SYNTAX_ERROR, "stillborn"), (Status.REJECTED, "stillborn"),
    (Status.NO_CODE, "stillborn"), (Status.INFRA_ERROR, "infra_error"),
])
def test_outcomes(status: Status, outcome: str) -> None:
    assert outcome_of_status(str(status)) == outcome


def test_a_mutant_that_never_finished_compiling_is_stillborn() -> None:
    from harness.audit.engine import outcome_of
    from harness.types import StageResult, Verdict

    hung = Verdict(Status.TIMEOUT, stages={"syntax": StageResult("timeout", "iverilog ran past 30 s")})
    assert outcome_of(hung) == "stillborn"
    slow_sim = Verdict(Status.TIMEOUT, stages={"syntax": StageResult("pass")})
    assert outcome_of(slow_sim) == "killed"
    assert outcome_of(Verdict(Status.TIMEOUT)) == "killed"


def _audit(pid: str, outcomes: list[str], ref_status: str = "pass") -> ProblemAudit:
    problem = Problem("s", pid, reference=REF, data={"top": "m"})
    results = []
    for i, outcome in enumerate(outcomes):
        spec = MutantSpec("op_swap", 2, f"edit {i}", REF.replace("= a", f"= a ^ {i}"), i)
        eq = Equivalence("equivalent", "sat") if outcome == "equivalent" else None
        status = "pass" if outcome in ("survived", "equivalent") else "fail"
        results.append(MutantResult(spec, status, "", outcome, eq))
    return ProblemAudit(problem, ref_status, n_generated=len(outcomes), results=results)


def test_scores_leave_out_stillborn_equivalent_and_infra_errors() -> None:
    a = _audit("p1", ["killed"] * 9 + ["survived", "stillborn", "equivalent", "infra_error"])
    assert a.score == pytest.approx(0.9)
    assert a.counts == {"killed": 9, "survived": 1, "equivalent": 1, "stillborn": 1, "infra_error": 1}
    assert _audit("p2", ["stillborn", "equivalent"]).score is None
    assert _audit("p3", [], ref_status="fail").score is None


def test_fail_under_scopes() -> None:
    audits = [_audit("good", ["killed"] * 19 + ["survived"]), _audit("weak", ["killed", "survived"])]
    by_problem = summarize(audits, 0.9, "problem")
    assert by_problem["under"] == ["weak"] and by_problem["failed"]
    assert by_problem["score"] == pytest.approx(20 / 22, abs=1e-4)  # pooled over the suite: above 0.9
    assert not summarize(audits, 0.9, "suite")["failed"]
    assert summarize(audits, 0.95, "suite")["failed"]
    assert summarize(audits, 0.9, "both")["failed"]
    assert not summarize(audits, None)["failed"]
    assert summarize(audits)["n_infra_errors"] == 0


def test_audit_json_lists_survivors_as_diffs_and_excluded_problems() -> None:
    audits = [_audit("p1", ["killed", "survived", "equivalent", "infra_error"]), _audit("bad", [], "syntax_error")]
    data = audit_json("s", audits, {"k": 1}, {"python": "3"}, 0.9)
    assert data["schema"] == SCHEMA
    p1 = data["problems"][0]
    assert [s["id"] for s in p1["survivors"]] == ["m001-op_swap-L2"]
    assert "-  assign y = a;" in p1["survivors"][0]["diff"] and "+  assign y = a ^ 1;" in p1["survivors"][0]["diff"]
    assert len(p1["equivalent"]) == 1 and len(p1["infra_errors"]) == 1
    assert data["summary"]["n_infra_errors"] == 1
    assert data["summary"]["excluded"][0]["problem_id"] == "bad"
    assert unified_diff("a\n", "a\n", "x") == ""


class _NoHookSuite(Suite):
    name = "nohook"
    family = "kernel"

    def problems(self):  # type: ignore[no-untyped-def]
        return iter(())

    def prompt(self, problem):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def extract(self, problem, completion):  # type: ignore[no-untyped-def]
        return None

    def evaluate(self, problem, candidate, ctx):  # type: ignore[no-untyped-def]
        raise NotImplementedError


class _HookSuite(_NoHookSuite):
    name = "hooked"

    def audit_mutants(self, problem: Problem) -> list[MutantSpec]:
        return [MutantSpec("x", 1, "same", problem.reference or ""), MutantSpec("x", 1, "a", "A"),
                MutantSpec("x", 2, "a again", " A ")]


def test_family_hooks() -> None:
    problem = Problem("s", "p", reference="ref")
    with pytest.raises(UsageError, match="cannot be audited"):
        problem_mutants(_NoHookSuite(), problem)
    specs = problem_mutants(_HookSuite(), problem)  # the reference itself and repeats are dropped
    assert [(s.description, s.index) for s in specs] == [("a", 0)]
