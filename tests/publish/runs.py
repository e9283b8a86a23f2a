"""Synthetic run folders in the real run-file formats, for fast tests.

The journal (executions.jsonl) is written first, one record per sample, and results.json's
numbers are computed from it by harness.summary, so ``publish`` finds them backed by the journal.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from harness.config import RunConfig
from harness.results import RESULTS_SCHEMA, ExecutionRecord
from harness.summary import generic_scores


def write_run(run_dir: Path, model: str, per_problem: dict[str, tuple[int, int]], *, suite: str = "toy-suite",
              family: str = "verilog", version: str = "1", content_hash: str = "0123456789abcdef",
              status_counts: dict[str, int] | None = None, complete: bool = True,
              extra_metrics: dict[str, Any] | None = None, mtime: float | None = None,
              excluded: list[dict[str, str]] | None = None, **settings: Any) -> Path:
    """A run folder whose results.json scores ``per_problem`` {id: (n, c)} for ``model``."""
    n_samples = max((n for n, _ in per_problem.values()), default=1)
    cfg = RunConfig(suites=[suite], model=model, n_samples=n_samples, out=str(run_dir), **settings)
    counts = status_counts if status_counts is not None else {
        "pass": sum(c for _, c in per_problem.values()), "fail": sum(n - c for n, c in per_problem.values())}
    records = journal(suite, per_problem, counts)
    scored = [pid for pid in per_problem if pid not in {e["problem_id"] for e in excluded or []}]
    computed = generic_scores(records, scored, 0)
    metrics: dict[str, Any] = {**computed["metrics"], **(extra_metrics or {})}
    suite_entry = {
        "n_problems": len(per_problem), "n_samples": n_samples, "content_hash": content_hash,
        "suite_version": version, "family": family, "metrics": metrics, "excluded": excluded or [],
        "status_counts": {k: v for k, v in counts.items() if v}, "complete": complete,
        "per_problem": {pid: {"n": n, "c": c} for pid, (n, c) in per_problem.items() if pid in scored},
    }
    config = {"run": cfg.to_json(), "config_hash": cfg.hash(), "backend": {"backend": model, "model": None},
              "sandbox": {"kind": "local", "image": None},
              "suites": {suite: {"version": version, "family": family, "content_hash": content_hash}},
              "harness_version": "0.1.0", "plugin_api_version": 1, "git_hash": "0" * 40, "python": "3.11.7",
              "platform": "test", "tools": {"iverilog": "Icarus Verilog version 11.0", "nvcc": None}}
    results = {"schema": RESULTS_SCHEMA, "suites": {suite: suite_entry}, "config": config, "complete": complete,
               "infra_errors": counts.get("infra_error", 0)}
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(config))
    (run_dir / "results.json").write_text(json.dumps(results))
    with (run_dir / "executions.jsonl").open("w") as fh:
        for rec in records:
            fh.write(json.dumps(rec.__dict__, sort_keys=True) + "\n")
    if mtime is not None:
        os.utime(run_dir / "results.json", (mtime, mtime))
    return run_dir


def journal(suite: str, per_problem: dict[str, tuple[int, int]], counts: dict[str, int]) -> list[ExecutionRecord]:
    """Records giving each problem ``c`` passes of ``n`` samples, the other statuses of ``counts``
    spread over the remaining samples (any left over are extra samples of the first problem)."""
    pool = [s for s, k in sorted(counts.items()) if s != "pass" for _ in range(k)]
    records = []
    for pid, (n, c) in per_problem.items():
        for i in range(n):
            status = "pass" if i < c else (pool.pop(0) if pool else "fail")
            records.append(ExecutionRecord(suite, pid, i, f"{pid}-{i}", status))
    first = next(iter(per_problem), "p")
    for j, status in enumerate(pool):
        records.append(ExecutionRecord(suite, first, per_problem.get(first, (0, 0))[0] + j, f"x-{j}", status))
    return records
