"""``publish`` trusts no summary: every number of results.json is recomputed from the journal.

For each suite of a run, the status counts, pass@k, syntax rate, per-problem counts and the
family's own metrics are computed again from executions.jsonl (with the suite's code, as the run
did) and compared with results.json. A run whose results.json disagrees with its journal, whose
journal holds an ``infra_error``, or that asked for no samples is refused with the reason. The
problems left out of the score are checked, not read (:mod:`harness.publish.scope`). The journal
itself is the submitter's file: only ``publish --rescore`` (:mod:`harness.publish.rescore`)
trusts none of it.
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from harness.config import RunConfig
from harness.errors import HwevalError
from harness.publish.scope import PublishChecks, scope_reasons
from harness.results import EXECUTIONS, ExecutionRecord, read_executions

_TOL = 1e-9


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=_TOL, abs_tol=_TOL) or (a != a and b != b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _differing(claimed: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    keys = sorted(set(claimed) | set(actual))
    return [k for k in keys if not _same(claimed.get(k), actual.get(k))]


def journal_reasons(run_dir: Path, results: dict[str, Any], checks: PublishChecks | None = None) -> list[str]:
    """Why results.json cannot be trusted (empty when the journal backs every number)."""
    checks = checks or PublishChecks()
    run = results.get("config", {}).get("run", {})
    n_samples = run.get("n_samples")
    if not isinstance(n_samples, int) or n_samples < 1:
        return [f"{run_dir}: the run asked for {n_samples!r} samples per problem (at least 1 is needed)"]
    if not (run_dir / EXECUTIONS).exists():
        return [f"{run_dir}: no {EXECUTIONS}: nothing backs results.json"]
    records: dict[str, list[ExecutionRecord]] = defaultdict(list)
    for rec in read_executions(run_dir):
        records[rec.suite].append(rec)
    reasons = []
    for name, s in sorted(results.get("suites", {}).items()):
        reasons += [f"{run_dir}: suite {name}: {r}" for r in _suite_reasons(name, s, records.get(name, []), run,
                                                                          checks)]
    extra = sorted(set(records) - set(results.get("suites", {})))
    if extra:
        reasons.append(f"{run_dir}: {EXECUTIONS} holds suites results.json does not report: {', '.join(extra)}")
    return reasons


def _suite_reasons(name: str, s: dict[str, Any], recs: list[ExecutionRecord], run: dict[str, Any],
                   checks: PublishChecks) -> list[str]:
    from harness.summary import final_records, generic_scores

    counts = dict(sorted(Counter(r.status for r in final_records(recs)).items()))
    reasons, in_score = scope_reasons(name, s, recs, run, checks)
    if counts.get("infra_error"):
        reasons.append(f"{EXECUTIONS} holds {counts['infra_error']} infra_error sample(s) (re-evaluate once "
                       "the harness problem is fixed)")
    if counts != s.get("status_counts"):
        reasons.append(f"status counts in results.json {json.dumps(s.get('status_counts'))} disagree with "
                       f"{EXECUTIONS} {json.dumps(counts)}")
    scored = sorted(in_score)
    seed = int(run.get("seed") or 0)
    rounds = run.get("rounds") or 1
    if not isinstance(rounds, int) or rounds < 1:
        return [*reasons, f"the run asked for {rounds!r} rounds (at least 1 is needed)"]
    actual = generic_scores(recs, scored, seed, rounds)
    claimed = s.get("metrics", {})
    family = _family_metrics(name, run, final_records(recs), scored)
    if isinstance(family, str):  # the suite is not installed here: its own metrics cannot be checked
        NOT_VERIFIED.setdefault(name, family)
        claimed = {k: v for k, v in claimed.items() if k in actual["metrics"] or k.startswith("pass@")}
    else:
        actual["metrics"].update(family)
    bad = _differing(claimed, json.loads(json.dumps(actual["metrics"], default=str)))
    if bad:
        reasons.append(f"metrics in results.json disagree with {EXECUTIONS}: {', '.join(bad)}")
    if not _same(s.get("per_problem", {}), actual["per_problem"]):
        reasons.append(f"per-problem counts in results.json disagree with {EXECUTIONS}")
    if s.get("n_problems") != len(scored) and s.get("complete", False):
        reasons.append(f"results.json scores {s.get('n_problems')} problems, {EXECUTIONS} {len(scored)}")
    return reasons


#: suite -> why its family metrics were not recomputed (publish says so)
NOT_VERIFIED: dict[str, str] = {}


def _family_metrics(name: str, run: dict[str, Any], recs: list[ExecutionRecord],
                    scored: list[str]) -> dict[str, Any] | str:
    """The suite's own metrics recomputed with its code, or why that cannot be done here."""
    from harness import registry
    from harness.runner import make_suite

    if name not in registry.names("suites"):
        return f"suite {name} is not installed here"
    try:
        suite = make_suite(name, RunConfig.from_json({**run, "suites": [name]}))
        keep = set(scored)
        return suite.suite_metrics([r.__dict__ for r in recs if r.problem_id in keep])
    except (HwevalError, OSError, ValueError, KeyError) as exc:
        return f"suite {name} cannot recompute its metrics here ({exc})"
