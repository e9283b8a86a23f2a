"""The Verilog system prompt states how candidates are compiled: as SystemVerilog 2012, where
SystemVerilog keywords are reserved. A design that is legal Verilog-2005 but names a signal `dist`
is a syntax error here, so the prompt must say so (an independent solver lost a problem to it)."""
from __future__ import annotations

import pytest

from harness.families.verilog.cocotb_eval import evaluate_cocotb
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.prompt import SYSTEM
from harness.families.verilog.tbeval import ICARUS_FLAGS
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext
from harness.types import Status

TB = """
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def adds(dut):
    for a in range(16):
        for b in range(16):
            dut.a.value, dut.b.value = a, b
            await Timer(1, unit="ns")
            assert int(dut.s.value) == a + b
"""
DESIGN = """module add (input [3:0] a, input [3:0] b, output [4:0] s);
  wire [4:0] NAME;
  assign NAME = a + b;
  assign s = NAME;
endmodule
"""


def test_prompt_names_the_language_mode_the_compiler_uses() -> None:
    assert "-g2012" in ICARUS_FLAGS
    assert "iverilog -g2012" in SYSTEM and "dist" in SYSTEM


@pytest.mark.slow
@pytest.mark.parametrize("name, status", [("total", Status.PASS), ("dist", Status.SYNTAX_ERROR),
                                          ("logic", Status.SYNTAX_ERROR)])
def test_systemverilog_keyword_as_identifier(name: str, status: Status, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = DESIGN.replace("NAME", name)
    cand = extract_verilog(f"```verilog\n{code}```", "add")
    assert cand is not None
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path)
    verdict = evaluate_cocotb(cand, top="add", tb_source=TB, ctx=ctx, lint=False, reference=DESIGN.replace("NAME", "t"))
    assert verdict.status is status, verdict.reason
