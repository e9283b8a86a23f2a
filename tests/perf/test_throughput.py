"""Harness throughput on many small candidates vs the raw simulator doing the same work.

Run with `make bench`. Prints ratios measured in this one run (target: harness wall time /
raw simulator wall time <= 1.25 with the same number of workers); it is a report, not a
timed unit test.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.verilog_core import VerilogCoreSuite
from harness.families.verilog.mutate import mutations
from harness.proc import run_process
from tests.helpers import ROOT, hweval

PROBLEMS = ["and_gate", "mux4_w8", "decoder3to8", "parity16", "bin2gray8", "cmp8", "abs_diff8"]  # no loops: no hangs
# 7 problems x 144 = 1008 distinct candidates by default (issue 9 asks for 1,000+); set
# HWEVAL_BENCH_PER_PROBLEM lower for a quick look
PER_PROBLEM = int(os.environ.get("HWEVAL_BENCH_PER_PROBLEM", "144"))
WORKERS = int(os.environ.get("HWEVAL_BENCH_WORKERS", str(os.cpu_count() or 1)))


def _candidates() -> list[tuple[str, int, str, str, str]]:
    """(problem, sample, code, tb, top): the reference and distinct mutants of small problems."""
    suite = VerilogCoreSuite()
    out = []
    for p in suite.problems():
        if p.id not in PROBLEMS:
            continue
        variants = [p.reference] + [m.apply(p.reference) for m in mutations(p.reference)]
        for i in range(PER_PROBLEM):
            # a distinct token stream per sample, so deduplication cannot shortcut the work
            base = variants[i % len(variants)]
            cut = base.rindex("endmodule")
            code = base[:cut] + f"  localparam HWEVAL_VARIANT = {i};\n" + base[cut:]
            out.append((p.id, i, code, p.data["tb"], p.data["top"]))
    return out


def _raw(cands, workdir: Path) -> float:
    def one(c):
        pid, i, code, tb, top = c
        d = workdir / f"{pid}-{i}"
        d.mkdir()
        (d / "design.v").write_text(code)
        (d / "tb.py").write_text(tb)
        # run_process kills the whole group at the timeout: no simulator outlives a hung candidate
        run_process([sys.executable, str(Path(__file__).with_name("rawsim.py")), str(d / "design.v"),
                     str(d / "tb.py"), top], timeout_s=300)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(one, cands))
    return time.monotonic() - start


def test_harness_vs_raw_simulator(tmp_path: Path) -> None:
    cands = _candidates()
    n = PER_PROBLEM
    replay = tmp_path / "cands.jsonl"
    with replay.open("w") as fh:
        for pid, i, code, _, _ in cands:
            fh.write(json.dumps({"suite": "verilog-core", "problem_id": pid, "sample_idx": i,
                                 "completion": f"```verilog\n{code}\n```"}) + "\n")
    with tempfile.TemporaryDirectory() as raw_dir:
        raw = _raw(cands, Path(raw_dir))
    start = time.monotonic()
    hweval("run", "--suite", "verilog-core", "--model", f"replay:{replay}", "--n-samples", str(n),
           "--problems", ",".join(PROBLEMS), "--workers", str(WORKERS), "-S", "lint=off",
           "-S", "validate=off", "--out", str(tmp_path / "run"), check=True)
    harness_wall = time.monotonic() - start
    start = time.monotonic()
    hweval("run", "--suite", "verilog-core", "--model", f"replay:{replay}", "--n-samples", str(n),
           "--problems", ",".join(PROBLEMS), "--workers", str(WORKERS), "-S", "validate=off",
           "--out", str(tmp_path / "run-lint"), check=True)
    lint_wall = time.monotonic() - start
    ratio = harness_wall / raw
    print(f"\n[perf] {len(cands)} candidates, {WORKERS} workers")
    print(f"[perf] raw cocotb runner: {raw:.2f} s; hweval (bubblewrap, lint off): {harness_wall:.2f} s")
    print(f"[perf] ratio harness/raw = {ratio:.3f} (target <= 1.25; issue 9: <= 1.15 with all workers busy)")
    print(f"[perf] with the Verilator lint opinion on: {lint_wall:.2f} s, ratio {lint_wall / raw:.3f}")
    assert (tmp_path / "run" / "results.json").exists()
    assert ROOT.exists()
