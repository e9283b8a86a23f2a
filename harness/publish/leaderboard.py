"""Build a ``hweval.leaderboard/1`` document from run folders.

Rules (DESIGN.md, "Verdict statuses" and issue 8):

- a run with any ``infra_error`` sample, or an unfinished run (no results.json, or
  ``complete: false``), is refused; every refused run is named with its reason;
- one row per (model, suite, settings); a newer run of the same key replaces the older
  ("newer": the later ``finished_at``, the time results.json was written; on a tie the run
  given later wins, and a run given on the command line beats a row already in the file);
- every suite on the board has one (suite_version, content_hash): runs given together that
  disagree are refused; rows kept from an existing file that disagree with the runs being
  published are dropped (and reported), so versions are never mixed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness
from harness.config import OPTION_ALIASES, alias_value
from harness.errors import DataError, UsageError
from harness.publish.schema import LEADERBOARD_SCHEMA, validate
from harness.publish.scope import PublishChecks
from harness.publish.verify import journal_reasons
from harness.results import RESULTS, read_json, read_results

#: run settings that change results; runs differing in any of them are separate rows
#: (a family setting such as the simulator is a suite option: its flag is an alias)
SETTINGS_KEYS = ("n_samples", "temperature", "max_tokens", "top_p", "seed", "data", "limit", "problems",
                 "suite_options")
#: the metric every family reports; used for default ordering and the per-model summary
HEADLINE = "pass@1"
_REASON_CHARS = 300


@dataclass
class Built:
    """A leaderboard document and what merging dropped from an existing file."""

    doc: dict[str, Any]
    replaced: list[str] = field(default_factory=list)  # "model/suite: old dir -> new dir"
    dropped: list[str] = field(default_factory=list)  # rows of an older suite version


def refusal_reasons(run_dir: Path, checks: PublishChecks | None = None) -> list[str]:
    """Why ``run_dir`` cannot be published (empty when it can)."""
    if not (run_dir / RESULTS).exists():
        return [f"{run_dir}: unfinished run, no {RESULTS} (evaluate it with `hweval evaluate {run_dir}` "
                f"or continue it with `hweval run --resume --out {run_dir}`)"]
    results = read_results(run_dir)
    reasons = []
    for name, s in sorted(results.get("suites", {}).items()):
        infra = int(s.get("status_counts", {}).get("infra_error", 0))
        if infra:
            reasons.append(f"{run_dir}: suite {name} has {infra} infra_error sample(s) "
                           "(see executions.jsonl; re-evaluate once the harness problem is fixed)")
        if not s.get("complete", False):
            reasons.append(f"{run_dir}: suite {name} is unfinished (complete: false; continue it with "
                           f"`hweval run --resume --out {run_dir}`)")
    if not reasons and results.get("infra_errors"):
        reasons.append(f"{run_dir}: {results['infra_errors']} infra_error sample(s)")
    if not reasons and not results.get("complete", False):
        reasons.append(f"{run_dir}: unfinished run (complete: false)")
    if not results.get("suites"):
        reasons.append(f"{run_dir}: {RESULTS} holds no suites")
    return reasons + [r for r in journal_reasons(run_dir, results, checks) if r not in reasons]


def _finished_at(run_dir: Path) -> str:
    mtime = (run_dir / RESULTS).stat().st_mtime
    return dt.datetime.fromtimestamp(mtime, dt.UTC).isoformat(timespec="seconds")


def settings_of(run: dict[str, Any]) -> dict[str, Any]:
    """The settings of a run's config (or of a published row: the same keys)."""
    out = {k: run.get(k) for k in SETTINGS_KEYS}
    options = dict(out["suite_options"] or {})
    for key, (_, default) in OPTION_ALIASES.items():  # runs and rows before 0.2 kept these as fields
        if run.get(key) not in (None, default):
            options.setdefault(key, alias_value(key, run[key]))
    out["suite_options"] = options
    # multi-turn settings only where used, so one-shot rows keep their settings hash
    if (run.get("rounds") or 1) > 1:
        out["rounds"] = run["rounds"]
    if run.get("agent"):
        out.update({k: run.get(k) for k in ("agent", "max_turns", "agent_tokens", "agent_wall_s")})
    return out


def short_hash(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


def as_stat(value: Any) -> dict[str, Any] | None:
    """A metric as {mean, stderr, ci95, n}; None when it is not a single number or a mean."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return {"mean": _num(value), "stderr": None, "ci95": [None, None], "n": None}
    if isinstance(value, dict) and "mean" in value and not isinstance(value["mean"], dict | list):
        ci = value.get("ci95") or [None, None]
        n = value.get("n")
        return {"mean": _num(value["mean"]), "stderr": _num(value.get("stderr")),
                "ci95": [_num(ci[0]), _num(ci[1])] if len(ci) == 2 else [None, None],
                "n": n if isinstance(n, int) and not isinstance(n, bool) else None}
    return None


def metric_order(names: set[str]) -> list[str]:
    """pass@1, pass@2, ..., syntax_rate, then the others alphabetically."""
    def key(m: str) -> tuple[int, int, str]:
        match = re.fullmatch(r"pass@(\d+)", m)
        if match:
            return (0, int(match.group(1)), m)
        return (1 if m == "syntax_rate" else 2, 0, m)
    return sorted(names, key=key)


def _num(v: Any) -> float | None:
    if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
        return float(v)
    return None


def _k_of(metric: str) -> int | None:
    head, sep, tail = metric.partition("@")
    return int(tail) if sep and head == "pass" and tail.isdigit() else None


def rows_from_results(run_dir: Path | str, results: dict[str, Any], finished_at: str) -> list[dict[str, Any]]:
    """One leaderboard row per suite of a run's results.json."""
    config = results.get("config", {})
    run = config.get("run", {})
    settings = settings_of(run)
    rows = []
    for name, s in sorted(results.get("suites", {}).items()):
        metrics: dict[str, Any] = {}
        other: dict[str, Any] = {}
        for metric, value in s.get("metrics", {}).items():
            stat = as_stat(value)
            if stat is None:
                other[metric] = value
            else:
                metrics[metric] = stat
        rows.append({
            "model": str(run.get("model") or "?"),
            "backend": config.get("backend"),
            "suite": name,
            "family": str(s.get("family") or config.get("suites", {}).get(name, {}).get("family") or "unknown"),
            "suite_version": str(s.get("suite_version", "")),
            "content_hash": str(s.get("content_hash", "")),
            "settings": settings,
            "settings_hash": short_hash(settings),
            "config_hash": str(config.get("config_hash") or short_hash(run)),
            "n_problems": int(s.get("n_problems", 0)),
            "n_samples": int(s.get("n_samples", 0)),
            "k_values": sorted(k for k in map(_k_of, metrics) if k is not None),
            "metrics": metrics,
            "other_metrics": other,
            "status_counts": {k: int(v) for k, v in sorted(s.get("status_counts", {}).items())},
            "per_problem": {pid: {"n": int(v["n"]), "c": int(v["c"])}
                            for pid, v in sorted(s.get("per_problem", {}).items())},
            "excluded": [{**e, "reason": str(e.get("reason", ""))[:_REASON_CHARS]} for e in s.get("excluded", [])],
            "scope": scope_of(s),
            "harness_version": str(config.get("harness_version", "")),
            "git_hash": config.get("git_hash"),
            "tools": {k: (None if v is None else str(v)) for k, v in sorted(config.get("tools", {}).items())},
            "sandbox": config.get("sandbox"),
            "run": {"dir": str(run_dir), "finished_at": finished_at},
        })
    return rows


def scope_of(s: dict[str, Any]) -> dict[str, Any]:
    """How many problems the suite loaded, dropped, excluded (by reason) and could not run."""
    return {"n_loaded": int(s.get("n_loaded", s.get("n_problems", 0))),
            "n_selected": int(s.get("n_selected", s.get("n_loaded", s.get("n_problems", 0)))),
            "load_exclusions": {str(k): int(v) for k, v in (s.get("load_exclusions") or {}).items()},
            "n_excluded": len(s.get("excluded", [])),
            "excluded_by_reason": {str(k): int(v) for k, v in (s.get("excluded_by_reason") or
                                                               Counter(e.get("status", "?") for e in
                                                                       s.get("excluded", []))).items()},
            "n_not_run": int(s.get("n_not_run", 0)),
            "not_run_by_reason": {str(k)[:_REASON_CHARS]: int(v) for k, v in (s.get("not_run_by_reason") or {}).items()}}


def load_runs(run_dirs: Sequence[Path], checks: PublishChecks | None = None) -> list[dict[str, Any]]:
    """Rows of every run, or UsageError naming every run that cannot be published and why. With
    ``checks.rescore`` every run that passes the other checks is also re-evaluated here, and its
    row holds the numbers computed here (:mod:`harness.publish.rescore`)."""
    from harness.publish.rescore import rescore_run

    reasons: list[str] = []
    rescored: dict[Path, dict[str, Any]] = {}
    for d in run_dirs:
        why = refusal_reasons(d, checks)
        if not why and checks is not None and checks.rescore:
            why, rescored[d] = rescore_run(d, read_results(d), checks)
        reasons += why
    if reasons:
        raise UsageError("refusing to publish:\n  " + "\n  ".join(reasons))
    rows = []
    for d in run_dirs:
        rows.extend(rows_from_results(d, rescored.get(d) or read_results(d), _finished_at(d)))
    return rows


def read_leaderboard(path: Path) -> dict[str, Any]:
    doc = read_json(path)
    validate(doc, path)
    return doc


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return (row["model"], row["suite"], row["settings_hash"])


def suite_versions(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """suite -> its one {family, suite_version, content_hash}; DataError when rows mix versions."""
    seen: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    families: dict[str, str] = {}
    for row in rows:
        seen[row["suite"]][(row["suite_version"], row["content_hash"])].append(row["run"]["dir"])
        families[row["suite"]] = row["family"]
    out = {}
    for suite, versions in sorted(seen.items()):
        if len(versions) > 1:
            detail = "; ".join(f"version {v} (content {h}): {', '.join(sorted(set(dirs)))}"
                               for (v, h), dirs in sorted(versions.items()))
            raise DataError(f"suite {suite}: runs of different suite versions cannot be mixed: {detail}")
        (version, content), = versions
        out[suite] = {"family": families[suite], "suite_version": version, "content_hash": content}
    return out


def merge(existing: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]) -> Built:
    """Rows of ``existing`` and ``new`` with one row per key, newest first (see module doc)."""
    versions = suite_versions(new)
    built = Built(doc={})
    kept_old = []
    for row in existing:
        settings = settings_of(row["settings"])  # rows published before the flag aliases became suite options
        row = {**row, "settings": settings, "settings_hash": short_hash(settings)}
        v = versions.get(row["suite"])
        if v is not None and (v["suite_version"], v["content_hash"]) != (row["suite_version"], row["content_hash"]):
            built.dropped.append(f"{row['model']}/{row['suite']} (version {row['suite_version']}, "
                                 f"content {row['content_hash']}, from {row['run']['dir']})")
        else:
            kept_old.append(row)
    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in [*kept_old, *new]:
        old = best.get(_key(row))
        if old is None or row["run"]["finished_at"] >= old["run"]["finished_at"]:
            if old is not None and old["run"]["dir"] != row["run"]["dir"]:
                built.replaced.append(f"{row['model']}/{row['suite']}: {old['run']['dir']} -> {row['run']['dir']}")
            best[_key(row)] = row
        else:
            built.replaced.append(f"{row['model']}/{row['suite']}: {row['run']['dir']} -> {old['run']['dir']}")
    rows = sorted(best.values(), key=_order)
    built.doc = {
        "schema": LEADERBOARD_SCHEMA,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "harness_version": harness.__version__,
        "suites": suite_versions(rows),
        "rows": rows,
        "models": model_summaries(rows),
    }
    validate(built.doc, "the leaderboard being built")
    return built


def headline(row: dict[str, Any]) -> float | None:
    stat = row["metrics"].get(HEADLINE)
    return stat["mean"] if stat else None


def _order(row: dict[str, Any]) -> tuple[Any, ...]:
    h = headline(row)
    return (row["family"], row["suite"], h is None, -(h or 0.0), row["model"], row["settings_hash"])


def model_summaries(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per model: the newest row of each suite, its headline metric and summed statuses."""
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_model[row["model"]].append(row)
    out: list[dict[str, Any]] = []
    for model, mrows in by_model.items():
        newest: dict[str, dict[str, Any]] = {}
        for row in mrows:
            if row["suite"] not in newest or row["run"]["finished_at"] > newest[row["suite"]]["run"]["finished_at"]:
                newest[row["suite"]] = row
        heads = {suite: headline(r) for suite, r in sorted(newest.items())}
        values = [v for v in heads.values() if v is not None]
        statuses: Counter[str] = Counter()
        for r in newest.values():
            statuses.update(r["status_counts"])
        out.append({"model": model, "n_rows": len(mrows), "suites": sorted(newest), "headline_metric": HEADLINE,
                    "headline": heads, "mean_headline": sum(values) / len(values) if values else None,
                    "status_counts": dict(sorted(statuses.items()))})
    out.sort(key=lambda m: (m["mean_headline"] is None, -(m["mean_headline"] or 0.0), m["model"]))
    return out


def build(run_dirs: Sequence[Path], existing: Path | None = None, checks: PublishChecks | None = None) -> Built:
    """The leaderboard of ``run_dirs``, merged into the rows of the file ``existing`` if given."""
    if not run_dirs:
        raise UsageError("publish: give at least one run folder")
    new = load_runs(run_dirs, checks)
    old = read_leaderboard(existing)["rows"] if existing is not None and existing.exists() else []
    return merge(old, new)
