"""The testbench mutation audit: how many seeded bugs does each problem's own check catch?

For each problem: the reference must pass its own check (else the problem is excluded); each
mutant of the reference (:mod:`harness.audit.mutants`) is judged by the suite's ``evaluate``,
exactly as a model's answer would be. Outcomes:

- ``stillborn``: the mutant does not compile (``syntax_error``; also ``no_code``/``rejected``),
  so it says nothing about the tests: not counted;
- ``killed``: any other verdict but ``pass`` (``fail``, ``timeout``, ``runtime_error``);
- ``survived``: it passed, and is not known to be equivalent to the reference;
- ``equivalent``: it passed, and yosys shows it equivalent (proven, or bounded from reset for
  sequential logic): set aside, not counted;
- ``infra_error``: the harness or a tool failed: never counted as killed, reported.

Mutation score = killed / (killed + survived), per problem and pooled over the suite.
Verdicts are cached per problem content and mutant code (``$HWEVAL_CACHE/audit``), so a
re-run after a testbench change only re-runs the problems that changed.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.audit.mutants import (
    candidate_for,
    equivalence_for,
    evaluate_hook,
    problem_mutants,
    sample_mutants,
    select_problems,
)
from harness.cache import JsonCache, harness_code_digest, key_of, suite_code_digest
from harness.errors import ToolMissingError
from harness.execute import evaluate_candidate
from harness.suite import (
    DEFAULT_EQUIV_DEPTH,
    EQUIVALENT,
    Equivalence,
    EvalContext,
    MutantSpec,
    Suite,
    problem_files_digest,
)
from harness.types import Problem, Status, Verdict

log = logging.getLogger(__name__)

OUTCOMES = ("killed", "survived", "equivalent", "stillborn", "infra_error")
STILLBORN = {Status.SYNTAX_ERROR, Status.NO_CODE, Status.REJECTED}
CACHE_VERSION = "1"
#: bumped when the equivalence check changes, so cached verdicts stay and equivalences are redone
EQUIV_VERSION = "2"


@dataclass
class AuditSettings:
    max_mutants: int | None = None
    equiv_depth: int = DEFAULT_EQUIV_DEPTH
    check_equivalence: bool = True
    workers: int = 1
    cache: Path | None = None  # folder of cached mutant verdicts; None: no cache


@dataclass
class MutantResult:
    spec: MutantSpec
    status: str  # the verdict's status
    reason: str
    outcome: str  # one of OUTCOMES
    equivalence: Equivalence | None = None
    wall_s: float = 0.0
    cached: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.spec.id, "index": self.spec.index, "kind": self.spec.kind, "line": self.spec.line,
                "description": self.spec.description, "status": self.status, "reason": self.reason[:500],
                "outcome": self.outcome, "equivalence": self.equivalence.to_json() if self.equivalence else None,
                "wall_s": round(self.wall_s, 3), "cached": self.cached}


@dataclass
class ProblemAudit:
    problem: Problem
    reference_status: str
    reference_reason: str = ""
    n_generated: int = 0
    results: list[MutantResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.outcome for r in self.results)
        return {k: c.get(k, 0) for k in OUTCOMES}

    @property
    def excluded(self) -> bool:
        return self.reference_status != Status.PASS

    @property
    def score(self) -> float | None:
        c = self.counts
        den = c["killed"] + c["survived"]
        return None if self.excluded or den == 0 else c["killed"] / den


def outcome_of_status(status: str) -> str:
    """What a verdict status means for a mutant (before any equivalence check)."""
    if status == Status.PASS:
        return "survived"
    if status in STILLBORN:
        return "stillborn"
    if status == Status.INFRA_ERROR:
        return "infra_error"
    return "killed"


def outcome_of(verdict: Verdict) -> str:
    """As :func:`outcome_of_status`, but a mutant that timed out or crashed while still being
    compiled (its ``syntax`` stage did not pass: an elaboration loop) is stillborn, not killed."""
    syntax = verdict.stages.get("syntax")
    if verdict.status in (Status.TIMEOUT, Status.RUNTIME_ERROR) and syntax is not None and syntax.status != "pass":
        return "stillborn"
    return outcome_of_status(str(verdict.status))


class MutantCache:
    """Mutant verdicts on disk (:class:`harness.cache.JsonCache`), keyed by everything that could
    change them: the suite's version and :meth:`~harness.suite.Suite.verdict_options`, the
    tools, the sandbox, the limits, the seed, the problem, the mutant's code, and the code that
    judges it (the harness's and the suite's own package, as the verdict cache's key has them)."""

    def __init__(self, root: Path, suite: Suite, ctx: EvalContext, settings: AuditSettings) -> None:
        from harness.tools import tool_versions

        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._store = JsonCache(root, label="audit cache")
        self._base = [CACHE_VERSION, suite.name, suite.version, tool_versions(), ctx.sandbox.name,
                      suite.verdict_options(), ctx.limits.wall_s, ctx.seed, harness_code_digest(),
                      suite_code_digest(type(suite))]
        self._problem_keys: dict[str, str] = {}
        self._folders: dict[Path, str] = {}

    def _key(self, problem: Problem, code: str) -> str:
        if problem.id not in self._problem_keys:
            self._problem_keys[problem.id] = key_of(problem.id, problem.reference, problem.data,
                                                    problem_files_digest(problem, self._folders))
        return key_of(*self._base, self._problem_keys[problem.id], code)

    def get(self, problem: Problem, code: str) -> dict[str, Any] | None:
        record = self._store.get(self._key(problem, code))
        return record if isinstance(record, dict) else None

    def put(self, problem: Problem, code: str, record: dict[str, Any]) -> None:
        self._store.put(self._key(problem, code), record)


def _judge(suite: Suite, problem: Problem, code: str, ctx: EvalContext) -> Verdict:
    hook = evaluate_hook(suite)
    if hook is not None:
        try:
            return hook(problem, code, ctx)  # type: ignore[no-any-return]
        except ToolMissingError:
            raise
        except Exception as exc:  # noqa: BLE001 - a harness failure is infra_error, never a kill
            log.debug("audit evaluation crashed", exc_info=True)
            return Verdict(Status.INFRA_ERROR, reason=f"{type(exc).__name__}: {exc}")
    cand = candidate_for(suite, problem, code)
    if cand is None:
        return Verdict(Status.NO_CODE, reason="the suite extracted no code from the mutant")
    return evaluate_candidate(suite, problem, cand, ctx)


def _equivalence_key(settings: AuditSettings) -> str | None:
    return f"{EQUIV_VERSION}:{settings.equiv_depth}" if settings.check_equivalence else None


def run_mutant(suite: Suite, problem: Problem, spec: MutantSpec, ctx: EvalContext, settings: AuditSettings,
               cache: MutantCache | None = None) -> MutantResult:
    """Judge one mutant, and check a survivor for equivalence. A cached verdict is reused; a
    cached equivalence only when it was made by the same check with the same depth."""
    hit = cache.get(problem, spec.code) if cache else None
    eq_key = _equivalence_key(settings)
    if hit is not None:
        outcome = hit.get("base_outcome") or outcome_of_status(hit["status"])
        result = MutantResult(spec, hit["status"], hit["reason"], outcome, wall_s=hit.get("wall_s", 0.0), cached=True)
        if result.outcome == "survived" and hit.get("equivalence") and hit.get("equiv_key") == eq_key:
            result.equivalence = Equivalence(**hit["equivalence"])
            if result.equivalence.status in EQUIVALENT:
                result.outcome = "equivalent"
            return result
        if result.outcome != "survived" or eq_key is None:
            return result
    else:
        verdict = _judge(suite, problem, spec.code, ctx)
        result = MutantResult(spec, str(verdict.status), verdict.reason, outcome_of(verdict), wall_s=verdict.wall_s)
    base_outcome = result.outcome
    if result.outcome == "survived" and eq_key is not None:
        result.equivalence = equivalence_for(suite, problem, spec.code, ctx, settings.equiv_depth)
        result.wall_s += result.equivalence.wall_s
        if result.equivalence.status in EQUIVALENT:
            result.outcome = "equivalent"
    eq_infra = result.equivalence is not None and result.equivalence.status == "infra_error"
    if cache is not None and result.outcome != "infra_error":
        cache.put(problem, spec.code, {"status": result.status, "reason": result.reason[:2000],
                                       "wall_s": result.wall_s, "base_outcome": base_outcome,
                                       "equiv_key": None if eq_infra else eq_key,
                                       "equivalence": asdict(result.equivalence) if result.equivalence
                                       and not eq_infra else None})
    return result


def check_reference(suite: Suite, problem: Problem, ctx: EvalContext, cache: MutantCache | None = None,
                    ) -> ProblemAudit:
    """The reference against its own check: a problem whose reference fails is excluded."""
    if problem.data.get("defect"):
        return ProblemAudit(problem, "excluded", f"unusable problem data: {problem.data['defect']}")
    if not problem.reference:
        return ProblemAudit(problem, "excluded", "the problem has no reference solution")
    hit = cache.get(problem, problem.reference) if cache else None
    if hit is not None:
        return ProblemAudit(problem, hit["status"], hit["reason"])
    verdict = _judge(suite, problem, problem.reference, ctx)
    audit = ProblemAudit(problem, str(verdict.status), "" if verdict.status == Status.PASS else verdict.reason)
    if cache is not None and verdict.status != Status.INFRA_ERROR:
        cache.put(problem, problem.reference, {"status": audit.reference_status, "reason": audit.reference_reason})
    return audit


Advance = Callable[[str, str], None]


def audit_problems(suite: Suite, problems: list[Problem], ctx: EvalContext, settings: AuditSettings,
                   advance: Advance | None = None, start: Callable[[str, int], None] | None = None,
                   ) -> list[ProblemAudit]:
    """Audit ``problems`` (references first, then every mutant) on ``settings.workers`` threads."""
    problems = select_problems(suite, problems)
    cache = MutantCache(settings.cache, suite, ctx, settings) if settings.cache else None
    workers = max(1, settings.workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        if start:
            start("reference", len(problems))
        audits = []
        for audit in pool.map(lambda p: check_reference(suite, p, ctx, cache), problems):
            audits.append(audit)
            if advance:
                advance("reference", audit.reference_status)
        jobs: list[tuple[ProblemAudit, MutantSpec]] = []
        for audit in audits:
            if audit.excluded:
                continue
            specs = problem_mutants(suite, audit.problem)
            audit.n_generated = len(specs)
            for spec in sample_mutants(specs, settings.max_mutants, f"{suite.name}/{audit.problem.id}"):
                jobs.append((audit, spec))
        if start:
            start("mutants", len(jobs))

        def one(job: tuple[ProblemAudit, MutantSpec]) -> tuple[ProblemAudit, MutantResult]:
            audit, spec = job
            return audit, run_mutant(suite, audit.problem, spec, ctx, settings, cache)

        futures = [pool.submit(one, job) for job in jobs]
        for fut in as_completed(futures):
            audit, result = fut.result()
            audit.results.append(result)
            if advance:
                advance("mutants", result.outcome)
    for audit in audits:
        audit.results.sort(key=lambda r: r.spec.index)
    return audits
