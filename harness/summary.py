"""results.json: per-suite metrics computed from executions.jsonl (DESIGN.md, "Metrics").

Each suite's entry also says what was scored: how many problems the suite loaded
(``n_loaded``), how many the loader dropped and why (``load_exclusions``), which were excluded
because their reference failed its own tests (``excluded``, counted by status in
``excluded_by_reason``) and which could not be run here (``not_run``: the reference's check was
an infra_error, e.g. CUDA without a GPU). ``provenance`` counts where samples and verdicts came
from: new generations or the generation cache; executed, shared with an identical sample, or
taken from the verdict cache; and identical samples of one problem.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.metrics import mean_stats, pass_at_k_table
from harness.results import (
    RESULTS,
    RESULTS_SCHEMA,
    ExecutionRecord,
    read_completions,
    read_executions,
    write_json_atomic,
)
from harness.suite import Suite
from harness.types import Completion, Status

COMPILED = frozenset(str(s) for s in (Status.PASS, Status.FAIL, Status.TIMEOUT, Status.RUNTIME_ERROR))


@dataclass
class SuiteScope:
    """Which problems of a suite a run covers, and which it leaves out and why."""

    problem_ids: list[str]
    n_loaded: int | None = None
    load_exclusions: dict[str, int] = field(default_factory=dict)
    excluded: list[dict[str, str]] = field(default_factory=list)
    not_run: list[dict[str, str]] = field(default_factory=list)


def compiled(rec: ExecutionRecord) -> bool:
    stage = rec.stages.get("syntax")
    if stage is not None:
        return stage.get("status") == "pass"
    return str(rec.status) in COMPILED


def final_records(records: Iterable[ExecutionRecord]) -> list[ExecutionRecord]:
    """Each sample's last round (the only one without ``--rounds``): what the sample ended as."""
    last: dict[tuple[str, str, int], ExecutionRecord] = {}
    for rec in records:
        old = last.get(rec.key())
        if old is None or rec.round >= old.round:
            last[rec.key()] = rec
    return list(last.values())


def generic_scores(records: list[ExecutionRecord], scored: list[str], seed: int,
                   rounds: int = 1) -> dict[str, Any]:
    """Status counts, per-problem (n, c), syntax rate and pass@k of ``scored`` problems, from each
    sample's last round; with ``rounds`` > 1 also pass@k after every round (multiturn metrics)."""
    out = _final_scores(final_records(records), scored, seed)
    if rounds > 1:
        from harness.multiturn.metrics import round_metrics

        out["metrics"].update(round_metrics(records, scored, seed, rounds))
    agent = [r for r in records if "agent_turns" in r.metrics]
    if agent:
        from harness.multiturn.metrics import agent_metrics

        out["metrics"].update(agent_metrics(final_records(agent), scored, seed))
    return out


def _final_scores(records: list[ExecutionRecord], scored: list[str], seed: int) -> dict[str, Any]:
    by_problem: dict[str, list[ExecutionRecord]] = defaultdict(list)
    for rec in records:
        by_problem[rec.problem_id].append(rec)
    counts: dict[str, tuple[int, int]] = {}
    syntax: list[float] = []
    for pid in sorted(scored):  # a canonical order: the bootstrap intervals depend on it
        recs = [r for r in by_problem.get(pid, []) if r.status != Status.INFRA_ERROR]
        if not recs:
            continue
        counts[pid] = (len(recs), sum(r.status == Status.PASS for r in recs))
        syntax.append(sum(compiled(r) for r in recs) / len(recs))
    metrics: dict[str, Any] = {"syntax_rate": mean_stats(syntax, seed=seed)}
    metrics.update(pass_at_k_table(counts, seed=seed))
    return {"metrics": metrics,
            "status_counts": dict(sorted(Counter(rec.status for rec in records).items())),
            "per_problem": {pid: {"n": n, "c": c} for pid, (n, c) in sorted(counts.items())}}


def scores(suite: Suite, records: list[ExecutionRecord], scored: list[str], seed: int,
           rounds: int = 1) -> dict[str, Any]:
    """:func:`generic_scores` plus the family's metrics (of each sample's last round); what
    ``publish`` recomputes."""
    out = generic_scores(records, scored, seed, rounds)
    keep = set(scored)
    out["metrics"].update(suite.suite_metrics([r.__dict__ for r in final_records(records) if r.problem_id in keep]))
    return out


def provenance(records: Iterable[ExecutionRecord], completions: Iterable[Completion]) -> dict[str, int]:
    """Where samples and verdicts came from (generation cache, verdict cache, sharing)."""
    comps = list(completions)
    recs = list(records)
    seen: set[tuple[str, str]] = set()
    identical = 0
    for rec in sorted(final_records(recs), key=lambda r: (r.problem_id, r.sample_idx)):
        if not rec.candidate_sha256:
            continue
        key = (rec.problem_id, rec.dedup_key or rec.candidate_sha256)
        identical += key in seen
        seen.add(key)
    from_vcache = sum(rec.metrics.get("verdict_cache") == "hit" and rec.shared_with is None for rec in recs)
    shared = sum(rec.shared_with is not None for rec in recs)
    repairs = sum(c.round > 1 for c in comps)
    return {"samples": len(comps),
            **({"repair_answers": repairs} if repairs else {}),
            "from_generation_cache": sum(bool(c.usage.get("cached")) for c in comps),
            "identical_samples": identical,
            "verdicts": len(recs),
            "verdicts_shared": shared,
            "verdicts_from_cache": from_vcache,
            "verdicts_executed": sum(1 for r in recs if r.candidate_sha256 and r.shared_with is None
                                     and r.metrics.get("verdict_cache") != "hit")}


def by_reason(items: Iterable[dict[str, str]], key: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for item in items:
        text = str(item.get(key, "")).strip().splitlines()
        counts[(text[0] if text else "unknown")[:160]] += 1
    return dict(sorted(counts.items()))


def suite_summary(suite: Suite, records: list[ExecutionRecord], scope: SuiteScope, n_samples: int,
                  seed: int, completions: list[Completion] | None = None, rounds: int = 1) -> dict[str, Any]:
    left_out = {e["problem_id"] for e in [*scope.excluded, *scope.not_run]}
    scored = [p for p in scope.problem_ids if p not in left_out]
    by_problem = Counter(rec.problem_id for rec in final_records(records))
    return {
        "n_problems": len(scored),
        "n_samples": n_samples,
        "n_loaded": scope.n_loaded if scope.n_loaded is not None else len(scope.problem_ids),
        "n_selected": len(scope.problem_ids),
        "load_exclusions": dict(sorted(scope.load_exclusions.items())),
        "n_excluded": len(scope.excluded),
        "excluded_by_reason": by_reason(scope.excluded, "status"),
        "excluded": scope.excluded,
        "n_not_run": len(scope.not_run),
        "not_run_by_reason": by_reason(scope.not_run, "reason"),
        "not_run": scope.not_run,
        "content_hash": suite.content_hash(),
        "suite_version": suite.version,
        "family": suite.family,
        **scores(suite, records, scored, seed, rounds),
        "provenance": provenance(records, completions or []),
        "complete": all(by_problem.get(p, 0) >= n_samples for p in scored),
    }


def write_results(run_dir: Path, config: dict[str, Any], suites: dict[str, Suite], scope: dict[str, SuiteScope],
                  n_samples: int, seed: int, rounds: int = 1) -> dict[str, Any]:
    records: dict[str, list[ExecutionRecord]] = defaultdict(list)
    for rec in read_executions(run_dir):
        if rec.suite in suites:
            records[rec.suite].append(rec)
    comps: dict[str, list[Completion]] = defaultdict(list)
    for comp in read_completions(run_dir):
        if comp.suite in suites:
            comps[comp.suite].append(comp)
    out: dict[str, Any] = {
        "schema": RESULTS_SCHEMA,
        "suites": {name: suite_summary(suite, records[name], scope[name], n_samples, seed, comps[name], rounds)
                   for name, suite in suites.items()},
        "config": config,
    }
    out["complete"] = all(s["complete"] for s in out["suites"].values())
    out["infra_errors"] = sum(s["status_counts"].get("infra_error", 0) for s in out["suites"].values())
    out["not_run"] = sum(s["n_not_run"] for s in out["suites"].values())
    write_json_atomic(run_dir / RESULTS, out)
    return out
