"""Helpers for tests: run the real CLI, write replay files, read run folders."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hweval(*args: str, env: dict[str, str] | None = None, timeout: float = 900,
           check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the real ``hweval`` command line in a subprocess."""
    full_env = {**os.environ, "HWEVAL_NO_PROGRESS": "1", **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT)
    if check and proc.returncode != 0:
        raise AssertionError(f"hweval {' '.join(args)} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def write_replay(path: Path, suite: str, problem_id: str, answers: list[str]) -> Path:
    with path.open("w") as fh:
        for i, text in enumerate(answers):
            fh.write(json.dumps({"suite": suite, "problem_id": problem_id, "sample_idx": i,
                                 "completion": text}) + "\n")
    return path


def executions(run_dir: Path) -> dict[int, dict]:
    out = {}
    for line in (run_dir / "executions.jsonl").read_text().splitlines():
        rec = json.loads(line)
        out[rec["sample_idx"]] = rec
    return out


def fenced(code: str) -> str:
    return f"Here you go.\n\n```verilog\n{code}\n```\n"
