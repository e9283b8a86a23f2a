"""Issue 14 (found while closing red team round 4 item 7): 14 verilog-core testbenches swept every
input in a fixed order at fixed times, so an answer that ignores its inputs and plays back the
outputs by time passed them. They now visit the same vectors in an order drawn from the run's
seed (``tb_rng``), and the harness draws a fresh seed per evaluation.

The playback here is the strongest such answer: the outputs, by time, of the order the public
testbench draws with the default seed. It passes that testbench run with the default seed (so the
attack is real and the generator right), and fails the harness's evaluation."""
from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from benchmarks.verilog_core import VerilogCoreSuite
from harness.api import load_suite
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.tbkit import DEFAULT_SEED, tb_rng
from harness.types import Completion, Problem, Status
from tests.verilog_core.rawcocotb import run

pytestmark = pytest.mark.slow

# problem -> (module header with the outputs as regs, output port, expected output of one vector)
CASES: dict[str, tuple[str, str, Callable[[ModuleType, Any], int]]] = {
    "and_gate": ("module and_gate(input wire a, input wire b, output reg y);", "y", lambda tb, v: v[0] & v[1]),
    "bin2gray8": ("module bin2gray8(input wire [7:0] bin, output reg [7:0] gray);", "gray", lambda tb, v: v ^ (v >> 1)),
    "decoder3to8": ("module decoder3to8(input wire [2:0] a, input wire en, output reg [7:0] y);", "y",
                    lambda tb, v: tb.model(*v)),
}


def _problem(pid: str) -> Problem:
    return next(p for p in VerilogCoreSuite().problems() if p.id == pid)


def playback(problem: Problem, monkeypatch: pytest.MonkeyPatch) -> str:
    """An answer that never reads its inputs: at each check's time it outputs what the testbench
    expects there when run with the default seed."""
    header, out, expect = CASES[problem.id]
    assert f'stimulus(tb_rng("{problem.id}"))' in problem.data["tb"]  # the order the testbench draws
    assert problem.path is not None
    spec = importlib.util.spec_from_file_location(f"tb_{problem.id}", problem.path / "tb.py")
    assert spec is not None and spec.loader is not None
    tb = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tb)
    monkeypatch.delenv("HWEVAL_TB_SEED", raising=False)
    values = [expect(tb, vec) for vec in tb.stimulus(tb_rng(problem.id))]
    steps = "".join(f"    #{'0.5' if i == 0 else '1'} {out} = {v};\n" for i, v in enumerate(values))
    return f"{header}\n  timeunit 1ns; timeprecision 1ps;\n  initial begin\n{steps}  end\nendmodule\n"


@pytest.mark.parametrize("pid", sorted(CASES))
def test_the_default_seed_playback_passes_the_default_seed_run(pid: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _problem(pid)
    code = playback(problem, monkeypatch)
    assert run(problem, code, tmp_path / "default", DEFAULT_SEED).passed
    assert not run(problem, code, tmp_path / "other", DEFAULT_SEED + 1).passed


@pytest.mark.parametrize("pid", sorted(CASES))
def test_a_time_playback_does_not_pass(pid: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    suite = load_suite("verilog-core", SuiteOptions(extra={"synth": "off"}))
    problem = next(p for p in suite.problems() if p.id == pid)
    text = f"```verilog\n{playback(problem, monkeypatch)}```"
    cand = suite.extract(problem, Completion(suite.name, problem.id, 0, text))
    assert cand is not None
    ctx = EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path)
    verdict = suite.evaluate(problem, cand, ctx)
    assert verdict.status == Status.FAIL, (verdict.status, verdict.reason[:300])
    assert verdict.stages["function"].data["tb_seed"] != DEFAULT_SEED
    honest = suite.extract(problem, Completion(suite.name, problem.id, 0, f"```verilog\n{problem.reference}```"))
    assert honest is not None
    assert suite.evaluate(problem, honest, ctx).status == Status.PASS
