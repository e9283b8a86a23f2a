"""Where an audit's mutants come from, how each becomes a candidate, and how survivors are
checked for equivalence: the family hooks.

A suite may define any of these methods (declared by :class:`harness.suite.AuditHooks`);
otherwise its family's default applies:

- ``audit_mutants(problem) -> Iterable[MutantSpec]``: the mutants of the problem's reference.
  Verilog default: :func:`harness.families.verilog.mutate.audit_mutations` of the reference.
- ``audit_candidate(problem, code) -> Candidate | None``: the candidate a mutant is judged as.
  Default: the suite's own ``extract`` of the code written back as a model answer.
- ``audit_equivalence(problem, code, ctx) -> Equivalence``: is a survivor equivalent to the
  reference? Verilog default: yosys (:mod:`harness.audit.equiv`); other families: not checked,
  so every survivor counts against the tests.

- ``audit_evaluate(problem, code, ctx) -> Verdict``: judge a mutant some other way than
  ``evaluate`` on its candidate (HLS: the kernel's testbench under C-simulation).
- ``audit_select(problems) -> list[Problem]``: the problems worth auditing (HLS: the controls).

A family's defaults may live in a module of this package (:data:`FAMILY_ADAPTERS`), whose
functions take the suite first. A family without a default (and a suite without
``audit_mutants``) cannot be audited; the error says so.
"""
from __future__ import annotations

import hashlib
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.audit.equiv import DEFAULT_DEPTH, Equivalence, verilog_equivalence
from harness.errors import UsageError
from harness.suite import AUDIT_HOOKS, EvalContext, Suite
from harness.types import Candidate, Completion, Problem

#: families whose defaults live in another module of this package (imported when asked for)
FAMILY_ADAPTERS = {"hls": "harness.audit.hls"}


@dataclass(frozen=True)
class MutantSpec:
    """One mutant of a problem's reference: the whole mutated source and what was changed."""

    kind: str
    line: int
    description: str
    code: str
    index: int = 0  # position among all the problem's mutants (set by :func:`problem_mutants`)

    @property
    def id(self) -> str:
        return f"m{self.index:03d}-{self.kind}-L{self.line}"


def _normalized(code: str) -> str:
    return " ".join(code.split())


def verilog_mutants(problem: Problem) -> list[MutantSpec]:
    from harness.families.verilog.mutate import audit_mutations

    ref = problem.reference or ""
    return [MutantSpec(m.kind, m.line, m.description, m.apply(ref)) for m in audit_mutations(ref)]


def _adapter(suite: Suite) -> Any:
    name = FAMILY_ADAPTERS.get(suite.family)
    return importlib.import_module(name) if name else None


def _hook(suite: Suite, name: str) -> Callable[..., Any] | None:
    """The suite's own ``name`` method, else its family adapter's (bound to the suite). ``name``
    is one of the hooks declared by :class:`harness.suite.AuditHooks`."""
    if name not in AUDIT_HOOKS:
        raise ValueError(f"{name!r} is not an audit hook declared by harness.suite.AuditHooks")
    method = getattr(suite, name, None)
    if callable(method):
        return method  # type: ignore[no-any-return]
    adapter = _adapter(suite)
    func = getattr(adapter, name, None) if adapter is not None else None
    return (lambda *args: func(suite, *args)) if callable(func) else None


def select_problems(suite: Suite, problems: list[Problem]) -> list[Problem]:
    hook = _hook(suite, "audit_select")
    return list(hook(problems)) if hook else problems


def evaluate_hook(suite: Suite) -> Callable[[Problem, str, EvalContext], Any] | None:
    return _hook(suite, "audit_evaluate")


def problem_mutants(suite: Suite, problem: Problem) -> list[MutantSpec]:
    """Every distinct mutant of the problem's reference (same code twice is kept once)."""
    hook = _hook(suite, "audit_mutants")
    if hook is not None:
        found = list(hook(problem))
    elif suite.family == "verilog":
        found = verilog_mutants(problem)
    else:
        raise UsageError(f"suite {suite.name} (family {suite.family or '?'}) cannot be audited: it has no "
                         "audit_mutants(problem) method and its family no default")
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
    if suite.family == "verilog":
        from harness.families.verilog.prompt import fenced_answer

        text = fenced_answer(code)
    else:
        text = f"```\n{code.rstrip()}\n```\n"
    return suite.extract(problem, Completion(suite.name, problem.id, 0, text))


def equivalence_for(suite: Suite, problem: Problem, code: str, ctx: EvalContext,
                    depth: int = DEFAULT_DEPTH) -> Equivalence:
    """Is the surviving mutant ``code`` equivalent to the reference?"""
    hook = _hook(suite, "audit_equivalence")
    if hook is not None:
        return hook(problem, code, ctx)  # type: ignore[no-any-return]
    if suite.family == "verilog" and problem.data.get("top"):
        return verilog_equivalence(problem, code, ctx, depth)
    return Equivalence("not_checked", reason=f"no equivalence check for the {suite.family or '?'} family")
