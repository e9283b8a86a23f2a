"""The HLS suites' ``hweval audit`` hooks (:class:`harness.suite.AuditHooks`): how many injected
bugs do the kernels' own testbenches catch under C-simulation?

The audited problems are the controls (``<kernel>/control``, the bug-free kernel with its
testbench); the buggy items share that kernel and are skipped. Mutants come from the family's
bug-injection operators (:func:`harness.families.hls.mutate.generate_variants`: loop bounds,
indices, initialisation, shifts, operators, constants, buffers...), and each is judged the way
the suite executes a fix (:func:`harness.families.hls.score.fix_at_exec`: every build, plain,
sanitizers and pattern-initialised). C++ has no equivalence check here, so every survivor counts
against the testbench.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from harness.families.hls.items import HlsItem
from harness.suite import EvalContext, MutantSpec, SuiteOptions
from harness.types import Problem, StageResult, Status, Verdict

NO_DIFF_LIMIT = 1 << 30  # fix@exec bounds the lines a fix may change; a mutant is never rejected for it


class HlsAuditHooks:
    """A mixin for :class:`harness.families.hls.suite.HlsSuite` (before ``Suite`` in the bases)."""

    options: SuiteOptions
    if TYPE_CHECKING:  # the suite's own (declared here for the type checker only: no stub in the MRO)
        def items(self) -> dict[str, HlsItem]: ...

    def audit_select(self, problems: list[Problem]) -> list[Problem]:
        """The controls: one per kernel that has a testbench."""
        items = self.items()
        return [p for p in problems if not items[p.id].buggy and items[p.id].executable]

    def audit_mutants(self, problem: Problem) -> list[MutantSpec]:
        from harness.families.hls.mutate import generate_variants

        original = self.items()[problem.id].original
        return [MutantSpec(v.type, v.span[0], v.description, v.source)
                for v in generate_variants(original, seed=self.options.seed)]

    def audit_evaluate(self, problem: Problem, code: str, ctx: EvalContext) -> Verdict:
        """C-simulation of ``code`` (the kernel file) against the problem's testbench."""
        from harness.families.hls.csim import direct_runner
        from harness.families.hls.score import fix_at_exec

        # the mutants are our operators applied to our kernels (trusted code): run directly, no gate
        include = self.options.get("hls_include")
        timeout = float(self.options.get("timeout", "10") or 10)
        with ctx.scratch() as work:
            res = fix_at_exec(self.items()[problem.id], code, work, include=Path(include) if include else None,
                              cache=ctx.cache_dir / "hls" if ctx.cache_dir else None, timeout_s=timeout,
                              max_changed=NO_DIFF_LIMIT, runner=direct_runner, gate=False)
        stage = StageResult(res.status, res.reason, data={"builds": res.builds})
        return Verdict(Status(res.status), reason=res.reason, stages={"csim": stage})
