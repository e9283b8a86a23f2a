"""Audit hooks for the HLS family (``hls-bugs``): how many injected bugs do the kernels' own
testbenches catch under C-simulation?

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
from typing import Any

from harness.audit.mutants import MutantSpec
from harness.suite import EvalContext, Suite
from harness.types import Problem, StageResult, Status, Verdict

NO_DIFF_LIMIT = 1 << 30  # fix@exec bounds the lines a fix may change; a mutant is never rejected for it


def _item(suite: Suite, problem: Problem) -> Any:
    return suite.items()[problem.id]  # type: ignore[attr-defined]


def audit_select(suite: Suite, problems: list[Problem]) -> list[Problem]:
    """The controls: one per kernel that has a testbench."""
    return [p for p in problems if not _item(suite, p).buggy and _item(suite, p).executable]


def audit_mutants(suite: Suite, problem: Problem) -> list[MutantSpec]:
    from harness.families.hls.mutate import generate_variants

    original = _item(suite, problem).original
    return [MutantSpec(v.type, v.span[0], v.description, v.source)
            for v in generate_variants(original, seed=suite.options.seed)]


def audit_evaluate(suite: Suite, problem: Problem, code: str, ctx: EvalContext) -> Verdict:
    """C-simulation of ``code`` (the kernel file) against the problem's testbench."""
    from harness.families.hls.csim import direct_runner
    from harness.families.hls.score import fix_at_exec

    # the mutants are our operators applied to our kernels (trusted code): run directly, no gate

    include = suite.options.get("hls_include")
    timeout = float(suite.options.get("timeout", "10") or 10)
    with ctx.scratch() as work:
        res = fix_at_exec(_item(suite, problem), code, work, include=Path(include) if include else None,
                          cache=ctx.cache_dir / "hls" if ctx.cache_dir else None, timeout_s=timeout,
                          max_changed=NO_DIFF_LIMIT, runner=direct_runner, gate=False)
    stage = StageResult(res.status, res.reason, data={"builds": res.builds})
    return Verdict(Status(res.status), reason=res.reason, stages={"csim": stage})
