"""results.json: per-suite metrics computed from executions.jsonl (DESIGN.md, "Metrics")."""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from harness.metrics import mean_stats, pass_at_k_table
from harness.results import RESULTS, RESULTS_SCHEMA, ExecutionRecord, read_executions, write_json_atomic
from harness.suite import Suite
from harness.types import Status

COMPILED = {Status.PASS, Status.FAIL, Status.TIMEOUT, Status.RUNTIME_ERROR}


def compiled(rec: ExecutionRecord) -> bool:
    stage = rec.stages.get("syntax")
    if stage is not None:
        return stage.get("status") == "pass"
    return Status(rec.status) in COMPILED


def suite_summary(suite: Suite, records: list[ExecutionRecord], problem_ids: list[str],
                  excluded: list[dict[str, str]], n_samples: int, seed: int) -> dict[str, Any]:
    excluded_ids = {e["problem_id"] for e in excluded}
    by_problem: dict[str, list[ExecutionRecord]] = defaultdict(list)
    for rec in records:
        by_problem[rec.problem_id].append(rec)
    scored = [p for p in problem_ids if p not in excluded_ids]
    status_counts = Counter(rec.status for rec in records)
    counts: dict[str, tuple[int, int]] = {}
    syntax: list[float] = []
    for pid in scored:
        recs = [r for r in by_problem.get(pid, []) if r.status != Status.INFRA_ERROR]
        if not recs:
            continue
        counts[pid] = (len(recs), sum(r.status == Status.PASS for r in recs))
        syntax.append(sum(compiled(r) for r in recs) / len(recs))
    metrics: dict[str, Any] = {"syntax_rate": mean_stats(syntax, seed=seed)}
    metrics.update(pass_at_k_table(counts, seed=seed))
    metrics.update(suite.suite_metrics([r.__dict__ for r in records if r.problem_id not in excluded_ids]))
    per_problem = {pid: {"n": n, "c": c} for pid, (n, c) in sorted(counts.items())}
    return {
        "n_problems": len(scored),
        "n_samples": n_samples,
        "content_hash": suite.content_hash(),
        "suite_version": suite.version,
        "family": suite.family,
        "metrics": metrics,
        "excluded": excluded,
        "status_counts": dict(sorted(status_counts.items())),
        "per_problem": per_problem,
        "complete": all(len(by_problem.get(p, [])) >= n_samples for p in scored),
    }


def write_results(run_dir: Path, config: dict[str, Any], suites: dict[str, Suite],
                  problem_ids: dict[str, list[str]], excluded: dict[str, list[dict[str, str]]],
                  n_samples: int, seed: int) -> dict[str, Any]:
    records: dict[str, list[ExecutionRecord]] = defaultdict(list)
    for rec in read_executions(run_dir):
        if rec.suite in suites:
            records[rec.suite].append(rec)
    out: dict[str, Any] = {
        "schema": RESULTS_SCHEMA,
        "suites": {name: suite_summary(suite, records[name], problem_ids[name], excluded.get(name, []),
                                       n_samples, seed)
                   for name, suite in suites.items()},
        "config": config,
    }
    out["complete"] = all(s["complete"] for s in out["suites"].values())
    out["infra_errors"] = sum(s["status_counts"].get("infra_error", 0) for s in out["suites"].values())
    write_json_atomic(run_dir / RESULTS, out)
    return out
