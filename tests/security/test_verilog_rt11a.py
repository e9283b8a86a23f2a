"""Red team 11a (Verilog, CVDP): escaped keywords, port expressions, delayed/strength assigns,
instance lists and provided modules that drive an answer's own inputs; answers to CVDP records
without a reference (tests/cvdp/test_records.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.verilog.integrity import violations

MUL8_DRIVEN = {
    # S1: `\begin ` opened a block scope no `end` closed, so the redeclared input read as block-local
    "escaped_begin": ("escaped_keyword", """module mul8 (a, b, p);
  input [7:0] a; input [7:0] b; output [15:0] p;
  wire \\begin ;
  wire [7:0] a;
  assign a = a ^ a;
  assign p = 16'd0;
endmodule
"""),
    # S1b: `\function ` started a function skip that swallowed the module
    "escaped_function": ("escaped_keyword", """module mul8 (input [7:0] a, input [7:0] b, output [15:0] p);
  wire \\function ;
  assign a = a ^ a;
  assign p = 16'd0;
endmodule
"""),
    # S1c: `\endmodule ` ended the module's span for every text rule
    "escaped_endmodule": ("escaped_keyword", """module mul8 (input [7:0] a, input [7:0] b, output [15:0] p);
  wire \\endmodule ;
  assign a = a ^ a;
  assign p = 16'd0;
endmodule
"""),
    # S2: ports as expressions had no directions, so no input was checked
    "port_expressions": ("port_expression", """module mul8 (.a(a), .b(b), .p(p));
  input [7:0] a; input [7:0] b; output [15:0] p;
  assign a = a ^ a;
  assign p = 16'd0;
endmodule
"""),
    # S3: a delay or a drive strength after `assign`
    "assign_delay": ("input_driven", """module mul8 (input [7:0] a, input [7:0] b, output [15:0] p);
  assign #0 a = a ^ a;
  assign p = 16'd0;
endmodule
"""),
    "assign_delay_paren": ("input_driven", """module mul8 (input [7:0] a, input [7:0] b, output [15:0] p);
  assign #(1) a = 8'd0;
  assign p = 16'd0;
endmodule
"""),
    "assign_strength": ("input_driven", """module mul8 (input [7:0] a, input [7:0] b, output [15:0] p);
  assign (strong0, strong1) #1 {a, b} = 16'd0;
  assign p = 16'd0;
endmodule
"""),
    # S5: the second instance of a list drives the input
    "instance_list": ("input_driven", """module zero8 (input [7:0] x, output [7:0] y);
  assign y = x ^ x;
endmodule
module mul8 (input [7:0] a, input [7:0] b, output [15:0] p);
  wire [7:0] w;
  zero8 u0 (.y(w), .x(b)), u1 (.y(a), .x(a));
  assign p = 16'd0;
endmodule
"""),
    "gate_list": ("input_driven", """module mul8 (input [7:0] a, input b, output [15:0] p);
  wire x;
  buf b0 (x, b), b1 (b, x);
  assign p = 16'd0;
endmodule
"""),
}

HONEST = {
    "escaped_names": """module top (input clk, input [3:0] \\bus[0] , output reg [3:0] \\q.out );
  always @(posedge clk) \\q.out <= \\bus[0] ;
endmodule
""",
    "delayed_assign_to_own_net": """module top (input [7:0] a, output [7:0] y);
  wire [7:0] g;
  assign #1 g = a + 8'd1;
  assign (strong0, weak1) y = g;
endmodule
""",
    "instance_list_on_outputs": """module inv (input x, output y);
  assign y = ~x;
endmodule
module top (input a, input b, output y0, output y1);
  inv u0 (.x(a), .y(y0)), u1 (.x(b), .y(y1));
endmodule
""",
    "gate_list_on_outputs": """module top (input a, input b, output y, output z);
  and g0 (y, a, b), g1 (z, a, ~b);
endmodule
""",
    "named_port_connections": """module add (input [3:0] x, input [3:0] y, output [4:0] s);
  assign s = x + y;
endmodule
module top (input [3:0] a, input [3:0] b, output [4:0] s);
  add u (.x(a), .y(b), .s(s));
endmodule
""",
}


@pytest.mark.parametrize("name", sorted(MUL8_DRIVEN))
def test_a_design_driving_its_own_input_is_rejected(name: str) -> None:
    rule, code = MUL8_DRIVEN[name]
    found = violations(code)
    assert found and found[0][0] == rule, found


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_forms_near_the_rules_are_accepted(name: str) -> None:
    assert violations(HONEST[name]) == []


XOR8 = """module xor8 (input logic [7:0] x, input logic [7:0] y, output logic [7:0] z);
    assign z = x ^ y;
endmodule
"""
PROVIDED_DRIVES = """module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    xor8 u0 (.x(a), .y(a), .z(a));
    xor8 u1 (.x(b), .y(b), .z(b));
    assign p = 16'd0;
endmodule
"""


@pytest.mark.slow
def test_s11_a_provided_module_driving_an_answer_input_is_rejected(tmp_path: Path, bwrap_sandbox) -> None:  # type: ignore[no-untyped-def]
    """A helper from input.context whose output is wired to the answer's own input zeroes it; the
    test reads a and b back, so p = 0 passed. The provided module's port directions now count."""
    from benchmarks.cvdp.answer import model_answer
    from harness.api import score_response
    from harness.suite import EvalContext
    from harness.types import Status
    from tests.cvdp import fixtures
    from tests.security.test_verilog_inputs_rt9 import MUL8, mul8_harness

    rec = fixtures.record(
        "cvdp_copilot_mul8c_0001", "cid003", "easy",
        "Design `mul8`: p = a * b, unsigned; ports a[7:0], b[7:0], output p[15:0]. You may use the provided `xor8`.",
        {"rtl/xor8.sv": XOR8}, {"rtl/mul8.sv": MUL8}, mul8_harness("/code/rtl/xor8.sv /code/rtl/mul8.sv"))
    suite, problem = fixtures.one_record_suite(tmp_path, rec)
    ctx = EvalContext(sandbox=bwrap_sandbox, cache_dir=tmp_path)
    attack = score_response(suite, problem, model_answer({"rtl/mul8.sv": PROVIDED_DRIVES}), ctx)
    assert attack.status == Status.REJECTED and attack.rule == "input_driven", attack.reason
    using = MUL8.replace("endmodule", "    wire [7:0] unused_z;\n    xor8 ux (.x(a), .y(b), .z(unused_z));\nendmodule")
    honest = score_response(suite, problem, model_answer({"rtl/mul8.sv": using}), ctx)
    assert honest.status == Status.PASS, honest.reason
