"""``hweval audit``: the testbench mutation audit of one suite (see :mod:`harness.audit.engine`)."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from rich.console import Console

from harness.errors import UsageError

#: suite options the audit sets unless given with -S: synthesis scores and lint decide no verdict
AUDIT_DEFAULT_OPTIONS = {"synth": "off", "lint": "off", "equiv": "off"}

EPILOG = """\
Each problem's reference must pass its own check; then every mutant of the reference (operator,
constant, inverted condition, stuck bit, dropped statement, swapped case items, off-by-one bound,
wrong reset value) is judged by the suite's own evaluate(). Mutants that do not compile are
stillborn and not counted; a mutant is killed by any verdict but pass; a survivor that yosys shows
equivalent to the reference (bounded from reset for sequential logic) is set aside. Score =
killed / (killed + survived). infra_error is never counted as killed.
Exit status: 0 ok; 1 when --fail-under fails or a mutant hit an infra error; 2 usage error.
"""


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"--fail-under {text}: give a score between 0 and 1")
    return value


def register(sub: Any) -> None:
    from harness.cli import _csv, _env, opt

    p = sub.add_parser("audit", help="testbench mutation audit (DIR/audit.json)", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(func=cmd_audit)
    opt(p, "--suite", dest="suites", type=_csv, required=_env("suites", None) is None, help="the suite to audit")
    opt(p, "--data", default=None, help="dataset PATH or hf://OWNER/NAME for public suites")
    opt(p, "--limit", default=None, type=int, help="first K problems")
    opt(p, "--problems", default=None, type=_csv, help="problem ids, comma separated")
    opt(p, "--max-mutants", default=None, type=int,
        help="at most N mutants per problem, drawn deterministically and spread over the operators")
    opt(p, "--workers", default=os.cpu_count() or 1, type=int, help="parallel evaluations")
    opt(p, "--sandbox", default="local", help="local (bubblewrap) | docker | none")
    p.add_argument("--allow-unsandboxed", action="store_true", default=bool(_env("allow_unsandboxed", "")),
                   help="permit --sandbox none")
    opt(p, "--simulator", default="icarus", help="icarus | verilator")
    opt(p, "--lang", default=None, help="kernel language: triton | cuda")
    opt(p, "--seed", default=0, type=int, help="seed for stimulus")
    opt(p, "--timeout", dest="timeout_s", default=60.0, type=float, help="wall-time limit per mutant (s)")
    opt(p, "--equiv-depth", default=20, type=int,
        help="cycles after reset of the bounded equivalence check of sequential survivors (0: proofs only)")
    p.add_argument("--no-equiv", action="store_true", default=bool(_env("no_equiv", "")),
                   help="skip the equivalence check: every survivor counts against the tests")
    opt(p, "--fail-under", default=None, type=_fraction,
        help="exit 1 when a score is under X (which scores: --fail-scope)")
    opt(p, "--fail-scope", default="problem", choices=["problem", "suite", "both"],
        help="problem: any problem's score under X fails; suite: the pooled suite score; both: either")
    opt(p, "--show-diffs", default=5, type=int, help="surviving mutants printed per problem (all are in audit.json)")
    p.add_argument("--no-cache", action="store_true", default=bool(_env("no_cache", "")),
                   help="do not reuse mutant verdicts cached by earlier audits ($HWEVAL_CACHE/audit)")
    p.add_argument("-S", "--suite-option", dest="suite_options", action="append", metavar="KEY=VALUE",
                   help="suite option; the audit defaults to -S synth=off -S lint=off")
    opt(p, "--out", default=None, help="output folder (default results/runs/audit-<suite>-<stamp>)")


def default_out(suite: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path("results") / "runs" / f"audit-{re.sub(r'[^A-Za-z0-9_.-]+', '_', suite)}-{stamp}"


def cmd_audit(args: argparse.Namespace) -> int:
    from harness.audit.engine import AuditSettings, audit_problems
    from harness.audit.report import audit_json, print_audit, write_audit
    from harness.config import RunConfig, environment_info
    from harness.progress import Progress
    from harness.runner import cache_dir, eval_context, make_sandbox, make_suite, select_problems

    if len(args.suites) != 1:
        raise UsageError(f"--suite: the audit takes one suite, got {', '.join(args.suites)}")
    if args.max_mutants is not None and args.max_mutants < 1:
        raise UsageError(f"--max-mutants {args.max_mutants}: give at least 1")
    name = args.suites[0]
    options = {**AUDIT_DEFAULT_OPTIONS, **(args.suite_options or {})}
    cfg = RunConfig(suites=[name], limit=args.limit, problems=args.problems, workers=args.workers,
                    sandbox=args.sandbox, allow_unsandboxed=args.allow_unsandboxed, data=args.data, seed=args.seed,
                    lang=args.lang, simulator=args.simulator, timeout_s=args.timeout_s, suite_options=options)
    suite = make_suite(name, cfg)
    problems = select_problems(suite, cfg)
    out_dir = Path(args.out) if args.out else default_out(name)
    settings = AuditSettings(max_mutants=args.max_mutants, equiv_depth=args.equiv_depth,
                             check_equivalence=not args.no_equiv, workers=args.workers,
                             cache=None if args.no_cache else cache_dir() / "audit")
    sandbox = make_sandbox(cfg)
    progress = Progress(enabled=None if not args.no_progress else False)
    try:
        audits = audit_problems(suite, problems, eval_context(cfg, sandbox), settings,
                                advance=progress.advance, start=progress.start)
    finally:
        progress.close()
        sandbox.close()
    config = {"suite": name, "suite_version": suite.version, "content_hash": suite.content_hash(),
              "data": args.data, "problems": [a.problem.id for a in audits], "max_mutants": args.max_mutants,
              "equiv_depth": args.equiv_depth, "equivalence": not args.no_equiv, "workers": args.workers,
              "sandbox": args.sandbox, "seed": args.seed, "timeout_s": args.timeout_s,
              "suite_options": cfg.suite_options}  # the --simulator/--lang aliases are in there
    data = audit_json(name, audits, config, environment_info(), args.fail_under, args.fail_scope, args.seed)
    path = write_audit(out_dir, data)
    console = Console()
    print_audit(data, console, max_diffs=args.show_diffs)
    console.print(f"audit: {path}")
    summary = data["summary"]
    if summary["failed"]:
        what = ", ".join(summary["under"]) if args.fail_scope != "suite" and summary["under"] else "the suite"
        console.print(f"[red]--fail-under {args.fail_under}: {what} scored under it[/red]")
        return 1
    return 1 if summary["n_infra_errors"] else 0
