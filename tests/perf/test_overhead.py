"""Evaluation overhead (issue 22): hweval vs the raw tools on the same distinct candidates.

``make bench`` runs these with ``-s`` and they print both walls and the ratios. Each bench runs,
per round and interleaved, the raw loop and hweval (bubblewrap sandbox, warm workers, every
integrity check on; lint, synthesis and reference validation off; deduplication and the verdict
cache off, and cannot apply anyway: every candidate is distinct, and each round's differ from
the others'):

- the evaluation path (``harness.execute.judge`` on 2 threads, workers warm) against the raw
  iverilog+vvp loop: ratio of medians at most 1.10;
- the whole ``hweval run`` (subprocess: start-up, journal, results.json) against the raw loop on
  ``RUN_PER_PROBLEM`` candidates per problem, ``RUN_ROUNDS`` rounds of both sides back to back:
  median of the rounds' ratios at most 1.10, each wall printed with the machine's load (load
  average, the rest of the machine's share of the CPUs, the side's own CPU time:
  :mod:`tests.perf.loadmeter`);
- cocotb and HLS C-simulation: whole ``hweval run`` on the full set and on one candidate per
  problem; the *marginal* ratio (what the candidates beyond one per problem cost on each side,
  hweval's fixed start-up left out) is asserted.

docs/performance.md has the numbers and their conditions. Sizes: ``HWEVAL_BENCH_ROUNDS``
(default 3), ``HWEVAL_BENCH_PER_PROBLEM`` (default 60 for the evaluation path, a fifteenth of it
for cocotb (two rounds at most), a twentieth for HLS), ``HWEVAL_BENCH_RUN_PER_PROBLEM`` (300),
``HWEVAL_BENCH_RUN_ROUNDS`` (5).
"""
from __future__ import annotations

import os
import secrets
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.perf import loadmeter
from tests.perf import sidebyside as sb

#: in every candidate: no cache of an earlier benchmark run (csim results, verdicts) can answer
RUN = secrets.token_hex(3)
ROUNDS = int(os.environ.get("HWEVAL_BENCH_ROUNDS", "3"))
PER_PROBLEM = int(os.environ.get("HWEVAL_BENCH_PER_PROBLEM", "60"))
COMMON = ["-S", "synth=off", "-S", "lint=off", "-S", "validate=off", "-S", "verdict_cache=off", "-S", "dedup=off"]
#: candidates per problem of the whole-run bench (3 problems: 900 by default, a raw loop of about
#: 12 s on an idle 2-core machine, so that hweval's start-up weighs as it does in a real run)
RUN_PER_PROBLEM = int(os.environ.get("HWEVAL_BENCH_RUN_PER_PROBLEM", "300"))
#: rounds of the whole-run bench (each runs both sides back to back: its ratio is one vote)
RUN_ROUNDS = int(os.environ.get("HWEVAL_BENCH_RUN_ROUNDS", "5"))
#: bound on a whole ``hweval run``'s wall against the raw loop's (the issue's)
BOUND_RUN = float(os.environ.get("HWEVAL_BENCH_BOUND_RUN", "1.10"))
#: bound on hweval's evaluation path (evaluator API, warm) against the raw loop: the issue's
BOUND_EVAL = float(os.environ.get("HWEVAL_BENCH_BOUND_EVAL", "1.10"))
BOUND_COCOTB = float(os.environ.get("HWEVAL_BENCH_BOUND_COCOTB", "1.10"))
#: on warm workers the HLS marginal ratio was 1.03 here (1.26 with a sandbox per command)
BOUND_HLS = float(os.environ.get("HWEVAL_BENCH_BOUND_HLS", "1.25"))
#: peak RSS of the full run stays within this of the one-candidate-per-problem run's
RSS_SLACK_MB = 40.0


def test_evaluation_path_against_raw_iverilog() -> None:
    """hweval's per-candidate evaluation (the evaluator API on 2 threads, workers warm) against
    the raw loop on the same distinct candidates: the issue's 1.10 bound."""
    ev = sb.Evaluator("verilogeval-v2-spec", sb.V2, {"synth": "off", "lint": "off"})
    try:
        warm = sb.v2_candidates(1, tag=f"{RUN}warm")
        assert ev.run(warm)[1] == len(warm)  # workers started, testbench prepared, golden run cached
        raw, ours = sb.Side([], []), sb.Side([], [])
        n = 0
        for r in range(ROUNDS):
            cands = sb.v2_candidates(PER_PROBLEM, tag=f"{RUN}e{r}")
            n = len(cands)
            with tempfile.TemporaryDirectory() as raw_dir:
                wall, passed = sb.raw_iverilog(cands, Path(raw_dir))
            assert passed == n
            raw.full.append(wall)
            wall, passed = ev.run(cands)
            assert passed == n
            ours.full.append(wall)
    finally:
        ev.close()
    ratio = ours.median() / raw.median()
    print(f"\n[perf] evaluation path (VerilogEval-style testbench): {n} distinct candidates, {sb.WORKERS} threads, "
          f"{ROUNDS} interleaved rounds")
    print(f"[perf]   raw tools: {' '.join(f'{x:.2f}' for x in raw.full)} s; hweval: "
          f"{' '.join(f'{x:.2f}' for x in ours.full)} s; ratio of medians {ratio:.3f} (bound {BOUND_EVAL})")
    assert ratio <= BOUND_EVAL


def _v2_args(replay: Path, n: int) -> list[str]:
    return ["run", "--suite", "verilogeval-v2-spec", "--data", str(sb.V2), "--model", f"replay:{replay}",
            "--n-samples", str(n), "--problems", ",".join(sb.V2_PROBLEMS), *COMMON]


def test_whole_run_against_raw_iverilog(tmp_path: Path) -> None:
    """A whole ``hweval run`` (start-up, journal, results included) against the raw loop on the
    same distinct candidates (``RUN_PER_PROBLEM`` per problem), in ``RUN_ROUNDS`` rounds: each
    round runs both sides back to back (the side that goes first alternates), so both see about
    the same background load, and gives one ratio; the median of the rounds' ratios is at most the
    issue's 1.10. Every side's wall is printed with the machine's load, the rest of the machine's
    share of the CPUs and the side's own CPU time. The first round also runs one candidate per
    problem (hweval's fixed start-up, printed) and checks the peak RSS of the full run against
    that of the small one (it does not grow with the candidates)."""
    raw: list[loadmeter.Sample] = []
    ours: list[loadmeter.Sample] = []
    rss: dict[int, float] = {}
    n_full = 0
    small = _small_run(tmp_path, rss)
    for r in range(RUN_ROUNDS):
        cands = sb.v2_candidates(RUN_PER_PROBLEM, tag=f"{RUN}r{r}")
        replay = sb.write_replay(tmp_path / f"r{r}.jsonl", "verilogeval-v2-spec", cands)
        n_full = len(cands)
        sides = [(raw, _raw_side(cands)),
                 (ours, _hweval_side(replay, RUN_PER_PROBLEM, tmp_path / f"run-{r}", n_full, rss))]
        for walls, side in sides if r % 2 == 0 else sides[::-1]:
            with loadmeter.measure() as sample:
                side()
            walls.append(sample)
    ratios, ratio = loadmeter.paired_ratios([x.wall_s for x in raw], [x.wall_s for x in ours])
    print(f"\n[perf] VerilogEval-style testbench (iverilog + vvp), whole hweval run: {n_full} distinct candidates, "
          f"{sb.WORKERS} workers, {RUN_ROUNDS} rounds ({os.cpu_count()} CPUs)")
    for r, (a, b) in enumerate(zip(raw, ours, strict=True)):
        print(f"[perf]   round {r}: raw {a.text()}; hweval {b.text()}; ratio {ratios[r]:.3f}")
    cpu = [b.cpu_s / a.cpu_s for a, b in zip(raw, ours, strict=True) if a.cpu_s and b.cpu_s]
    print(f"[perf]   median of the rounds' ratios {ratio:.3f} (bound {BOUND_RUN})"
          + (f"; CPU time hweval/raw, median {statistics.median(cpu):.3f}" if cpu else "")
          + f"; hweval's fixed start-up (one candidate per problem) {small:.2f} s")
    print(f"[perf]   peak RSS: {rss[1]:.0f} MB at {len(sb.V2_PROBLEMS)} candidates, {rss[RUN_PER_PROBLEM]:.0f} MB at "
          f"{n_full}")
    assert rss[RUN_PER_PROBLEM] <= rss[1] + RSS_SLACK_MB
    assert ratio <= BOUND_RUN


def _small_run(tmp_path: Path, rss: dict[int, float]) -> float:
    """hweval on one candidate per problem: its fixed start-up (wall) and a peak RSS to compare with."""
    cands = sb.v2_candidates(1, tag=f"{RUN}small")
    replay = sb.write_replay(tmp_path / "small.jsonl", "verilogeval-v2-spec", cands)
    side = _hweval_side(replay, 1, tmp_path / "run-small", len(cands), rss)
    side()
    return side.wall


def test_the_run_verdict_fails_a_slower_hweval() -> None:
    """The whole-run verdict is the median of paired ratios: a hweval 20% slower in most rounds
    fails it whatever the load did between rounds; one slow round (a load spike) does not."""
    raw = [20.0, 45.0, 30.0, 60.0, 25.0]  # the load changed a lot between rounds
    slower = [x * f for x, f in zip(raw, [1.2, 1.25, 0.95, 1.18, 1.3], strict=True)]
    assert loadmeter.paired_ratios(raw, slower)[1] > BOUND_RUN
    spiky = [x * f for x, f in zip(raw, [1.02, 1.9, 0.98, 1.05, 0.97], strict=True)]
    assert loadmeter.paired_ratios(raw, spiky)[1] <= BOUND_RUN


class _Timed:
    """One side of a round: call it to run; ``wall`` afterwards."""

    def __init__(self, fn: Callable[[], float]) -> None:
        self.fn, self.wall = fn, 0.0

    def __call__(self) -> None:
        self.wall = self.fn()


def _raw_side(cands: list[sb.Cand]) -> _Timed:
    def go() -> float:
        with tempfile.TemporaryDirectory() as raw_dir:
            wall, passed = sb.raw_iverilog(cands, Path(raw_dir))
        assert passed == len(cands)
        return wall

    return _Timed(go)


def _hweval_side(replay: Path, per: int, out: Path, n: int, rss: dict[int, float]) -> _Timed:
    def go() -> float:
        run = sb.hweval_run(_v2_args(replay, per), out)
        assert run.counts == {"pass": n}, run.counts
        rss[per] = max(rss.get(per, 0.0), run.peak_rss_mb)
        return run.wall_s

    return _Timed(go)


def test_cocotb_path_against_the_raw_runner(tmp_path: Path) -> None:
    per_problem = max(2, PER_PROBLEM // 15)
    raw, ours = sb.Side([], []), sb.Side([], [])
    n_full = n_small = 0
    for r in range(min(ROUNDS, 2)):  # a cocotb candidate costs about a second: two rounds
        for per, walls_raw, walls_ours in ((per_problem, raw.full, ours.full), (1, raw.small, ours.small)):
            cands, tbs = sb.core_candidates(per, tag=f"{RUN}r{r}n{per}")
            replay = sb.write_replay(tmp_path / f"r{r}-{per}.jsonl", "verilog-core", cands)
            with tempfile.TemporaryDirectory() as raw_dir:
                wall, passed = sb.raw_cocotb(cands, tbs, Path(raw_dir))
            assert passed == len(cands)
            walls_raw.append(wall)
            run = sb.hweval_run(["run", "--suite", "verilog-core", "--model", f"replay:{replay}", "--n-samples",
                                 str(per), "--problems", ",".join(sb.CORE_PROBLEMS), *COMMON],
                                tmp_path / f"run-{r}-{per}")
            assert run.counts == {"pass": len(cands)}, run.counts
            walls_ours.append(run.wall_s)
            n_full, n_small = (len(cands), n_small) if per == per_problem else (n_full, len(cands))
    _, marginal = sb.report("cocotb (verilog-core, cocotb runner per candidate)", n_full, n_small, raw, ours)
    assert marginal <= BOUND_COCOTB


def test_hls_csim_path_against_raw_gxx(tmp_path: Path) -> None:
    per_item = max(2, PER_PROBLEM // 20)
    items = 4
    raw, ours = sb.Side([], []), sb.Side([], [])
    n_full = n_small = 0
    for r in range(ROUNDS):
        for per, walls_raw, walls_ours in ((per_item, raw.full, ours.full), (1, raw.small, ours.small)):
            cands, tbs, lines = sb.hls_candidates(items, per, tag=f"{RUN}r{r}n{per}")
            replay = tmp_path / f"r{r}-{per}.jsonl"
            replay.write_text("\n".join(lines) + "\n")
            raw_root = tmp_path / "raw"
            raw_root.mkdir(exist_ok=True)
            wall, passed = sb.raw_hls(cands, tbs, raw_root)
            assert passed == len(cands)
            walls_raw.append(wall)
            run = sb.hweval_run(["run", "--suite", "hls-bugs", "--model", f"replay:{replay}", "--n-samples", str(per),
                                 "--problems", ",".join(sorted(tbs)), "-S", "validate=off", "-S",
                                 "verdict_cache=off"], tmp_path / f"run-{r}-{per}")
            assert run.counts == {"pass": len(cands)}, run.counts
            walls_ours.append(run.wall_s)
            n_full, n_small = (len(cands), n_small) if per == per_item else (n_full, len(cands))
    _, marginal = sb.report("HLS C-simulation (hls-bugs fixes, every build)", n_full, n_small, raw, ours)
    assert marginal <= BOUND_HLS
