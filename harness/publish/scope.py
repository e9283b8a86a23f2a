"""Which problems a run scores, checked rather than read (red team round 7, S1).

results.json lists the problems it leaves out of the score: ``excluded`` (the reference failed its
own tests at validation) and ``not_run`` (the reference could not run where the run ran: no GPU, a
tool missing). Recomputing the metrics from the journal over "every journal problem minus these
lists" trusts the lists, so a run folder could move any failing problem out of its score by
listing it as excluded. A run folder stores no record of its reference validation (the harness
keeps validations in its cache, ``$HWEVAL_CACHE/validate/``, not in the run), and any record it
stored would be the submitter's file like the rest; so publish checks what it can:

- a ``not_run`` problem is never evaluated by the harness: one with samples in executions.jsonl
  is refused, and so is a problem listed in both lists;
- every scored problem has all the run's samples in the journal (no failing sample dropped);
- with the suite installed here, the run's own settings select exactly the problems that are
  scored, excluded or not run (none dropped from the journal and the lists alike);
- an exclusion is a claim about the benchmark, not the model: each excluded problem's reference
  is run again here, in the sandbox, through the same validation the run does
  (:func:`harness.runner.validate_references`, with this machine's validation cache); a reference
  that passes here, or that cannot be run here, refuses the run.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from harness.config import RESUME_KEYS, RunConfig
from harness.errors import HwevalError
from harness.results import EXECUTIONS, ExecutionRecord
from harness.types import Status

#: the recorded settings a re-evaluation takes from a run: those that define its problems and
#: verdicts (the resume key), never its executor, servers or folders
RUN_KEYS = RESUME_KEYS
#: the longest per-sample wall limit a recorded run can ask a re-evaluation here for (seconds)
MAX_TIMEOUT_S = 3600.0


@dataclass
class PublishChecks:
    """How ``publish`` may check runs here: the sandbox and workers that re-run references (and,
    with ``rescore``, every completion). ``sandbox=None``: each run's own (``none`` becomes
    ``local``: publish never runs a submitted answer unisolated)."""

    sandbox: str | None = None
    workers: int | None = None
    rescore: bool = False
    #: suite -> the benchmark source (``--data``) a re-evaluation reads, given by the maintainer
    data: dict[str, str] = field(default_factory=dict)

    def run_config(self, run: dict[str, Any], **extra: Any) -> RunConfig:
        """The run's recorded settings that say WHAT was evaluated (:data:`RUN_KEYS`: suites,
        problems, samples, seed, data, suite options, multi-turn settings, the timeout up to
        :data:`MAX_TIMEOUT_S`), with this machine's sandbox and workers. How and where it is
        evaluated is never the submitter's: the executor is always local (a recorded Ray address
        would send the re-evaluation to the submitter's own workers: red team 8b S1), and no
        server, cache or output setting of the run is used."""
        sandbox = self.sandbox or run.get("sandbox") or "local"
        kept = {k: run[k] for k in RUN_KEYS if k in run}
        timeout = run.get("timeout_s")
        if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and 0 < timeout:
            kept["timeout_s"] = min(float(timeout), MAX_TIMEOUT_S)
        return RunConfig.from_json({**kept, **extra, "sandbox": "local" if sandbox == "none" else sandbox,
                                    "allow_unsandboxed": False, "executor": "local", "ray_address": None,
                                    "workers": self.workers or run.get("workers") or 1})


def _ids(entries: Any) -> list[str]:
    return [str(e.get("problem_id")) for e in entries or [] if isinstance(e, dict)]


def scope_reasons(name: str, s: dict[str, Any], recs: list[ExecutionRecord], run: dict[str, Any],
                  checks: PublishChecks) -> tuple[list[str], set[str]]:
    """Why suite ``name``'s excluded/not-run lists cannot be trusted, and the problems it scores."""
    from harness.summary import final_records

    excluded, not_run = _ids(s.get("excluded")), _ids(s.get("not_run"))
    final = final_records(recs)
    samples: dict[str, set[int]] = defaultdict(set)
    for rec in final:
        samples[rec.problem_id].add(rec.sample_idx)
    reasons = [f"problem {p} is listed both as excluded and as not run" for p in sorted(set(excluded) & set(not_run))]
    reasons += [f"problem {p} is listed as not run (its reference could not run), but {EXECUTIONS} holds "
                f"{len(samples[p])} evaluated sample(s) of it: the harness never evaluates such a problem"
                for p in sorted(set(not_run) & set(samples))]
    scored = set(samples) - set(excluded) - set(not_run)
    n_samples = run.get("n_samples")
    if isinstance(n_samples, int):
        reasons += [f"problem {p} has {len(samples[p])} of the run's {n_samples} samples in {EXECUTIONS}"
                    for p in sorted(scored) if len(samples[p]) < n_samples]
    reasons += _suite_side(name, run, checks, excluded, samples, scored | set(excluded) | set(not_run),
                           str(s.get("content_hash") or ""))
    return reasons, scored


def _suite_side(name: str, run: dict[str, Any], checks: PublishChecks, excluded: list[str],
                samples: dict[str, set[int]], covered: set[str], content_hash: str) -> list[str]:
    """The checks that need the suite: the selection, and each exclusion's reference run here."""
    from harness import registry
    from harness.runner import make_suite, select

    if name not in registry.names("suites"):
        return _unchecked(name, f"suite {name} is not installed here", excluded, samples)
    try:
        cfg = checks.run_config(run, suites=[name])
        suite = make_suite(name, cfg)
        selected = {p.id: p for p in select(suite, cfg)[0]}
    except (HwevalError, OSError, ValueError, KeyError) as exc:
        return _unchecked(name, f"suite {name} cannot load its problems here with the run's settings: {exc}",
                          excluded, samples)
    reasons = [f"problem {p} is selected by the run's settings but neither scored, excluded nor listed as "
               f"not run in {EXECUTIONS}/results.json" for p in sorted(set(selected) - covered)]
    reasons += [f"problem {p} is not one the run's settings select" for p in sorted(covered - set(selected))]
    if reasons and content_hash and content_hash != suite.content_hash():
        reasons = [f"{r} (the run used another version of the suite: content {content_hash}, here "
                   f"{suite.content_hash()})" for r in reasons]
    todo = [selected[p] for p in excluded if p in selected]
    if todo:
        reasons += _revalidate(suite, todo, cfg)
    return reasons


#: suite -> why its problem selection (and exclusions without samples) could not be checked here
SCOPE_NOT_VERIFIED: dict[str, str] = {}


def _unchecked(name: str, why: str, excluded: list[str], samples: dict[str, set[int]]) -> list[str]:
    """Without the suite here: an exclusion of a problem with evaluated samples cannot be confirmed,
    so the run is refused; the selection is noted as not checked."""
    SCOPE_NOT_VERIFIED.setdefault(name, why)
    return [f"cannot confirm the exclusion of problem {p}: its reference cannot be run here ({why})"
            for p in excluded if p in samples]


def _revalidate(suite: Any, problems: list[Any], cfg: RunConfig) -> list[str]:
    """Each excluded problem's reference against its own checks, here (infra_error: unconfirmed)."""
    from harness.runner import eval_context, make_sandbox, validate_references

    try:
        sandbox = make_sandbox(cfg)
    except HwevalError as exc:
        return [f"cannot confirm the exclusion of problem {p.id} here ({exc})" for p in problems]
    try:
        found = validate_references(suite, problems, eval_context(cfg, sandbox), cfg.workers)
    finally:
        sandbox.close()
    reasons = []
    for pid, v in sorted(found.items()):
        if v["status"] == Status.PASS:
            reasons.append(f"problem {pid} is excluded as if its reference failed validation, but its reference "
                           "passes here")
        elif v["status"] == Status.INFRA_ERROR:
            reasons.append(f"cannot confirm the exclusion of problem {pid}: its reference could not run here "
                           f"({v['reason'][:200]})")
    return reasons

