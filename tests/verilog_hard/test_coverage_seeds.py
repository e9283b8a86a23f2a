"""Stimulus coverage that the testbench asserts must hold for every seed, not most: pipe5_cpu's
three random programs missed its stall/branch coverage for about one seed in ten, so its own
reference failed one evaluation in ten once every evaluation drew a fresh seed."""
from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tb(problem: str):  # type: ignore[no-untyped-def]
    path = ROOT / "benchmarks" / "verilog_hard" / "problems" / problem / "tb.py"
    spec = importlib.util.spec_from_file_location(f"hweval_tb_{problem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def test_pipe5_cpu_reaches_its_coverage_under_every_seed() -> None:
    tb = _tb("pipe5_cpu")
    for seed in range(300):
        probe = tb.Cpu()
        for prog, dmem in tb.programs_with_coverage(random.Random(seed)):
            probe.start(prog, dmem, 170)
        assert probe.counts["stall"] >= 8 and probe.counts["taken"] >= 20, (seed, probe.counts)


def test_pkt_deframer_wrap_phase_wraps_every_counter_under_every_seed() -> None:
    tb = _tb("pkt_deframer")
    for seed in range(100):
        probe = tb.Parser(tb.Scoreboard("probe"))
        for b in tb.wrapping_stream(random.Random(seed), (0.34, 0.34, 0.32, 0.0)):
            probe.accept(b)
        assert probe.wrapped(), seed


def test_win3x3_stimulus_runs_on_until_every_lane_has_its_traffic() -> None:
    from types import SimpleNamespace

    tb = _tb("win3x3_complete")
    thin = SimpleNamespace(lanes=[SimpleNamespace(sent_total=0, stalls=0, lasts=0)])
    assert sum(1 for _ in tb.stimulus(random.Random(1))) == 3002  # 2 reset cycles + 3000
    assert sum(1 for _ in tb.stimulus(random.Random(1), thin)) == 12002  # never covered: the cap
    full = SimpleNamespace(lanes=[SimpleNamespace(sent_total=900, stalls=60, lasts=30)])
    assert sum(1 for _ in tb.stimulus(random.Random(1), full)) == 3002
