"""The Verilator fallback of the cocotb suites (issue #14, no false rejections).

Icarus 11 cannot compile many legal SystemVerilog-2012 constructs. With ``-S fallback=verilator``
(the default) an answer that is checked clean and fails to compile under Icarus is built and
tested again with Verilator 5 (same job: integrity check, testbench, seed), and Verilator's
verdict stands. Each answer below is our own minimal design for a real verilog-core problem,
written with one construct Icarus 11 rejects (the kinds an honest-answer tester lost answers to).
Each of them is shown to be an Icarus syntax error alone; since a Verilator build takes seconds,
the constructs then go through the fallback in four designs that each combine a group of them
(GROUPS), rather than one build per construct.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from benchmarks.verilog_core import VerilogCoreSuite
from benchmarks.verilog_hard import VerilogHardSuite
from harness.errors import UsageError
from harness.families.verilog.extract import extract_verilog
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, Suite, SuiteOptions
from harness.types import Status, Verdict

# construct -> (verilog-core problem, a correct answer using it); each fails to compile under Icarus 11
HONEST = {
    'enum_ternary': ('seq110_mealy', """module seq110_mealy (input wire clk, input wire rst_n, input wire in_valid, input wire din,
                     output wire detected);
  typedef enum logic [1:0] {ST_IDLE, ST_ONE, ST_TWO} state_t;
  state_t state, state_nx;
  always_comb begin
    state_nx = state;
    if (in_valid) state_nx = din ? ((state == ST_IDLE) ? ST_ONE : ST_TWO) : ST_IDLE;
  end
  always_ff @(posedge clk or negedge rst_n)
    if (!rst_n) state <= ST_IDLE; else state <= state_nx;
  assign detected = in_valid && !din && (state == ST_TWO);
endmodule
"""),
    'break': ('lzc16', """module lzc16 (input wire [15:0] data, output reg [4:0] count);
  always_comb begin
    count = 5'd16;
    for (int i = 15; i >= 0; i--) begin
      if (data[i]) begin count = 5'(15 - i); break; end
    end
  end
endmodule
"""),
    'continue': ('lzc16', """module lzc16 (input wire [15:0] data, output reg [4:0] count);
  always_comb begin
    logic seen;
    seen = 1'b0;
    count = 5'd0;
    for (int i = 15; i >= 0; i--) begin
      if (seen) continue;
      if (data[i]) seen = 1'b1; else count = count + 5'd1;
    end
  end
endmodule
"""),
    'cast': ('alu8', """module alu8 (input wire [7:0] a, input wire [7:0] b, input wire [2:0] op,
             output reg [7:0] y, output reg carry, output wire zero);
  typedef enum logic [2:0] {ADD, SUB, AND_, OR_, XOR_, SHL, SHR, SLT} op_t;
  always_comb begin
    carry = 1'b0;
    case (op_t'(op))
      ADD: {carry, y} = {1'b0, a} + {1'b0, b};
      SUB: {carry, y} = {1'b0, a} - {1'b0, b};
      AND_: y = a & b;
      OR_: y = a | b;
      XOR_: y = a ^ b;
      SHL: begin y = {a[6:0], 1'b0}; carry = a[7]; end
      SHR: begin y = {1'b0, a[7:1]}; carry = a[0]; end
      default: y = ($signed(a) < $signed(b)) ? 8'd1 : 8'd0;
    endcase
  end
  assign zero = (y == 8'd0);
endmodule
"""),
    'int_unsigned': ('mux4_w8', """module mux4_w8 (input wire [7:0] d0, input wire [7:0] d1, input wire [7:0] d2, input wire [7:0] d3,
                input wire [1:0] sel, output reg [7:0] y);
  localparam int unsigned LAST = 3;
  always_comb begin
    if (sel == 2'(LAST)) y = d3;
    else if (sel == 2'd2) y = d2;
    else if (sel == 2'd1) y = d1;
    else y = d0;
  end
endmodule
"""),
    'array_pattern': ('mux4_w8', """module mux4_w8 (input wire [7:0] d0, input wire [7:0] d1, input wire [7:0] d2, input wire [7:0] d3,
                input wire [1:0] sel, output wire [7:0] y);
  logic [7:0] inputs [4];
  assign inputs = '{d0, d1, d2, d3};
  assign y = inputs[sel];
endmodule
"""),
    'rom': ('bcd_to_7seg', """module bcd_to_7seg (input wire [3:0] bcd, output logic [6:0] seg);
  localparam logic [6:0] DIGIT [10] = '{7'b1000000, 7'b1111001, 7'b0100100, 7'b0110000, 7'b0011001,
                                        7'b0010010, 7'b0000010, 7'b1111000, 7'b0000000, 7'b0010000};
  always_comb seg = (bcd < 4'd10) ? DIGIT[bcd] : 7'b1111111;
endmodule
"""),
    'inside': ('onehot_to_bin8', """module onehot_to_bin8 (input wire [7:0] onehot, output reg [2:0] bin, output reg err);
  always_comb begin
    err = !(onehot inside {8'h01, 8'h02, 8'h04, 8'h08, 8'h10, 8'h20, 8'h40, 8'h80});
    bin = 3'd0;
    if (!err) for (int i = 0; i < 8; i++) if (onehot[i]) bin = 3'(i);
  end
endmodule
"""),
    'function_output': ('addsub8_flags', """module addsub8_flags (input wire [7:0] a, input wire [7:0] b, input wire sub, output logic [7:0] y,
                      output logic carry, output logic overflow, output wire zero, output wire negative);
  function automatic void addsub(input logic [7:0] x, input logic [7:0] z, input logic s,
                                 output logic [7:0] r, output logic c, output logic v);
    {c, r} = s ? ({1'b0, x} - {1'b0, z}) : ({1'b0, x} + {1'b0, z});
    v = s ? ((x[7] != z[7]) && (r[7] != x[7])) : ((x[7] == z[7]) && (r[7] != x[7]));
  endfunction
  always_comb addsub(a, b, sub, y, carry, overflow);
  assign zero = (y == 8'd0);
  assign negative = y[7];
endmodule
"""),
    'keyed_struct': ('addsub8_flags', """module addsub8_flags (input wire [7:0] a, input wire [7:0] b, input wire sub, output wire [7:0] y,
                      output wire carry, output wire overflow, output wire zero, output wire negative);
  typedef struct packed { logic c; logic [7:0] r; } res_t;
  res_t res;
  logic [8:0] wide;
  always_comb begin
    wide = sub ? ({1'b0, a} - {1'b0, b}) : ({1'b0, a} + {1'b0, b});
    res = '{c: wide[8], r: wide[7:0]};
  end
  assign y = res.r;
  assign carry = res.c;
  assign overflow = sub ? ((a[7] != b[7]) && (y[7] != a[7])) : ((a[7] == b[7]) && (y[7] != a[7]));
  assign zero = (y == 8'd0);
  assign negative = y[7];
endmodule
"""),
    'mixed_array': ('seq110_mealy', """module seq110_mealy (input wire clk, input wire rst_n, input wire in_valid, input wire din,
                     output wire detected);
  logic [1:0] run [0:1];
  assign run[0] = (in_valid && din) ? 2'd1 : 2'd0;
  always_ff @(posedge clk or negedge rst_n)
    if (!rst_n) run[1] <= 2'd0;
    else if (in_valid) run[1] <= din ? ((run[1] == 2'd0) ? run[0] : 2'd2) : 2'd0;
  assign detected = in_valid && !din && (run[1] == 2'd2);
endmodule
"""),
}
# Verilator's lint warnings (here WIDTHTRUNC: a 32-bit int into 5 bits) are not fatal in its build
HONEST["break_width_warning"] = ("lzc16", HONEST["break"][1].replace("count = 5'(15 - i);", "count = 15 - i;"))

# Each Verilator build costs seconds, so the constructs above go through the fallback together:
# one correct design per problem below holds every construct of its group (each of them alone is
# an Icarus syntax error: test_each_honest_construct_alone_is_an_icarus_syntax_error).
GROUPS = {
    "alu8": (("cast", "function_output", "keyed_struct"), """module alu8 (input wire [7:0] a, input wire [7:0] b, input wire [2:0] op,
             output reg [7:0] y, output reg carry, output wire zero);
  typedef enum logic [2:0] {ADD, SUB, AND_, OR_, XOR_, SHL, SHR, SLT} op_t;
  typedef struct packed { logic c; logic [7:0] r; } res_t;
  function automatic void addsub(input logic [7:0] x, input logic [7:0] z, input logic s, output res_t res);
    logic [8:0] wide;
    wide = s ? ({1'b0, x} - {1'b0, z}) : ({1'b0, x} + {1'b0, z});
    res = '{c: wide[8], r: wide[7:0]};
  endfunction
  res_t sum;
  always_comb begin
    addsub(a, b, op_t'(op) == SUB, sum);
    carry = 1'b0;
    case (op_t'(op))
      ADD, SUB: begin y = sum.r; carry = sum.c; end
      AND_: y = a & b;
      OR_: y = a | b;
      XOR_: y = a ^ b;
      SHL: begin y = {a[6:0], 1'b0}; carry = a[7]; end
      SHR: begin y = {1'b0, a[7:1]}; carry = a[0]; end
      default: y = ($signed(a) < $signed(b)) ? 8'd1 : 8'd0;
    endcase
  end
  assign zero = (y == 8'd0);
endmodule
"""),
    "onehot_to_bin8": (("inside", "break", "continue", "break_width_warning"), """module onehot_to_bin8 (input wire [7:0] onehot, output reg [2:0] bin, output reg err);
  always_comb begin
    err = !(onehot inside {8'h01, 8'h02, 8'h04, 8'h08, 8'h10, 8'h20, 8'h40, 8'h80});
    bin = 3'd0;
    if (!err)
      for (int i = 0; i < 8; i++) begin
        if (!onehot[i]) continue;
        bin = i;
        break;
      end
  end
endmodule
"""),
    "mux4_w8": (("int_unsigned", "array_pattern", "rom"), """module mux4_w8 (input wire [7:0] d0, input wire [7:0] d1, input wire [7:0] d2, input wire [7:0] d3,
                input wire [1:0] sel, output wire [7:0] y);
  localparam int unsigned N = 4;
  localparam logic [1:0] SLOT [N] = '{2'd0, 2'd1, 2'd2, 2'd3};
  logic [7:0] inputs [N];
  assign inputs = '{d0, d1, d2, d3};
  assign y = inputs[SLOT[sel]];
endmodule
"""),
    "seq110_mealy": (("enum_ternary", "mixed_array"), """module seq110_mealy (input wire clk, input wire rst_n, input wire in_valid, input wire din,
                     output wire detected);
  typedef enum logic [1:0] {ST_IDLE, ST_ONE, ST_TWO} state_t;
  state_t st [0:1];  // st[0]: ST_ONE on a valid 1 (driven continuously), st[1]: the state register
  assign st[0] = (in_valid && din) ? ST_ONE : ST_IDLE;
  always_ff @(posedge clk or negedge rst_n)
    if (!rst_n) st[1] <= ST_IDLE;
    else if (in_valid) st[1] <= din ? ((st[1] == ST_IDLE) ? st[0] : ST_TWO) : ST_IDLE;
  assign detected = in_valid && !din && (st[1] == ST_TWO);
endmodule
"""),
}
# a wrong answer in a dialect Icarus rejects: counts from bit 0 instead of bit 15
WRONG = HONEST["break"][1].replace("for (int i = 15; i >= 0; i--)", "for (int i = 0; i < 16; i++)")
# neither compiler takes this: `inside` (Icarus) and an undeclared name (both)
BOTH_BAD = HONEST["inside"][1].replace("bin = 3'd0;", "bin = no_such_signal;")


def _suite(cls: type[Suite] = VerilogCoreSuite, **extra: str) -> Any:
    return cls(SuiteOptions(extra={"synth": "off", "lint": "off", **extra}))


def _evaluate(problem_id: str, code: str, tmp_path: Path, suite: Any = None, keep_scratch: bool = False) -> Verdict:
    suite = suite or _suite()
    problem = next(p for p in suite.problems() if p.id == problem_id)
    candidate = extract_verilog(f"```verilog\n{code}```", problem.data["top"])
    assert candidate is not None
    # the session's cache folder (tests/conftest.py): Verilator's runtime objects are prebuilt once there
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, keep_scratch=keep_scratch,
                      cache_dir=Path(os.environ["HWEVAL_CACHE"]))
    return suite.evaluate(problem, candidate, ctx)  # type: ignore[no-any-return]


def _fell_back(verdict: Verdict) -> bool:
    icarus = verdict.stages.get("icarus")
    return (verdict.metrics.get("simulator") == "verilator" and icarus is not None
            and icarus.status == "syntax_error" and "Icarus could not compile" in icarus.reason)


def test_every_construct_is_in_one_group() -> None:
    grouped = [c for constructs, _ in GROUPS.values() for c in constructs]
    assert sorted(grouped) == sorted(HONEST)


@pytest.mark.slow
@pytest.mark.parametrize("construct", sorted(HONEST))
def test_each_honest_construct_alone_is_an_icarus_syntax_error(construct: str, tmp_path: Path) -> None:
    """Each construct's own correct answer is checked clean and fails to compile under Icarus
    (``-S fallback=off``: no Verilator build); its group below passes through the fallback."""
    problem_id, code = HONEST[construct]
    verdict = _evaluate(problem_id, code, tmp_path, _suite(fallback="off"))
    assert verdict.status is Status.SYNTAX_ERROR, (verdict.reason, verdict.stages)
    assert verdict.stages["integrity"].status == "pass" and verdict.stages["syntax"].status == "syntax_error"


@pytest.mark.slow
@pytest.mark.parametrize("problem_id", sorted(GROUPS))
def test_honest_constructs_icarus_rejects_pass_with_verilator(problem_id: str, tmp_path: Path) -> None:
    """One design per group of constructs (GROUPS): Icarus rejects it, Verilator builds it, it passes."""
    verdict = _evaluate(problem_id, GROUPS[problem_id][1], tmp_path)
    assert verdict.status is Status.PASS, (GROUPS[problem_id][0], verdict.reason, verdict.stages)
    assert _fell_back(verdict), verdict.stages
    assert verdict.stages["integrity"].status == "pass" and verdict.stages["syntax"].status == "pass"


@pytest.mark.slow
def test_fallback_through_trusted_wrapper_of_verilog_hard(tmp_path: Path) -> None:
    """A verilog-hard problem with extra sources (renamed wrapper, one-way ports): the reference
    with one `localparam int unsigned` passes through the fallback."""
    suite = _suite(VerilogHardSuite)
    problem = next(p for p in suite.problems() if p.id == "crc_engine")
    code = problem.reference.replace("    reg [W-1:0] r;\n", "    reg [W-1:0] r;\n    localparam int unsigned NB = 8;\n", 1)
    code = code.replace("i < 8;", "i < NB;", 1)
    assert code.count("NB") == 2
    verdict = _evaluate("crc_engine", code, tmp_path, suite)
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    assert _fell_back(verdict), verdict.stages


@pytest.mark.slow
def test_wrong_answer_icarus_rejects_fails_under_verilator(tmp_path: Path) -> None:
    """... and its Verilator build copied Verilator's runtime objects prebuilt for the session
    (harness.families.verilog.vobjects) instead of compiling them: the verdict is the same."""
    verdict = _evaluate("lzc16", WRONG, tmp_path, keep_scratch=True)
    assert verdict.status is Status.FAIL, (verdict.reason, verdict.stages)
    assert _fell_back(verdict) and verdict.stages["function"].status == "fail"
    logs = [log.read_text(errors="replace") for log in tmp_path.glob("*/build.log")]
    prebuilt = [line for text in logs for line in text.splitlines() if line.startswith("hweval objcache:")]
    runtime = [f"hweval objcache: {n}.o prebuilt" for n in ("verilated", "verilated_vpi", "verilated_dpi", "verilated_threads")]
    assert sorted(prebuilt) == sorted(runtime), prebuilt


@pytest.mark.slow
def test_answer_both_compilers_reject_is_syntax_error_quoting_both(tmp_path: Path) -> None:
    verdict = _evaluate("onehot_to_bin8", BOTH_BAD, tmp_path)
    assert verdict.status is Status.SYNTAX_ERROR, (verdict.reason, verdict.stages)
    icarus, verilator = verdict.reason.split("\nVerilator: ", 1)
    assert icarus.startswith("Icarus: ") and "inside" in icarus, verdict.reason
    assert "no_such_signal" in verilator, verdict.reason
    assert verdict.stages["fallback"].status == "syntax_error" and verdict.metrics["simulator"] == "icarus"
    assert "function" not in verdict.stages


# integrity attacks written with `break`, which Icarus 11 cannot compile: the check comes first
ATTACKS = {
    "dpi": ("import \"DPI-C\" function int system(input string cmd);\n"
            "  initial void'(system(\"touch /tmp/hweval_fallback_pwned\"));\n"),
    "macro_pasted_dpi": ("`define D \"DPI-C\"\n  import `D function int system(input string cmd);\n"
                         "  initial void'(system(\"touch /tmp/hweval_fallback_pwned\"));\n"),
    "verilator_c": "  initial $c(\"system(\\\"touch /tmp/hweval_fallback_pwned\\\");\");\n",
    "finish": "  initial #5 $finish;\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_integrity_attack_in_icarus_rejected_dialect_is_still_rejected(attack: str, tmp_path: Path) -> None:
    code = HONEST["break"][1].replace("  always_comb begin", ATTACKS[attack] + "  always_comb begin", 1)
    verdict = _evaluate("lzc16", code, tmp_path)
    assert verdict.status is Status.REJECTED, (verdict.reason, verdict.stages)
    assert "icarus" not in verdict.stages and "function" not in verdict.stages
    assert not Path("/tmp/hweval_fallback_pwned").exists()


@pytest.mark.slow
def test_fallback_off_leaves_icarus_syntax_error(tmp_path: Path) -> None:
    verdict = _evaluate("lzc16", HONEST["break"][1], tmp_path, _suite(fallback="off"))
    assert verdict.status is Status.SYNTAX_ERROR and "break" in verdict.reason, verdict.reason
    assert "icarus" not in verdict.stages and "fallback" not in verdict.stages


def test_fallback_enters_the_verdict_options() -> None:
    default, off = _suite().verdict_options()["options"], _suite(fallback="off").verdict_options()["options"]
    assert default["fallback"] == "verilator" and off["fallback"] == "off"
    assert _suite(simulator="verilator").verdict_options()["options"]["fallback"] == "off"
    assert "fallback" in VerilogCoreSuite.options_schema and "fallback" in VerilogHardSuite.options_schema
    assert "verilator" in _suite().requirements().tools and "verilator" not in _suite(fallback="off").requirements().tools


def test_bad_fallback_value_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="fallback='vcs'"):
        _suite(fallback="vcs").simulation()
