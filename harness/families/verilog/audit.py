"""The Verilog suites' ``hweval audit`` hooks (:class:`harness.suite.AuditHooks`): mutants of the
reference from the family's mutation operators, each judged as a fenced answer, and survivors
checked for equivalence with yosys (:mod:`harness.families.verilog.equiv`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from harness.families.verilog.equiv import verilog_equivalence
from harness.families.verilog.mutate import audit_mutations
from harness.families.verilog.prompt import fenced_answer
from harness.suite import DEFAULT_EQUIV_DEPTH, Equivalence, EvalContext, MutantSpec
from harness.types import Candidate, Completion, Problem


class VerilogAuditHooks:
    """A mixin for Verilog suites (before :class:`harness.suite.Suite` in the bases)."""

    name: str
    if TYPE_CHECKING:  # the Suite's own (declared here for the type checker only: no stub in the MRO)
        def extract(self, problem: Problem, completion: Completion) -> Candidate | None: ...

    def audit_mutants(self, problem: Problem) -> list[MutantSpec]:
        ref = problem.reference or ""
        return [MutantSpec(m.kind, m.line, m.description, m.apply(ref)) for m in audit_mutations(ref)]

    def audit_candidate(self, problem: Problem, code: str) -> Candidate | None:
        return self.extract(problem, Completion(self.name, problem.id, 0, fenced_answer(code)))

    def audit_equivalence(self, problem: Problem, code: str, ctx: EvalContext,
                          depth: int = DEFAULT_EQUIV_DEPTH) -> Equivalence:
        if not problem.data.get("top"):
            return Equivalence("not_checked", reason="the problem names no top module")
        return verilog_equivalence(problem, code, ctx, depth)
