"""Stimulus cannot be memorised (red-team finding: verilog-hard booth_mul_debug passed with a case
table of the public testbench's default-seed vectors). Every cocotb evaluation draws a fresh,
unpredictable ``HWEVAL_TB_SEED``; the seed used is recorded for reproduction."""
from __future__ import annotations

import random

import pytest

from harness.families.verilog.cocotb_eval import evaluate_cocotb
from harness.families.verilog.extract import extract_verilog
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext
from harness.tbkit.core import DEFAULT_SEED
from harness.types import Status, Verdict

pytestmark = pytest.mark.slow

TB = """
import os, random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def random_products(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "DEFAULT")))
    for _ in range(24):
        a, b = rng.randrange(1 << 12), rng.randrange(1 << 12)
        dut.a.value, dut.b.value = a, b
        await Timer(1, unit="ns")
        assert int(dut.p.value) == a * b, (a, b, int(dut.p.value))
""".replace("DEFAULT", str(DEFAULT_SEED))
GOOD = "module mul12(input [11:0] a, input [11:0] b, output [23:0] p);\n  assign p = a * b;\nendmodule\n"


def memorised(seed: int) -> str:
    """No multiplier: the products of the vectors the testbench draws with ``seed``."""
    rng = random.Random(seed)
    pairs = [(rng.randrange(1 << 12), rng.randrange(1 << 12)) for _ in range(24)]
    arms = "".join(f"      24'h{(a << 12) | b:06x}: p = 24'd{a * b};\n" for a, b in pairs)
    return ("module mul12(input [11:0] a, input [11:0] b, output reg [23:0] p);\n  always @* begin\n"
            f"    case ({{a, b}})\n{arms}      default: p = 24'd0;\n    endcase\n  end\nendmodule\n")


def run(code: str, tmp_path) -> Verdict:  # type: ignore[no-untyped-def]
    cand = extract_verilog(f"```verilog\n{code}```", "mul12")
    assert cand is not None
    return evaluate_cocotb(cand, top="mul12", tb_source=TB, ctx=EvalContext(sandbox=BubblewrapSandbox(),
                                                                             scratch_root=tmp_path), lint=False)


def test_a_table_of_the_default_seed_vectors_fails(tmp_path) -> None:  # type: ignore[no-untyped-def]
    v = run(memorised(DEFAULT_SEED), tmp_path)
    assert v.status == Status.FAIL, (v.status, v.reason[:300])


def test_honest_answer_passes_with_a_fresh_recorded_seed_each_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    seeds = []
    for _ in range(2):
        v = run(GOOD, tmp_path)
        assert v.status == Status.PASS, (v.status, v.reason[:300])
        seeds.append(v.stages["function"].data["tb_seed"])
    assert len(set(seeds)) == 2 and DEFAULT_SEED not in seeds
