"""Sub-commands ``publish`` and ``compare`` (registered through ``harness.cli.COMMAND_MODULES``)."""
from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness.results import read_results, write_json_atomic

log = logging.getLogger(__name__)
console = Console()

DEFAULT_LEADERBOARD = "results/leaderboard.json"


def register(sub: Any) -> None:
    """Add ``publish`` and ``compare``."""
    from harness.cli import _csv, flag, int_in, opt, plugin_name

    p = sub.add_parser("publish", help="merge run folders into a leaderboard JSON (and HTML page)",
                       description="Merge finished runs into a hweval.leaderboard/1 file. A newer run of the "
                                   "same (model, suite, settings) replaces the older; runs with infra_error "
                                   "samples, unfinished runs, runs of no samples and runs whose results.json "
                                   "disagrees with executions.jsonl (every count and metric is recomputed) "
                                   "are refused, as are runs whose excluded/not-run lists do not hold up (each "
                                   "excluded problem's reference is run again here). The journal is the "
                                   "submitter's file: --rescore re-evaluates every completion instead of trusting it.")
    p.set_defaults(func=cmd_publish)
    p.add_argument("dirs", type=Path, nargs="+", metavar="RUN_DIR", help="run folders holding results.json")
    opt(p, "--out", dest="leaderboard_out", default=DEFAULT_LEADERBOARD, type=Path, metavar="FILE.json",
        help="leaderboard JSON to write; rows already in it are merged unless --fresh")
    opt(p, "--html", default=None, type=Path, metavar="FILE.html", help="also write the self-contained HTML page here")
    flag(p, "--fresh", help="ignore the rows of an existing --out file")
    flag(p, "--rescore", help="trust no verdict in the run folders: re-evaluate every completion here with the "
                              "run's settings and refuse a run where any status differs from its journal")
    opt(p, "--sandbox", dest="publish_sandbox", default=None, type=plugin_name("sandboxes"), metavar="KIND",
        help="sandbox for the references publish re-runs (excluded problems) and for --rescore (default: each "
             "run's own; none becomes local)")
    opt(p, "--workers", dest="publish_workers", default=None, type=int_in(1), metavar="W",
        help="parallel evaluations of --rescore and of re-run references (default: each run's own)")
    p.add_argument("--rescore-data", dest="rescore_data", action="append", default=[], type=_suite_source,
                   metavar="SUITE=SOURCE",
                   help="the benchmark source (--data) --rescore reads for SUITE: yours, never the run's "
                        "recorded one (repeatable); a run that read a source is refused without it")

    p = sub.add_parser("compare", help="paired comparison of two runs, problem by problem")
    p.set_defaults(func=cmd_compare)
    p.add_argument("run_a", type=Path, metavar="RUN_A")
    p.add_argument("run_b", type=Path, metavar="RUN_B")
    opt(p, "--suite", dest="compare_suites", default=None, type=_csv, help="only these suites (default: all shared)")
    opt(p, "--seed", default=0, type=int_in(0), help="seed of the bootstrap (and Monte Carlo) resampling")
    flag(p, "--json", help="print the comparison as JSON")


def _suite_source(text: str) -> tuple[str, str]:
    suite, eq, source = text.partition("=")
    if not eq or not suite.strip() or not source.strip():
        raise argparse.ArgumentTypeError(f"expected SUITE=SOURCE, got {text!r}")
    return suite.strip(), source.strip()


def cmd_publish(args: argparse.Namespace) -> int:
    from harness.publish.html import render
    from harness.publish.leaderboard import build
    from harness.publish.scope import PublishChecks

    out: Path = args.leaderboard_out
    checks = PublishChecks(sandbox=args.publish_sandbox, workers=args.publish_workers, rescore=args.rescore,
                           data=dict(args.rescore_data))
    built = build(args.dirs, existing=None if args.fresh else out, checks=checks)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(out, built.doc)
    for line in built.dropped:
        console.print(f"[yellow]dropped (older suite version):[/yellow] {line}")
    for line in built.replaced:
        console.print(f"replaced by a newer run: {line}")
    from harness.publish.verify import NOT_VERIFIED

    for suite, why in sorted(NOT_VERIFIED.items()):
        console.print(f"[yellow]note:[/yellow] {suite}: status counts and pass@k checked against the journal; "
                      f"its family metrics were not recomputed ({why})", soft_wrap=True)
    from harness.publish.scope import SCOPE_NOT_VERIFIED

    for suite, why in sorted(SCOPE_NOT_VERIFIED.items()):
        console.print(f"[yellow]note:[/yellow] {suite}: the problems the run's settings select were not checked "
                      f"against its lists ({why})", soft_wrap=True)
    print_models(built.doc)
    console.print(f"leaderboard: {out} ({len(built.doc['rows'])} rows)")
    if args.html is not None:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.html.with_suffix(args.html.suffix + ".tmp")
        tmp.write_text(render(built.doc), encoding="utf-8")
        tmp.replace(args.html)
        console.print(f"page: {args.html}")
    return 0


def print_models(doc: dict[str, Any]) -> None:
    suites = sorted(doc["suites"])
    console.print(f"[bold]hweval leaderboard ({doc['models'][0]['headline_metric'] if doc['models'] else ''})"
                  "[/bold]", soft_wrap=True)
    table = Table()
    table.add_column("model")
    table.add_column("mean")
    for s in suites:
        table.add_column(s)
    for m in doc["models"]:
        cells = ["-" if m["headline"].get(s) is None else f"{m['headline'][s]:.3f}" for s in suites]
        table.add_row(m["model"], "-" if m["mean_headline"] is None else f"{m['mean_headline']:.3f}", *cells)
    console.print(table)


def cmd_compare(args: argparse.Namespace) -> int:
    from harness.publish.compare import compare_results

    names = (str(args.run_a), str(args.run_b))
    result = compare_results(read_results(args.run_a), read_results(args.run_b), names=names,
                             suites=args.compare_suites, seed=args.seed)
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return 0
    for w in result["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {w}")
    a, b = result["a"], result["b"]
    for suite, c in result["suites"].items():
        print_comparison(suite, c, f"A = {a['model']} ({a['run']})", f"B = {b['model']} ({b['run']})")
    return 0


def _f(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def print_comparison(suite: str, c: dict[str, Any], label_a: str, label_b: str) -> None:
    console.print(f"[bold]{suite}: {label_a} vs {label_b}[/bold]", soft_wrap=True, highlight=False)
    table = Table()
    table.add_column("")
    table.add_column("value")
    table.add_row("problems scored in both", str(c["n_common"]))
    table.add_row("pass@1 A / B", f"{_f(c['pass1_a'])} / {_f(c['pass1_b'])}")
    lo, hi = c["ci95"]
    table.add_row("difference A - B [95% paired bootstrap]", f"{_f(c['diff'])} [{_f(lo)}, {_f(hi)}]")
    kind = "exact" if c["exact"] else "Monte Carlo"
    table.add_row(f"p, paired permutation ({kind})", _f(c["p_value"]))
    table.add_row("p, sign test (A higher / B higher)", f"{_f(c['sign_test_p'])} ({c['a_higher']} / {c['b_higher']})")
    table.add_row("solved by both / neither", f"{c['solved_by_both']} / {c['solved_by_neither']}")
    table.add_row("solved by A only", _problems(c["solved_by_a_only"]))
    table.add_row("solved by B only", _problems(c["solved_by_b_only"]))
    if c["only_in_a"] or c["only_in_b"]:
        table.add_row("not compared (scored in one run)", ", ".join(c["only_in_a"] + c["only_in_b"]))
    console.print(table)
    console.print(f"[dim]solved: at least one passing sample. Test: {c['method']}.[/dim]")


def _problems(items: list[dict[str, str]]) -> str:
    if not items:
        return "-"
    return "\n".join(f"{i['problem_id']} (A {i['a']}, B {i['b']})" for i in items)
