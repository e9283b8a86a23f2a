"""Known gap (issue 14, found while closing red team round 4 item 7): verilog-core testbenches
that sweep every input in a fixed order at fixed times (and_gate, mult8u, lzc16 ... 14 of them;
the others draw from ``tb_rng``, seeded per run) can be passed by an answer that ignores its
inputs and plays back the outputs by time. The fix belongs in the testbenches (shuffle the sweep
with ``tb_rng``); this test turns into a failure (strict xfail) when and_gate's is fixed."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.api import load_suite
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status

PLAYBACK = ("module and_gate(input wire a, input wire b, output reg y);\n  timeunit 1ns; timeprecision 1ps;\n"
            "  initial begin y = 0; #3.5 y = 1; end\nendmodule\n")


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="and_gate's testbench sweeps its inputs in a fixed order (known gap)")
def test_a_time_playback_does_not_pass_and_gate(tmp_path: Path) -> None:
    suite = load_suite("verilog-core", SuiteOptions(extra={"synth": "off"}))
    problem = next(p for p in suite.problems() if p.id == "and_gate")
    cand = suite.extract(problem, Completion(suite.name, problem.id, 0, f"```verilog\n{PLAYBACK}```"))
    assert cand is not None
    verdict = suite.evaluate(problem, cand, EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path))
    assert verdict.status != Status.PASS, verdict.reason
