"""Where an audit's mutants come from, how each becomes a candidate, and how survivors are
checked for equivalence: the suite's hooks, declared by :class:`harness.suite.AuditHooks`.

- ``audit_mutants(problem) -> Iterable[MutantSpec]``: the mutants of the problem's reference;
  a suite without it cannot be audited (the error says so).
- ``audit_candidate(problem, code) -> Candidate | None``: the candidate a mutant is judged as.
  Without it: the suite's own ``extract`` of the code written back as a fenced answer.
- ``audit_equivalence(problem, code, ctx, depth) -> Equivalence``: is a survivor equivalent to
  the reference? Without it: not checked, so every survivor counts against the tests.
- ``audit_evaluate(problem, code, ctx) -> Verdict``: judge a mutant some other way than
  ``evaluate`` on its candidate.
- ``audit_select(problems) -> list[Problem]``: the problems worth auditing (default: all).

The families' bases define them (:mod:`harness.families.verilog.audit`,
:mod:`harness.families.hls.audit`); nothing here knows a family.
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from harness.errors import UsageError
from harness.suite import AUDIT_HOOKS, DEFAULT_EQUIV_DEPTH, Equivalence, EvalContext, MutantSpec, Suite
from harness.types import Candidate, Completion, Problem

__all__ = ["MutantSpec", "candidate_for", "equivalence_for", "evaluate_hook", "problem_mutants",
           "sample_mutants", "select_problems"]


def _normalized(code: str) -> str:
    return " ".join(code.split())


def _hook(suite: Suite, name: str) -> Callable[..., Any] | None:
    """The suite's ``name`` method, or None. ``name`` is one of the hooks declared by
    :class:`harness.suite.AuditHooks`."""
    if name not in AUDIT_HOOKS:
        raise ValueError(f"{name!r} is not an audit hook declared by harness.suite.AuditHooks")
    method = getattr(suite, name, None)
    return method if callable(method) else None


def select_problems(suite: Suite, problems: list[Problem]) -> list[Problem]:
    hook = _hook(suite, "audit_select")
    return list(hook(problems)) if hook else problems


def evaluate_hook(suite: Suite) -> Callable[[Problem, str, EvalContext], Any] | None:
    return _hook(suite, "audit_evaluate")


def problem_mutants(suite: Suite, problem: Problem) -> list[MutantSpec]:
    """Every distinct mutant of the problem's reference (same code twice is kept once)."""
    hook = _hook(suite, "audit_mutants")
    if hook is None:
        raise UsageError(f"suite {suite.name} (family {suite.family or '?'}) cannot be audited: it has no "
                         "audit_mutants(problem) method (harness.suite.AuditHooks)")
    found = list(hook(problem))
    seen = {_normalized(problem.reference or "")}
    out: list[MutantSpec] = []
    for spec in found:
        key = _normalized(spec.code)
        if key not in seen:
            seen.add(key)
            out.append(MutantSpec(spec.kind, spec.line, spec.description, spec.code, len(out)))
    return out


def sample_mutants(specs: list[MutantSpec], limit: int | None, key: str) -> list[MutantSpec]:
    """At most ``limit`` mutants, drawn deterministically from ``key`` and spread over the kinds
    (round robin over each kind's shuffled list), returned in source order."""
    if limit is None or len(specs) <= limit:
        return specs
    rng = random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))
    by_kind: dict[str, list[MutantSpec]] = {}
    for spec in specs:
        by_kind.setdefault(spec.kind, []).append(spec)
    for group in by_kind.values():
        rng.shuffle(group)
    picked: list[MutantSpec] = []
    while len(picked) < limit:
        for kind in sorted(by_kind):
            if by_kind[kind] and len(picked) < limit:
                picked.append(by_kind[kind].pop())
    return sorted(picked, key=lambda s: s.index)


def candidate_for(suite: Suite, problem: Problem, code: str) -> Candidate | None:
    """The candidate ``code`` is judged as: what the suite would extract from a model's answer."""
    hook = _hook(suite, "audit_candidate")
    if hook is not None:
        return hook(problem, code)  # type: ignore[no-any-return]
    return suite.extract(problem, Completion(suite.name, problem.id, 0, f"```\n{code.rstrip()}\n```\n"))


def equivalence_for(suite: Suite, problem: Problem, code: str, ctx: EvalContext,
                    depth: int = DEFAULT_EQUIV_DEPTH) -> Equivalence:
    """Is the surviving mutant ``code`` equivalent to the reference?"""
    hook = _hook(suite, "audit_equivalence")
    if hook is not None:
        return hook(problem, code, ctx, depth)  # type: ignore[no-any-return]
    return Equivalence("not_checked", reason=f"no equivalence check for the {suite.family or '?'} family")
