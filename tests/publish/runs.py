"""Synthetic run folders in the real results.json format (harness.summary), for fast tests."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from harness.config import RunConfig
from harness.metrics import mean_stats, pass_at_k_table
from harness.results import RESULTS_SCHEMA


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
    metrics: dict[str, Any] = {"syntax_rate": mean_stats([1.0] * len(per_problem))}
    metrics.update(pass_at_k_table(per_problem))
    metrics.update(extra_metrics or {})
    suite_entry = {
        "n_problems": len(per_problem), "n_samples": n_samples, "content_hash": content_hash,
        "suite_version": version, "family": family, "metrics": metrics, "excluded": excluded or [],
        "status_counts": {k: v for k, v in counts.items() if v}, "complete": complete,
        "per_problem": {pid: {"n": n, "c": c} for pid, (n, c) in per_problem.items()},
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
    if mtime is not None:
        os.utime(run_dir / "results.json", (mtime, mtime))
    return run_dir
