"""Equivalence of surviving mutants with yosys (real tool, in the bubblewrap sandbox)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.families.verilog.equiv import input_ports, reset_port, verilog_equivalence
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext
from harness.types import Problem

FIXTURES = Path(__file__).parent / "fixtures"

ALU = """\
module TopModule (input [1:0] op, input [3:0] a, input [3:0] b, output reg [4:0] out);
  always @(*) begin
    case (op)
      2'd0: out = a + b;
      2'd1: out = a - b;
      2'd2: out = a & b;
      default: out = a | b;
    endcase
  end
endmodule
"""

COUNTER = (FIXTURES / "weak_core" / "weak_counter" / "ref.v").read_text()

FSM = """\
module fsm (input wire clk, input wire reset, input wire x, output wire y);
  reg [1:0] s;
  always @(posedge clk) begin
    if (reset) s <= 2'd0;
    else case (s)
      2'd0: s <= x ? 2'd1 : 2'd0;
      2'd1: s <= x ? 2'd2 : 2'd0;
      2'd2: s <= 2'd0;
      default: s <= 2'd0;
    endcase
  end
  assign y = (s == 2'd2);
endmodule
"""

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys is not installed")]


@pytest.fixture
def ctx(tmp_path: Path) -> EvalContext:
    return EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path)


def _check(ref: str, code: str, top: str, ctx: EvalContext, meta: dict | None = None) -> tuple[str, str]:
    problem = Problem("s", "p", reference=ref, data={"top": top, **({"meta": meta} if meta else {})})
    eq = verilog_equivalence(problem, code, ctx, depth=12)
    return eq.status, eq.method


def test_combinational_counterexample_is_found(ctx: EvalContext) -> None:
    # regression: with -ignore_gold_x but without -enable_undef, sat "proves" this equivalent
    assert _check(ALU, ALU.replace("out = a & b", "out = a | b"), "TopModule", ctx) == ("different", "sat")
    assert _check(ALU, ALU.replace("out = a - b", "out = (a - b) | 5'h10"), "TopModule", ctx)[0] == "different"


def test_combinational_rewrite_is_proven_equivalent(ctx: EvalContext) -> None:
    assert _check(ALU, ALU.replace("out = a + b", "out = b + a"), "TopModule", ctx) == ("equivalent", "sat")


def test_sequential_difference_after_reset_is_found(ctx: EvalContext) -> None:
    wrong_reset = COUNTER.replace("count <= 4'd0", "count <= 4'd15")
    assert _check(COUNTER, wrong_reset, "weak_counter", ctx) == ("different", "bmc")


def test_sequential_rewrite_is_proven_by_induction(ctx: EvalContext) -> None:
    same = COUNTER.replace("count <= count + 4'd1", "count <= 4'd1 + count")
    assert _check(COUNTER, same, "weak_counter", ctx) == ("equivalent", "equiv_induct+bmc")


def test_unreachable_state_change_is_equivalent(ctx: EvalContext) -> None:
    # state 3 is never reached after reset: equiv_induct proves the step, the check from reset the base
    unreachable = FSM.replace("default: s <= 2'd0", "default: s <= 2'd1")
    assert _check(FSM, unreachable, "fsm", ctx) == ("equivalent", "equiv_induct+bmc")
    assert _check(FSM, FSM.replace("2'd2: s <= 2'd0", "2'd2: s <= 2'd1"), "fsm", ctx) == ("different", "bmc")


def test_a_difference_beyond_the_bound_is_bounded_equivalent(ctx: EvalContext) -> None:
    late = COUNTER.replace("count == 4'd15", "count == 4'd14")  # needs 14 counting cycles to show
    problem = Problem("s", "p", reference=COUNTER, data={"top": "weak_counter"})
    short = verilog_equivalence(problem, late, ctx, depth=10)
    assert (short.status, short.method) == ("equivalent_bounded", "bmc")
    assert "10 cycles" in short.reason and "rst=1" in short.reason
    assert verilog_equivalence(problem, late, ctx, depth=16).status == "different"


def test_reset_port_from_meta_or_name() -> None:
    assert reset_port(Problem("s", "p", reference=FSM, data={"top": "fsm"})) == ("reset", 1)
    meta = {"reset": "rst_n", "reset_active": "low"}
    assert reset_port(Problem("s", "p", reference="", data={"top": "x", "meta": meta})) == ("rst_n", 0)
    for name, level in (("rst_n", 0), ("aresetn", 0), ("areset", 1), ("rst", 1)):
        src = f"module t(input clk, input {name}, input [3:0] d, output q); endmodule"
        assert reset_port(Problem("s", "p", reference=src, data={"top": "t"})) == (name, level)
    assert input_ports("module t(a, b, y); input [3:0] a; input wire b; output y; endmodule", "t") == ["a", "b"]
