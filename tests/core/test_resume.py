"""--resume after kill -9 at arbitrary moments gives the results of an uninterrupted run."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.helpers import ROOT, hweval

pytestmark = pytest.mark.slow

PROBLEMS = "and_gate,mux4_w8,decoder3to8,parity16"
ARGS = ["--suite", "verilog-core", "--model", "mutant", "--n-samples", "3", "--problems", PROBLEMS,
        "--workers", "2"]


def _start(out) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HWEVAL_NO_PROGRESS": "1"}
    return subprocess.Popen([sys.executable, "-m", "harness.cli", "run", *ARGS, "--out", str(out), "--resume"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _keys(path) -> list[tuple]:
    out = []
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        out.append((rec["suite"], rec["problem_id"], rec["sample_idx"]))
    return out


def _scores(run_dir) -> dict:
    res = json.loads((run_dir / "results.json").read_text())
    suite = res["suites"]["verilog-core"]
    return {"metrics": suite["metrics"], "status_counts": suite["status_counts"],
            "per_problem": suite["per_problem"], "complete": res["complete"]}


def test_resume_after_kill9_matches_uninterrupted_run(tmp_path) -> None:
    reference = tmp_path / "straight"
    hweval("run", *ARGS, "--out", str(reference), check=True)

    out = tmp_path / "killed"
    rng = random.Random(7)
    kills = 0
    for attempt in range(4):
        proc = _start(out)
        try:
            # three kills at random moments, then let it finish
            proc.wait(timeout=rng.uniform(1.0, 4.0) if attempt < 3 else 600)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            # simulate a kill in the middle of a journal write
            if (out / "executions.jsonl").exists() and kills == 2:
                with (out / "executions.jsonl").open("a") as fh:
                    fh.write('{"suite": "verilog-core", "problem_id": "and_g')
            continue
        assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
        break
    assert kills >= 1, "the run finished before any kill; make the test kill sooner"
    time.sleep(0.1)
    completions = _keys(out / "completions.jsonl")
    execs = _keys(out / "executions.jsonl")
    assert len(completions) == len(set(completions)) == 12
    assert len(execs) == len(set(execs)) == 12
    assert _scores(out) == _scores(reference)
