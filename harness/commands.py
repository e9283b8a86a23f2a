"""Implementations of the CLI sub-commands (parsing lives in :mod:`harness.cli`)."""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness import registry
from harness.config import RunConfig
from harness.progress import Progress
from harness.results import read_results

console = Console()


def register(sub: Any) -> None:
    """Add the core sub-commands: list, run, generate, evaluate, report, validate."""
    from harness.cli import _csv, _env, add_selectors, opt

    p = sub.add_parser("list", help="list suites, backends or sandboxes")
    p.set_defaults(func=cmd_list)
    p.add_argument("kind", choices=["suites", "backends", "sandboxes"])
    p.add_argument("--json", action="store_true")

    for name, helptext in (("run", "generate and evaluate"), ("generate", "completions only")):
        p = sub.add_parser(name, help=helptext)
        add_selectors(p)
        p.set_defaults(func=cmd_run if name == "run" else cmd_generate)

    p = sub.add_parser("evaluate", help="execute a run folder's completions and score them")
    p.set_defaults(func=cmd_evaluate)
    p.add_argument("dir", type=Path)
    opt(p, "--workers", default=None, type=int, help="parallel evaluations")
    opt(p, "--sandbox", default=None, help="override the sandbox")
    p.add_argument("--allow-unsandboxed", action="store_true")

    p = sub.add_parser("report", help="table of a run's results.json")
    p.set_defaults(func=cmd_report)
    p.add_argument("dir", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--plot", type=Path, default=None, metavar="FILE.png",
                   help="also draw the run's metrics and statuses to FILE.png (matplotlib)")

    p = sub.add_parser("validate", help="check every reference against its own tests")
    p.set_defaults(func=cmd_validate)
    opt(p, "--suite", dest="suites", type=_csv, required=_env("suites", None) is None, help="suite name(s)")
    opt(p, "--data", default=None, help="dataset PATH or hf://OWNER/NAME")
    opt(p, "--simulator", default="icarus", help="icarus | verilator")
    opt(p, "--sandbox", default="local", help="sandbox")
    p.add_argument("--allow-unsandboxed", action="store_true")
    opt(p, "--workers", default=os.cpu_count() or 1, type=int, help="parallel evaluations")
    opt(p, "--lang", default=None, help="kernel language")
    opt(p, "--problems", default=None, type=_csv, help="problem ids")
    p.add_argument("-S", "--suite-option", dest="suite_options", action="append", metavar="KEY=VALUE")
    p.add_argument("--json", action="store_true")



def _config(args: argparse.Namespace) -> RunConfig:
    keys = RunConfig.__dataclass_fields__
    return RunConfig(**{k: v for k, v in vars(args).items() if k in keys and v is not None})


def cmd_list(args: argparse.Namespace) -> int:
    rows = registry.describe(args.kind)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    table = Table(title=f"hweval {args.kind}")
    table.add_column("name")
    table.add_column("entry point")
    table.add_column("distribution")
    for row in rows:
        table.add_row(row["name"], row["target"], row["distribution"])
    console.print(table)
    return 0


def _finish(run_dir: Path, results: dict[str, Any] | None) -> int:
    if results is None:
        console.print(f"completions written to {run_dir}")
        return 0
    print_report(results)
    console.print(f"run folder: {run_dir}")
    if results.get("infra_errors"):
        console.print(f"[red]{results['infra_errors']} sample(s) had infrastructure errors "
                      "(not counted against the model); see executions.jsonl[/red]")
        return 1
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from harness.runner import run

    run_dir, results = run(_config(args), progress=Progress(enabled=None if not args.no_progress else False))
    return _finish(run_dir, results)


def cmd_generate(args: argparse.Namespace) -> int:
    from harness.runner import run

    run_dir, _ = run(_config(args), do_evaluate=False,
                     progress=Progress(enabled=None if not args.no_progress else False))
    return _finish(run_dir, None)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from harness.runner import evaluate_dir

    overrides = {"workers": args.workers, "sandbox": args.sandbox,
                 "allow_unsandboxed": args.allow_unsandboxed or None}
    run_dir, results = evaluate_dir(args.dir, overrides)
    return _finish(run_dir, results)


def cmd_report(args: argparse.Namespace) -> int:
    results = read_results(args.dir)
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    else:
        print_report(results)
    if getattr(args, "plot", None) is not None:
        from harness.publish.plots import plot_results

        plot_results(results, args.plot)
        if not args.json:
            console.print(f"plot: {args.plot}")
    return 0


def _fmt(stat: Any) -> str:
    if isinstance(stat, dict) and "mean" in stat:
        if stat["mean"] is None:
            return "-"
        lo, hi = stat["ci95"]
        return f"{stat['mean']:.3f} ±{stat['stderr']:.3f} [{lo:.2f},{hi:.2f}]"
    if isinstance(stat, float):
        return f"{stat:.3f}"
    return str(stat)


def print_report(results: dict[str, Any]) -> None:
    model = results.get("config", {}).get("run", {}).get("model", "?")
    for name, s in results["suites"].items():
        table = Table(title=f"{name} — {model} ({s['n_problems']} problems x {s['n_samples']} samples)")
        table.add_column("metric")
        table.add_column("mean ±stderr [95% CI]")
        for metric, value in s["metrics"].items():
            if isinstance(value, dict) and "mean" not in value:
                continue
            table.add_row(metric, _fmt(value))
        table.add_row("statuses", " ".join(f"{k}={v}" for k, v in s["status_counts"].items()))
        if s["excluded"]:
            table.add_row("excluded", ", ".join(e["problem_id"] for e in s["excluded"]))
        console.print(table)


def cmd_validate(args: argparse.Namespace) -> int:
    from harness.runner import eval_context, make_sandbox, make_suite, select_problems, validate_references

    cfg = _config(args)
    sandbox = make_sandbox(cfg)
    ctx = eval_context(cfg, sandbox)
    failed_total = 0
    report = {}
    for name in cfg.suites:
        suite = make_suite(name, cfg)
        problems = select_problems(suite, cfg)
        res = validate_references(suite, problems, ctx, cfg.workers, use_cache=False)
        failed = {pid: v for pid, v in res.items() if v["status"] != "pass"}
        failed_total += len(failed)
        report[name] = {"passed": len(res) - len(failed), "total": len(res), "failures": failed}
        if not args.json:
            console.print(f"{name}: {len(res) - len(failed)}/{len(res)} references pass")
            for pid, v in failed.items():
                console.print(f"  [red]{pid}[/red]: {v['status']}: {v['reason'].strip()[:300]}")
    if args.json:
        print(json.dumps(report, indent=2))
    sandbox.close()
    return 1 if failed_total else 0
