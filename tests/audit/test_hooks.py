"""The audit hooks are declared on the Suite side (``harness.suite.AuditHooks``) and the audit
asks for declared ones only."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.audit import mutants
from harness.errors import UsageError
from harness.suite import AUDIT_HOOKS, AuditHooks, Suite
from harness.types import Candidate, Completion, Problem, Prompt, Verdict

AUDIT_DIR = Path(mutants.__file__).parent


class Plain(Suite):
    name = "hwevaltest-plain"
    family = "none"

    def problems(self) -> Iterator[Problem]:
        yield Problem(self.name, "p", reference="x = 1")

    def prompt(self, problem: Problem) -> Prompt:
        return Prompt.user("?")

    def extract(self, problem: Problem, completion: Completion) -> Candidate | None:
        return Candidate(completion.completion)

    def evaluate(self, problem: Problem, candidate: Candidate, ctx: object) -> Verdict:  # type: ignore[override]
        raise NotImplementedError


class WithMutants(Plain):
    def audit_mutants(self, problem: Problem) -> list[mutants.MutantSpec]:
        return [mutants.MutantSpec("const", 1, "1 -> 2", "x = 2"), mutants.MutantSpec("same", 1, "", "x  = 1")]


def test_declared_names_are_the_protocol_members() -> None:
    members = {n for n in vars(AuditHooks) if n.startswith("audit_")}
    assert members == set(AUDIT_HOOKS)


def test_the_audit_asks_only_for_declared_hooks() -> None:
    asked = {m for f in AUDIT_DIR.glob("*.py") for m in re.findall(r'_hook\(suite, "(\w+)"\)', f.read_text())}
    assert asked and asked <= set(AUDIT_HOOKS)
    with pytest.raises(ValueError, match="not an audit hook"):
        mutants._hook(Plain(), "audit_mutant")


def test_a_suite_hook_is_used_and_a_missing_one_is_explained() -> None:
    problem = next(WithMutants().problems())
    specs = mutants.problem_mutants(WithMutants(), problem)
    assert [s.code for s in specs] == ["x = 2"]  # the mutant equal to the reference up to spaces is dropped
    assert not isinstance(WithMutants(), AuditHooks)  # only one of the five hooks
    with pytest.raises(UsageError, match="cannot be audited: it has no audit_mutants"):
        mutants.problem_mutants(Plain(), problem)


def test_the_family_bases_provide_their_hooks() -> None:
    """The Verilog and HLS defaults live in their families, behind the declared hooks."""
    from harness.families.hls.suite import HlsSuite
    from harness.families.verilog.loaders import TestbenchVerilogSuite
    from harness.families.verilog.suite import CocotbVerilogSuite

    for base in (CocotbVerilogSuite, TestbenchVerilogSuite):
        assert {"audit_mutants", "audit_candidate", "audit_equivalence"} <= set(dir(base))
        assert "audit_select" not in dir(base) and "audit_evaluate" not in dir(base)
    assert {"audit_select", "audit_mutants", "audit_evaluate"} <= set(dir(HlsSuite))


def test_verilog_mutants_candidates_and_equivalence_come_from_the_family() -> None:
    from harness.config import RunConfig
    from harness.runner import make_suite
    from harness.suite import Equivalence

    suite = make_suite("verilog-core", RunConfig(["verilog-core"]))
    problem = next(p for p in suite.problems() if p.id == "and_gate")
    specs = mutants.problem_mutants(suite, problem)
    assert specs and all(s.code != problem.reference for s in specs)
    cand = mutants.candidate_for(suite, problem, specs[0].code)
    assert cand is not None and "module and_gate" in cand.code
    bare = Problem(suite.name, "x", reference=problem.reference, data={})
    assert mutants.equivalence_for(suite, bare, specs[0].code, None) == Equivalence(  # type: ignore[arg-type]
        "not_checked", reason="the problem names no top module")
    assert mutants.equivalence_for(Plain(), bare, "x", None).status == "not_checked"  # type: ignore[arg-type]
