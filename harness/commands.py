"""Implementations of the CLI sub-commands (parsing lives in :mod:`harness.cli`)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness import registry
from harness.config import LANGS, SIMULATORS, RunConfig
from harness.errors import UsageError
from harness.progress import Progress
from harness.report import infra_reasons, print_report, provenance_lines, title
from harness.results import read_results

console = Console()


def register(sub: Any) -> None:
    """Add the core sub-commands: list, run, generate, evaluate, report, validate."""
    from harness.cli import _csv, _env, add_eval_options, add_selectors, flag, one_of, opt, suite_option_arg

    p = sub.add_parser("list", help="list suites, backends or sandboxes")
    p.set_defaults(func=cmd_list)
    p.add_argument("kind", choices=["suites", "backends", "sandboxes"])
    flag(p, "--json", help="print JSON")

    for name, helptext in (("run", "generate and evaluate"), ("generate", "completions only")):
        p = sub.add_parser(name, help=helptext)
        add_selectors(p)
        p.set_defaults(func=cmd_run if name == "run" else cmd_generate)

    p = sub.add_parser("evaluate", help="execute a run folder's completions and score them")
    p.set_defaults(func=cmd_evaluate)
    p.add_argument("dir", type=Path)
    add_eval_options(p, defaults=False)

    p = sub.add_parser("report", help="table of a run's results.json")
    p.set_defaults(func=cmd_report)
    p.add_argument("dir", type=Path)
    flag(p, "--json", help="print results.json")
    opt(p, "--plot", type=Path, default=None, metavar="FILE.png",
        help="also draw the run's metrics and statuses to FILE.png (matplotlib)")

    p = sub.add_parser("validate", help="check every reference against its own tests")
    p.set_defaults(func=cmd_validate)
    opt(p, "--suite", dest="suites", type=_csv, required=_env("suites", None) is None, help="suite name(s)")
    opt(p, "--data", default=None, help="dataset PATH or hf://OWNER/NAME")
    opt(p, "--simulator", default="icarus", type=one_of(*SIMULATORS), help="icarus | verilator (or -S simulator=)")
    add_eval_options(p)
    opt(p, "--lang", default=None, type=one_of(*LANGS), help="kernel language: triton | cuda (or -S lang=)")
    opt(p, "--problems", default=None, type=_csv, help="problem ids")
    opt(p, "--hls-include", default=None, help="folder with ap_int.h/hls_stream.h (default: hls4ml's)")
    suite_option_arg(p)
    flag(p, "--json", help="print the report as JSON")


def _config(args: argparse.Namespace) -> RunConfig:
    keys = RunConfig.__dataclass_fields__
    return RunConfig(**{k: v for k, v in vars(args).items() if k in keys and v is not None})


def cmd_list(args: argparse.Namespace) -> int:
    rows = registry.describe(args.kind)
    if args.kind == "suites":
        rows = [{**row, **suite_facts(row["name"])} for row in rows]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    table = Table()
    table.add_column("name", no_wrap=True)
    if args.kind == "suites":
        table.add_column("family")
        table.add_column("--data")
        table.add_column("description")
        for row in rows:
            table.add_row(row["name"], row["family"], row["data"], row["description"])
    else:
        table.add_column("entry point")
        table.add_column("distribution")
        for row in rows:
            table.add_row(row["name"], row["target"], row["distribution"])
    title(f"hweval {args.kind}")
    # piped (grep, less): one line per plugin rather than descriptions wrapped at 80 columns
    (console if console.is_terminal else Console(width=200)).print(table)
    return 0


def suite_facts(name: str) -> dict[str, Any]:
    """Description, family, --data need and -S keys of a suite (imports its module: ~0.5 s for all)."""
    try:
        cls = registry.load("suites", name)
    except UsageError as exc:
        return {"family": "?", "data": "?", "description": f"(unavailable: {exc})", "options": {}}
    need = {"none": "no", "optional": "optional", "required": "needs --data"}.get(cls.takes_data, cls.takes_data)
    return {"family": cls.family, "data": need, "description": cls.description,
            "options": dict(cls.options_schema)}


def _finish(run_dir: Path, results: dict[str, Any] | None) -> int:
    if results is None:
        console.print(f"completions written to {run_dir}")
        return 0
    print_report(results)
    for line in provenance_lines(results):
        console.print(line, soft_wrap=True)
    console.print(f"run folder: {run_dir}", soft_wrap=True)
    code = 0
    if results.get("infra_errors"):
        reasons = infra_reasons(run_dir)
        console.print(f"[red]{results['infra_errors']} sample(s) had infrastructure errors (not counted against "
                      f"the model): {reasons}[/red]", soft_wrap=True)
        code = 1
    for name, s in results["suites"].items():
        if s.get("n_not_run"):
            why = "; ".join(f"{r} ({n})" for r, n in s.get("not_run_by_reason", {}).items())
            console.print(f"[yellow]{name}: {s['n_not_run']} problem(s) could not be run here and are not "
                          f"scored: {why}[/yellow]", soft_wrap=True)
            code = 1
    return code


def _progress(args: argparse.Namespace) -> Progress:
    return Progress(enabled=False if args.no_progress else None)


def cmd_run(args: argparse.Namespace) -> int:
    from harness.runner import run

    run_dir, results = run(_config(args), progress=_progress(args))
    return _finish(run_dir, results)


def cmd_generate(args: argparse.Namespace) -> int:
    from harness.runner import run

    run_dir, _ = run(_config(args), do_evaluate=False, progress=_progress(args))
    return _finish(run_dir, None)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from harness.runner import evaluate_dir

    overrides = {"workers": args.workers, "sandbox": args.sandbox, "timeout_s": args.timeout_s,
                 "allow_unsandboxed": args.allow_unsandboxed or None}
    run_dir, results = evaluate_dir(args.dir, overrides, progress=_progress(args))
    return _finish(run_dir, results)


def cmd_report(args: argparse.Namespace) -> int:
    if not args.dir.is_dir():
        raise UsageError(f"{args.dir}: not a run folder (give the folder holding results.json)")
    results = read_results(args.dir)
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    else:
        print_report(results)
        for line in provenance_lines(results):
            console.print(line, soft_wrap=True)
    if getattr(args, "plot", None) is not None:
        from harness.publish.plots import plot_results

        plot_results(results, args.plot)
        if not args.json:
            console.print(f"plot: {args.plot}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from harness.preflight import check_suite_settings, preflight
    from harness.runner import (
        eval_context,
        excluded_from,
        make_sandbox,
        make_suite,
        not_run_from,
        select_problems,
        validate_references,
    )

    cfg = _config(args)
    check_suite_settings({n: registry.load("suites", n) for n in cfg.suites}, cfg.suite_options, cfg.data)
    suites = {name: make_suite(name, cfg) for name in cfg.suites}
    sandbox = make_sandbox(cfg)
    try:
        preflight(list(suites.values()), sandbox)
        ctx = eval_context(cfg, sandbox)
        report = {}
        for name, suite in suites.items():
            res = validate_references(suite, select_problems(suite, cfg), ctx, cfg.workers, use_cache=False)
            failed, not_run = excluded_from(res), not_run_from(res)
            passed = len(res) - len(failed) - len(not_run)
            report[name] = {"passed": passed, "total": len(res), "failures": failed, "not_run": not_run}
            if not args.json:
                console.print(f"{name}: {passed}/{len(res)} references pass"
                              + (f", {len(not_run)} could not be run here" if not_run else ""))
                for e in failed:
                    console.print(f"  [red]{e['problem_id']}[/red]: {e['status']}: {e['reason'].strip()[:300]}")
                for e in not_run:
                    console.print(f"  [yellow]{e['problem_id']}[/yellow]: not run: {e['reason'].strip()[:300]}")
    finally:
        sandbox.close()
    if args.json:
        print(json.dumps(report, indent=2))
    return 1 if any(r["failures"] or r["not_run"] for r in report.values()) else 0
