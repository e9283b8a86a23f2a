"""The audit's outputs: ``audit.json`` (schema ``hweval.audit/1``) and the terminal table.

audit.json::

    {"schema": "hweval.audit/1", "suite": S, "config": {...}, "environment": {...},
     "summary": {"score", "mean_score", "min_score", "counts", "n_problems", "n_scored",
                 "excluded", "fail_under", "under", "failed"},
     "problems": [{"problem_id", "reference": {"status", "reason"}, "n_generated", "n_run",
                   "counts", "score", "mutants": [...], "survivors": [{..., "diff"}],
                   "equivalent": [{..., "diff"}], "infra_errors": [...]}]}

``score`` is pooled (killed / counted over the suite); ``mean_score`` is the mean of the
problems' scores with its standard error and 95% interval.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness.audit.engine import OUTCOMES, MutantResult, ProblemAudit
from harness.metrics import mean_stats
from harness.results import write_json_atomic

SCHEMA = "hweval.audit/1"
AUDIT_FILE = "audit.json"
SCOPES = ("problem", "suite", "both")


def unified_diff(reference: str, code: str, name: str, context: int = 1) -> str:
    lines = difflib.unified_diff(reference.splitlines(keepends=True), code.splitlines(keepends=True),
                                 fromfile="reference", tofile=name, n=context)
    return "".join(ln if ln.endswith("\n") else ln + "\n" for ln in lines)


def _with_diff(audit: ProblemAudit, r: MutantResult) -> dict[str, Any]:
    return {**r.to_json(), "diff": unified_diff(audit.problem.reference or "", r.spec.code, r.spec.id)}


def problem_json(audit: ProblemAudit) -> dict[str, Any]:
    return {
        "problem_id": audit.problem.id,
        "reference": {"status": audit.reference_status, "reason": audit.reference_reason[:1000]},
        "n_generated": audit.n_generated, "n_run": len(audit.results), "counts": audit.counts,
        "score": None if audit.score is None else round(audit.score, 4),
        "mutants": [r.to_json() for r in audit.results],
        "survivors": [_with_diff(audit, r) for r in audit.results if r.outcome == "survived"],
        "equivalent": [_with_diff(audit, r) for r in audit.results if r.outcome == "equivalent"],
        "infra_errors": problem_json_infra(audit),
    }


def problem_json_infra(audit: ProblemAudit) -> list[dict[str, Any]]:
    """Mutants whose verdict or equivalence check hit an infrastructure error."""
    return [r.to_json() for r in audit.results if r.outcome == "infra_error"
            or (r.equivalence is not None and r.equivalence.status == "infra_error")]


def summarize(audits: list[ProblemAudit], fail_under: float | None = None, scope: str = "problem",
              seed: int = 0) -> dict[str, Any]:
    counts = {k: sum(a.counts[k] for a in audits) for k in OUTCOMES}
    den = counts["killed"] + counts["survived"]
    scores = [a.score for a in audits if a.score is not None]
    score = counts["killed"] / den if den else None
    under = sorted(a.problem.id for a in audits if fail_under is not None and a.score is not None
                   and a.score < fail_under)
    suite_under = fail_under is not None and score is not None and score < fail_under
    failed = (bool(under) and scope in ("problem", "both")) or (suite_under and scope in ("suite", "both"))
    return {
        "score": None if score is None else round(score, 4),
        "mean_score": mean_stats(scores, seed=seed) if scores else None,
        "min_score": round(min(scores), 4) if scores else None,
        "counts": counts, "n_problems": len(audits), "n_scored": len(scores),
        "excluded": [{"problem_id": a.problem.id, "status": a.reference_status, "reason": a.reference_reason[:500]}
                     for a in audits if a.excluded],
        "n_infra_errors": sum(len(problem_json_infra(a)) for a in audits)
        + sum(a.reference_status == "infra_error" for a in audits),
        "fail_under": fail_under, "fail_scope": scope, "under": under, "suite_under": suite_under,
        "failed": failed,
    }


def audit_json(suite_name: str, audits: list[ProblemAudit], config: dict[str, Any], environment: dict[str, Any],
               fail_under: float | None = None, scope: str = "problem", seed: int = 0) -> dict[str, Any]:
    return {"schema": SCHEMA, "suite": suite_name, "config": config, "environment": environment,
            "summary": summarize(audits, fail_under, scope, seed), "problems": [problem_json(a) for a in audits]}


def write_audit(out_dir: Path, data: dict[str, Any]) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / AUDIT_FILE
    write_json_atomic(path, data)
    return path


def _score_text(score: float | None, fail_under: float | None) -> str:
    if score is None:
        return "-"
    text = f"{score:.3f}"
    return f"[red]{text}[/red]" if fail_under is not None and score < fail_under else text


def print_audit(data: dict[str, Any], console: Console | None = None, max_diffs: int = 5) -> None:
    """The per-problem table, the survivors as diffs (``max_diffs`` per problem), the totals."""
    console = console or Console()
    summary, fail_under = data["summary"], data["summary"]["fail_under"]
    table = Table(title=f"testbench audit: {data['suite']}")
    table.add_column("problem", no_wrap=True)
    for col in ("mutants", "killed", "survived", "equiv", "stillborn", "infra", "score"):
        table.add_column(col, justify="right")
    for p in data["problems"]:
        c = p["counts"]
        if p["reference"]["status"] != "pass":
            table.add_row(p["problem_id"], "-", "-", "-", "-", "-", "-", "[yellow]excluded[/yellow]")
            continue
        run = f"{p['n_run']}" + (f"/{p['n_generated']}" if p["n_run"] != p["n_generated"] else "")
        table.add_row(p["problem_id"], run, str(c["killed"]), str(c["survived"]), str(c["equivalent"]),
                      str(c["stillborn"]), str(c["infra_error"]), _score_text(p["score"], fail_under))
    c = summary["counts"]
    table.add_row("[bold]suite[/bold]", str(sum(c.values())), str(c["killed"]), str(c["survived"]),
                  str(c["equivalent"]), str(c["stillborn"]), str(c["infra_error"]),
                  _score_text(summary["score"], fail_under))
    console.print(table)
    for p in data["problems"]:
        if not p["survivors"] or max_diffs <= 0:
            continue
        console.print(f"[bold]{p['problem_id']}[/bold]: {len(p['survivors'])} surviving mutant(s)")
        for s in p["survivors"][:max_diffs]:
            eq = s["equivalence"] or {}
            note = f"  [equivalence: {eq.get('status')}, {eq.get('method')}]" if eq else ""
            console.print(f"  {s['id']}: {s['description']}{note}", markup=False, highlight=False)
            body = [ln for ln in s["diff"].splitlines() if ln[:1] in "-+" and not ln.startswith(("---", "+++"))]
            for ln in body[:6]:
                console.print(f"    {ln}", markup=False, highlight=False)
        if len(p["survivors"]) > max_diffs:
            console.print(f"  ... {len(p['survivors']) - max_diffs} more in {AUDIT_FILE}")
    mean = summary["mean_score"]
    if mean and mean.get("mean") is not None:
        lo, hi = mean["ci95"]
        console.print(f"suite score {summary['score']:.3f} (killed / counted); mean over {summary['n_scored']} "
                      f"problems {mean['mean']:.3f} ±{mean['stderr']:.3f} [{lo:.2f},{hi:.2f}]; "
                      f"min {summary['min_score']:.3f}")
    for ex in summary["excluded"]:
        console.print(f"[yellow]excluded {ex['problem_id']}[/yellow]: reference {ex['status']}: "
                      f"{ex['reason'].strip()[:200]}")
    if summary["n_infra_errors"]:
        console.print(f"[red]{summary['n_infra_errors']} mutant(s) hit infrastructure errors (never counted as "
                      f"killed; see infra_errors in {AUDIT_FILE})[/red]")
