"""evaluate_cocotb with trusted extra sources and a separate simulation top (``sim_top``): a
wrapper instantiates the candidate at two widths; the hierarchy rule applies to the candidate."""
from __future__ import annotations

import pytest

from harness.families.verilog.cocotb_eval import evaluate_cocotb
from harness.families.verilog.extract import extract_verilog
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext
from harness.types import Status, Verdict

pytestmark = pytest.mark.slow

WRAPPER = """module wrap(input [3:0] a4, input [3:0] b4, output [4:0] s4,
            input [7:0] a8, input [7:0] b8, output [8:0] s8, output ok8);
  wire [8:0] ref8;
  add #(.W(4)) u4 (.a(a4), .b(b4), .s(s4));
  add #(.W(8)) u8 (.a(a8), .b(b8), .s(s8));
  ref_add #(.W(8)) golden (.a(a8), .b(b8), .s(ref8));
  assign ok8 = (s8 === ref8);
endmodule
module ref_add #(parameter W = 4) (input [W-1:0] a, input [W-1:0] b, output [W:0] s);
  assign s = a + b;
endmodule
"""
PROVIDED = "module half_add(input x, input y, output s, output c); assign {c, s} = x + y; endmodule\n"
TB = """
import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def both_widths(dut):
    rng = random.Random(1)
    for _ in range(40):
        a4, b4, a8, b8 = rng.randrange(16), rng.randrange(16), rng.randrange(256), rng.randrange(256)
        dut.a4.value, dut.b4.value, dut.a8.value, dut.b8.value = a4, b4, a8, b8
        await Timer(1, unit="ns")
        assert int(dut.s4.value) == a4 + b4 and int(dut.ok8.value) == 1
"""
GOOD = "module add #(parameter W = 4) (input [W-1:0] a, input [W-1:0] b, output [W:0] s);\n  assign s = a + b;\nendmodule\n"
WITH_PROVIDED = """module add #(parameter W = 4) (input [W-1:0] a, input [W-1:0] b, output [W:0] s);
  wire unused_s, unused_c;
  half_add h (.x(a[0]), .y(b[0]), .s(unused_s), .c(unused_c));
  assign s = a + b;
endmodule
"""
USES_REFERENCE = """module add #(parameter W = 4) (input [W-1:0] a, input [W-1:0] b, output [W:0] s);
  ref_add #(.W(W)) r (.a(a), .b(b), .s(s));
endmodule
"""
UPWARD = """module add #(parameter W = 4) (input [W-1:0] a, input [W-1:0] b, output [W:0] s);
  assign s = (W == 8) ? golden.s : a + b;
endmodule
"""
WRONG = GOOD.replace("a + b", "a - b")
FORCES_INPUTS = """module add #(parameter W = 4) (input [W-1:0] a, input [W-1:0] b, output [W:0] s);
  initial if (W == 8) begin force a = 0; force b = 0; end
  assign s = (W == 8) ? 0 : a + b;
endmodule
"""


def run(code: str, tmp_path) -> Verdict:  # type: ignore[no-untyped-def]
    cand = extract_verilog(f"```verilog\n{code}```", "add")
    assert cand is not None
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path)
    return evaluate_cocotb(cand, top="add", tb_source=TB, ctx=ctx, lint=False, sim_top="wrap",
                           extra_sources={"wrap.v": WRAPPER}, provided_sources={"half_add.v": PROVIDED},
                           reference=GOOD)


@pytest.mark.parametrize("code, status, rule", [
    (GOOD, Status.PASS, None),
    (WITH_PROVIDED, Status.PASS, None),
    (WRONG, Status.FAIL, None),
    (USES_REFERENCE, Status.REJECTED, "foreign_module"),
    (UPWARD, Status.REJECTED, "hierarchical_reference"),
    (FORCES_INPUTS, Status.REJECTED, "force"),
], ids=["good", "provided-module", "wrong", "instantiates-trusted-module", "upward-reference", "forces-inputs"])
def test_extra_sources_and_sim_top(code: str, status: Status, rule: str | None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    v = run(code, tmp_path)
    assert (v.status, v.rule) == (status, rule), (v.status, v.rule, v.reason[:800], v.logs)
    if status == Status.PASS:
        assert v.stages["function"].data["tests"] == 1
