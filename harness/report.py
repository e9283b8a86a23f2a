"""Terminal presentation of a run: the per-suite tables, where samples came from, infra errors.

Titles are printed as their own unwrapped line (a table title wraps at the table's width and
broke mid-phrase); metrics are ordered pass@k first, then syntax, then the family's metrics.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness.results import read_executions

console = Console()


def title(text: str) -> None:
    console.print(f"[bold]{text}[/bold]", soft_wrap=True, highlight=False)


def metric_order(names: list[str]) -> list[str]:
    """pass@1, pass@2, ..., syntax_rate, the other rates (synth_rate, fix@...), then the rest,
    each group alphabetically (results.json stores metrics sorted by name)."""
    def key(m: str) -> tuple[int, int, str]:
        match = re.fullmatch(r"pass@(\d+)", m)
        if match:
            return (0, int(match.group(1)), m)
        if m == "syntax_rate":
            return (1, 0, m)
        if m.endswith("_rate") or m.startswith(("pass@", "fix@", "fast_")):
            return (2, 0, m)
        return (3, 0, m)
    return sorted(names, key=key)


def fmt(stat: Any) -> str:
    if isinstance(stat, dict) and "mean" in stat:
        if stat["mean"] is None:
            return "-"
        lo, hi = stat["ci95"]
        return f"{stat['mean']:.3f} ±{stat['stderr']:.3f} [{lo:.2f},{hi:.2f}]"
    if isinstance(stat, float):
        return f"{stat:.3f}"
    return str(stat)


def scope_line(s: dict[str, Any]) -> str:
    """'43 loaded, 2 excluded (fail 2), 1 not run (no CUDA device)': what the scores cover."""
    parts = [f"{s.get('n_loaded', s['n_problems'])} loaded"]
    dropped = s.get("load_exclusions") or {}
    if dropped:
        parts.append(f"{sum(dropped.values())} dropped by the loader ("
                     + ", ".join(f"{r} {n}" for r, n in dropped.items()) + ")")
    if s.get("n_selected") is not None and s["n_selected"] != s.get("n_loaded"):
        parts.append(f"{s['n_selected']} selected")
    if s.get("excluded"):
        reasons = s.get("excluded_by_reason") or Counter(e["status"] for e in s["excluded"])
        parts.append(f"{len(s['excluded'])} excluded, reference fails its tests ("
                     + ", ".join(f"{r} {n}" for r, n in reasons.items()) + ")")
    if s.get("n_not_run"):
        parts.append(f"{s['n_not_run']} not run here ("
                     + "; ".join(f"{r}: {n}" for r, n in s.get("not_run_by_reason", {}).items()) + ")")
    parts.append(f"{s['n_problems']} scored")
    return ", ".join(parts)


def print_report(results: dict[str, Any]) -> None:
    model = results.get("config", {}).get("run", {}).get("model", "?")
    for name, s in results["suites"].items():
        title(f"{name} — {model} ({s['n_problems']} problems x {s['n_samples']} samples)")
        table = Table()
        table.add_column("metric", no_wrap=True)
        table.add_column("mean ±stderr [95% CI]")
        shown = [m for m, v in s["metrics"].items() if not (isinstance(v, dict) and "mean" not in v)]
        for metric in metric_order(shown):
            table.add_row(metric, fmt(s["metrics"][metric]))
        table.add_row("statuses", " ".join(f"{k}={v}" for k, v in s["status_counts"].items()))
        table.add_row("problems", scope_line(s))
        if s["excluded"]:
            table.add_row("excluded", ", ".join(e["problem_id"] for e in s["excluded"]))
        if s.get("not_run"):
            table.add_row("not run", ", ".join(e["problem_id"] for e in s["not_run"]))
        console.print(table)


def provenance_lines(results: dict[str, Any]) -> list[str]:
    """Where the samples and verdicts came from, and a warning on identical samples."""
    total: Counter[str] = Counter()
    for s in results["suites"].values():
        total.update(s.get("provenance") or {})
    if not total:
        return []
    lines = [f"samples: {total['samples']}, {total['from_generation_cache']} from the generation cache "
             "(--generation-cache off to ask the model again); verdicts: "
             f"{total['verdicts_executed']} executed, {total['verdicts_shared']} shared with an identical "
             f"sample, {total['verdicts_from_cache']} from the verdict cache (-S verdict_cache=on|off)"]
    if total["repair_answers"]:
        lines[0] = lines[0].replace(f"samples: {total['samples']}", f"answers: {total['samples']} "
                                    f"({total['repair_answers']} in repair rounds)", 1)
    run = results.get("config", {}).get("run", {})
    if total["identical_samples"] and run.get("n_samples", 1) > 1:
        hint = " at --temperature 0" if not run.get("temperature") and _samples_model(run) else ""
        lines.append(f"[yellow]warning: {total['identical_samples']} sample(s) repeat an earlier sample of the "
                     f"same problem{hint}; pass@k for k > 1 counts them as independent tries[/yellow]")
    return lines


def _samples_model(run: dict[str, Any]) -> bool:
    """Whether the run's backend samples a model (temperature matters), not a baseline or a file."""
    from harness import registry
    from harness.errors import UsageError

    try:
        return bool(registry.load("backends", str(run.get("model", "")).partition(":")[0]).cacheable)
    except UsageError:
        return False


def infra_reasons(run_dir: Path, limit: int = 3) -> str:
    """The most common infra_error reasons in a run's journal, so nobody has to open it."""
    reasons: Counter[str] = Counter()
    for rec in read_executions(run_dir):
        if rec.status == "infra_error":
            first = (rec.reason.strip().splitlines() or ["(no reason given)"])[0]
            reasons[first[:200]] += 1
    shown = "; ".join(f"{r} (x{n})" for r, n in reasons.most_common(limit))
    more = f"; {len(reasons) - limit} other reason(s)" if len(reasons) > limit else ""
    return f"{shown}{more} (executions.jsonl has each)"
