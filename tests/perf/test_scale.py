"""Scale benchmarks (issue 9), each a ratio measured in this one run; `make bench` prints them.

- the speed-up from deduplication at n=20, temperature 0 (every sample identical);
- hweval with all workers vs a plain one-subprocess-per-sample serial flow;
- peak memory of a 20,000-sample run (asserted under 400 MB).
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.verilog_core import VerilogCoreSuite
from harness.proc import run_process
from tests.helpers import ROOT, hweval

PROBLEMS = ["and_gate", "mux4_w8", "decoder3to8", "parity16", "bin2gray8", "cmp8"]
WORKERS = str(os.cpu_count() or 1)


def _timed(*args: str) -> float:
    start = time.monotonic()
    hweval(*args, check=True, timeout=7200)
    return time.monotonic() - start


def test_dedup_speedup_at_n20(tmp_path: Path) -> None:
    base = ["run", "--suite", "verilog-core", "--model", "reference", "--n-samples", "20", "--temperature", "0",
            "--problems", ",".join(PROBLEMS), "--workers", WORKERS, "-S", "validate=off", "-S", "lint=off",
            "-S", "synth=off"]
    on = _timed(*base, "--out", str(tmp_path / "dedup"))
    off = _timed(*base, "-S", "dedup=off", "--out", str(tmp_path / "nodedup"))
    print(f"\n[perf] n=20, temperature 0, {len(PROBLEMS)} problems: dedup {on:.1f} s, no dedup {off:.1f} s, "
          f"speed-up {off / on:.2f}x")


def test_against_serial_subprocess_flow(tmp_path: Path) -> None:
    suite = VerilogCoreSuite()
    problems = [p for p in suite.problems() if p.id in PROBLEMS]
    start = time.monotonic()
    for p in problems:  # the plain flow: one subprocess per sample, one after the other
        d = tmp_path / p.id
        d.mkdir()
        (d / "design.v").write_text(p.reference)
        (d / "tb.py").write_text(p.data["tb"])
        run_process([sys.executable, str(Path(__file__).with_name("rawsim.py")), str(d / "design.v"),
                     str(d / "tb.py"), p.data["top"]], timeout_s=600)
    serial = time.monotonic() - start
    harness_wall = _timed("run", "--suite", "verilog-core", "--model", "reference", "--problems",
                          ",".join(PROBLEMS), "--workers", WORKERS, "-S", "validate=off", "-S", "lint=off",
                          "-S", "synth=off", "--out", str(tmp_path / "run"))
    print(f"\n[perf] {len(problems)} samples: serial subprocess flow {serial:.1f} s, hweval with {WORKERS} "
          f"workers {harness_wall:.1f} s, ratio {harness_wall / serial:.2f}")


def test_peak_memory_20000_samples(tmp_path: Path) -> None:
    out = tmp_path / "big"
    env = {**os.environ, "HWEVAL_NO_PROGRESS": "1"}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "harness.cli", "run", "--suite", "verilog-core", "--model",
                           "reference", "--n-samples", "20000", "--problems", "and_gate", "-S", "validate=off",
                           "-S", "synth=off", "--out", str(out)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=7200)
    wall = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr[-2000:]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = sum(1 for _ in (out / "executions.jsonl").open())
    res = json.loads((out / "results.json").read_text())
    assert lines == 20000 and res["suites"]["verilog-core"]["n_samples"] == 20000
    print(f"\n[perf] 20,000 samples: peak RSS {peak_mb:.0f} MB (target < 400 MB), wall {wall:.1f} s")
    assert peak_mb < 400
