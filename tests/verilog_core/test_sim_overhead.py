"""The cocotb simulation of a sample (Icarus, bubblewrap): what it loads, and what its asserts say.

cocotb sets up pytest's assertion rewriting with a pytest Config, which by default imports every
installed pytest plugin in each simulation (about half of a small test's CPU time); the job runs
with plugin autoloading off, and the rewritten messages of bare asserts stay.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.verilog_core import VerilogCoreSuite
from harness.families.verilog.cocotb_eval import evaluate_cocotb
from harness.families.verilog.extract import extract_verilog
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext
from harness.types import Status

pytestmark = pytest.mark.slow

TB = '''import sys

import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def no_third_party_pytest_plugin(dut):
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("xdist", "pytest_cov", "cocotb_tools.pytest"))
    assert not loaded, f"pytest plugins loaded in the simulation: {loaded}"


@cocotb.test()
async def bare_assert(dut):
    dut.a.value = 1
    dut.b.value = 0
    await Timer(1, unit="ns")
    y = int(dut.y.value)
    assert y == 5
'''


def test_no_plugin_is_loaded_and_a_bare_assert_keeps_its_rewritten_message(tmp_path: Path) -> None:
    pytest.importorskip("xdist")  # the plugin whose absence is checked must be installed
    problem = next(p for p in VerilogCoreSuite().problems() if p.id == "and_gate")
    candidate = extract_verilog(f"```verilog\n{problem.reference}```", "and_gate")
    assert candidate is not None
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, cache_dir=Path(os.environ["HWEVAL_CACHE"]))
    verdict = evaluate_cocotb(candidate, top="and_gate", tb_source=TB, ctx=ctx, lint=False)
    assert verdict.status is Status.FAIL, (verdict.reason, verdict.stages)
    function = verdict.stages["function"]
    assert (function.data["tests"], function.data["failed"]) == (2, 1), function  # the plugin check passed
    assert verdict.reason == "tb.bare_assert: assert 0 == 5", verdict.reason
