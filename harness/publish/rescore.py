"""``publish --rescore``: trust nothing in a run folder but its completions and its settings.

Plain ``publish`` recomputes every number from executions.jsonl, but the journal is the
submitter's own file: nothing in it is authenticated, so flipping its statuses (and rewriting
results.json to match) passes every consistency check (red team round 7, S1 variant). With
``--rescore`` the leaderboard maintainer re-evaluates every completion of completions.jsonl here,
with the run's recorded settings (suites, problems, samples, seed, timeout, suite options) in the
sandbox, through the same pipeline ``hweval evaluate`` runs (reference validation included, the
verdict cache off), in a scratch run folder. The run is refused when any sample's recomputed
status differs from the journal's, when the recomputed excluded or not-run lists differ from
results.json's, or when the re-evaluation itself cannot decide (``infra_error``, problems that
cannot run here). A run that agrees is published with the numbers computed here.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from harness.errors import HwevalError, UsageError
from harness.publish.scope import PublishChecks
from harness.results import COMPLETIONS, ExecutionRecord, RKey, read_executions

_SHOWN = 8  # differing samples named in the refusal (then a count)


def _statuses(recs: list[ExecutionRecord]) -> dict[RKey, str]:
    return {r.rkey(): r.status for r in recs}


def _name(key: RKey) -> str:
    suite, pid, idx, rnd = key
    return f"suite {suite}: problem {pid} sample {idx}" + (f" round {rnd}" if rnd > 1 else "")


def sample_reasons(claimed: list[ExecutionRecord], fresh: list[ExecutionRecord]) -> list[str]:
    """One line per sample whose status here differs from the journal's (the first few)."""
    a, b = _statuses(claimed), _statuses(fresh)
    keys = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    out = [f"{_name(k)}: executions.jsonl says {a.get(k, 'nothing')}, re-evaluated here: "
           f"{b.get(k, 'not evaluated')}" for k in keys[:_SHOWN]]
    if len(keys) > _SHOWN:
        out.append(f"{len(keys) - _SHOWN} more sample(s) differ")
    return out


def list_reasons(claimed: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """Where results.json's excluded/not-run lists differ from those found here."""
    out = []
    for name, s in sorted(claimed.get("suites", {}).items()):
        here = fresh.get("suites", {}).get(name, {})
        for key, what in (("excluded", "excluded (reference fails its tests)"), ("not_run", "not run")):
            a = {e["problem_id"] for e in s.get(key, [])}
            b = {e["problem_id"] for e in here.get(key, [])}
            out += [f"suite {name}: problem {p} is listed {what} in results.json, not here" for p in sorted(a - b)]
            out += [f"suite {name}: problem {p} is {what} here, not in results.json" for p in sorted(b - a)]
    return out


def trusted_inputs(run: dict[str, Any], data: dict[str, str]) -> tuple[dict[str, Any], str | None]:
    """The suite options and ``--data`` a re-evaluation of ``run`` uses: the run's options less
    those naming files or folders of the submitter's machine (each suite's ``path_options``:
    caches, headers; red team 9b S1: a recorded ``hls_cache`` held a forged item list), and the
    benchmark source the maintainer gave for the run's suites (``--rescore-data SUITE=SOURCE``),
    never the one the run recorded (red team 9b S1b: a forged KernelBench copy in the run folder).
    :class:`UsageError` when the run read a benchmark source and none was given here."""
    from harness import registry

    suites = [str(s) for s in run.get("suites") or []]
    options = dict(run.get("suite_options") or {})
    for name in suites:
        try:
            cls = registry.load("suites", name)
        except HwevalError:
            continue  # the re-evaluation itself reports a suite not installed here
        for key in getattr(cls, "path_options", ()):
            options.pop(key, None)
    options["verdict_cache"] = "off"
    recorded = run.get("data") or options.pop("data", None)  # `-S data=` is --data too (red team 9c S5)
    if not recorded:
        return options, None
    given = {data.get(s) for s in suites}
    if None in given or len(given) != 1:
        raise UsageError(f"the run read its benchmark from {recorded!r}, a source its submitter chose; give "
                         f"--rescore-data {suites[0] if suites else 'SUITE'}=SOURCE (your own copy) to re-evaluate it")
    return options, given.pop()


def rescore_run(run_dir: Path, results: dict[str, Any], checks: PublishChecks) -> tuple[list[str], dict[str, Any]]:
    """(why the run is refused, the results computed here); the reasons name the run."""
    from harness.progress import Progress
    from harness.runner import run

    if not (run_dir / COMPLETIONS).is_file():
        return [f"{run_dir}: --rescore needs {COMPLETIONS}, which this run folder lacks"], {}
    recorded = results.get("config", {}).get("run", {})
    try:
        options, data = trusted_inputs(recorded, checks.data)
    except UsageError as exc:
        return [f"{run_dir}: --rescore: {exc}"], {}
    with tempfile.TemporaryDirectory(prefix="hweval-rescore-") as tmp:
        work = Path(tmp) / "run"
        work.mkdir()
        shutil.copyfile(run_dir / COMPLETIONS, work / COMPLETIONS)
        try:
            cfg = checks.run_config(recorded, out=str(work), resume=True, suite_options=options, data=data)
            _, fresh = run(cfg, do_generate=False, progress=Progress(enabled=False))
        except (HwevalError, OSError, ValueError, KeyError, TypeError) as exc:
            return [f"{run_dir}: --rescore could not re-evaluate the run here ({type(exc).__name__}: {exc})"], {}
        assert fresh is not None
        fresh_recs = list(read_executions(work))
    reasons = []
    if fresh.get("infra_errors"):
        reasons.append(f"re-evaluation here ended {fresh['infra_errors']} sample(s) in infra_error, so they cannot "
                       "be confirmed")
    reasons += list_reasons(results, fresh)
    reasons += sample_reasons(list(read_executions(run_dir)), fresh_recs)
    # the row keeps the run's identity and settings (model, backend, config hash); its numbers,
    # harness and tool versions are those of the re-evaluation here
    own = results.get("config", {})
    fresh["config"] = {**fresh["config"], "run": recorded, "backend": own.get("backend"),
                       "config_hash": own.get("config_hash", "")}
    return [f"{run_dir}: --rescore: {r}" for r in reasons], fresh
