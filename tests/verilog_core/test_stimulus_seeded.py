"""Every verilog-core and verilog-hard testbench's stimulus depends on the run's seed (issue 14):
a testbench that sweeps its inputs in a fixed order at fixed times can be passed by an answer
that ignores its inputs and plays back the outputs by time (test_memorised_order.py).

Statically, for every tb.py: it (or a shared tb_models module it imports) calls ``tb_rng`` /
``tb_seed`` or reads ``HWEVAL_TB_SEED``. Dynamically, for a few: the reference run with two
seeds is given a different input sequence (recorded from the simulator)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from benchmarks.verilog_core import VerilogCoreSuite
from benchmarks.verilog_hard import VerilogHardSuite
from harness.types import Problem
from tests.verilog_core.rawcocotb import run

SEED_CALLS = {"tb_rng", "tb_seed"}
SEED_ENV = "HWEVAL_TB_SEED"


def _problems() -> list[Problem]:
    return [*VerilogCoreSuite().problems(), *VerilogHardSuite().problems()]


def reaches_seed(source: str, models: dict[str, str], seen: frozenset[str] = frozenset()) -> bool:
    """``source`` calls tb_rng/tb_seed, reads HWEVAL_TB_SEED, or imports a module of ``models``
    (file name -> text) that does."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in SEED_CALLS:
                return True
        elif isinstance(node, ast.Constant) and node.value == SEED_ENV:
            return True
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for mod in names:
                file = f"{mod}.py"
                if file in models and file not in seen and reaches_seed(models[file], models, seen | {file}):
                    return True
    return False


@pytest.mark.parametrize("problem", _problems(), ids=lambda p: f"{p.suite}/{p.id}")
def test_every_testbench_draws_its_stimulus_from_the_run_seed(problem: Problem) -> None:
    assert reaches_seed(problem.data["tb"], problem.data.get("tb_models", {})), (
        f"{problem.path}/tb.py never calls tb_rng/tb_seed nor reads {SEED_ENV}: its stimulus order is "
        "the same every run (shuffle the sweep with harness.tbkit.tb_rng)")


FIXED = """
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def exhaustive(dut):
    for a in (0, 1):
        for b in (0, 1):
            dut.a.value, dut.b.value = a, b
            await Timer(1, unit="ns")
"""
MODELS = {"stim.py": "from harness.tbkit import tb_rng\nORDER = tb_rng('x').sample(range(4), 4)\n"}


def test_the_static_check_refuses_a_fixed_sweep_and_follows_shared_models() -> None:
    assert not reaches_seed(FIXED, {})
    assert not reaches_seed(FIXED + "\nimport random\nrng = random.Random(20261129)\n", {})
    assert not reaches_seed(FIXED + "\nSEED = 'HWEVAL_TB_SEEDS'\n", {})
    assert reaches_seed(FIXED + "\nfrom harness.tbkit import tb_rng\nrng = tb_rng('and')\n", {})
    assert reaches_seed(FIXED + "\nimport harness.tbkit as k\nrng = k.tb_rng()\n", {})
    assert reaches_seed(FIXED + "\nimport os\nSEED = int(os.environ['HWEVAL_TB_SEED'])\n", {})
    assert reaches_seed(FIXED + "\nfrom stim import ORDER\n", MODELS)
    assert not reaches_seed(FIXED + "\nfrom stim import ORDER\n", {})
    assert not reaches_seed(FIXED + "\nfrom other import ORDER\n", MODELS)


# small ones (a few hundred checks) from the 14 that swept in a fixed order, and one seeded before
DYNAMIC = ("and_gate", "bcd_to_7seg", "decoder3to8", "onehot_to_bin8", "rise_edge")


@pytest.mark.slow
@pytest.mark.parametrize("pid", DYNAMIC)
def test_the_reference_sees_a_different_input_sequence_under_another_seed(pid: str, tmp_path: Path) -> None:
    problem = next(p for p in VerilogCoreSuite().problems() if p.id == pid)
    ref = problem.reference
    assert ref is not None
    one, two = (run(problem, ref, tmp_path, seed) for seed in (11, 12))
    assert one.passed and two.passed, (pid, one.passed, two.passed)
    assert one.trace.count("\n") > 4, one.trace[:200]  # the trace did record the stimulus
    assert one.trace != two.trace, f"{pid}: the same input sequence under seeds 11 and 12"
    again = run(problem, ref, tmp_path / "again", 11)
    assert again.trace == one.trace  # and the seed alone decides it (replayable)
