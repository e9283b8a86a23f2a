"""async_fifo under Verilator (#14): the testbench asserts the asynchronous resets with a real
falling edge, so a two-state simulator (whose reset nets start at 0, where driving 0 is no
edge) runs the reset blocks too. Before, the reference failed there ("cycle reset (both):
rempty_a: expected 1 got 0") and every fallback answer to this problem would have failed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.verilog_hard import VerilogHardSuite
from harness.families.verilog.extract import extract_verilog
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status, Verdict


def _verilator(code_of, tmp_path: Path) -> Verdict:  # type: ignore[no-untyped-def]
    suite = VerilogHardSuite(SuiteOptions(extra={"synth": "off", "lint": "off", "simulator": "verilator"}))
    problem = next(p for p in suite.problems() if p.id == "async_fifo")
    candidate = extract_verilog(f"```verilog\n{code_of(problem.reference)}```", problem.data["top"])
    assert candidate is not None
    # the session cache (tests/conftest.py): Verilator's runtime objects are prebuilt there once
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, cache_dir=Path(os.environ["HWEVAL_CACHE"]))
    return suite.evaluate(problem, candidate, ctx)


@pytest.mark.slow
def test_reference_passes_under_verilator(tmp_path: Path) -> None:
    verdict = _verilator(lambda ref: ref, tmp_path)
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)


@pytest.mark.slow
def test_wrong_reset_value_fails_under_verilator(tmp_path: Path) -> None:
    """The reset check is live under Verilator: an empty flag reset to 0 fails at the reset."""
    def code_of(ref: str) -> str:
        assert "rempty_r <= 1'b1;" in ref
        return ref.replace("rempty_r <= 1'b1;", "rempty_r <= 1'b0;", 1)
    verdict = _verilator(code_of, tmp_path)
    assert verdict.status is Status.FAIL, (verdict.reason, verdict.stages)
    assert "cycle reset (both): rempty_a: expected 1 got 0" in verdict.reason, verdict.reason
