"""Issue #14, Verilog family, round 7: known gaps closed, then the red team's round 7 findings.

- Reach rule under Verilator: a candidate that names a trusted (renamed) module, instance,
  signal or task of a verilog-hard wrapper gets the same ``rejected`` whether Icarus builds it,
  the ``-S fallback=verilator`` retry builds it (after Icarus failed on a construct it cannot
  parse), or ``--simulator verilator`` builds it. Before, the Verilator paths said ``syntax_error``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from benchmarks.verilog_hard import VerilogHardSuite
from harness.families.verilog import isolation
from harness.families.verilog.extract import extract_verilog
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status, Verdict

# -- the reach rule reads Verilator's messages ----------------------------------------------------
TRUSTED = frozenset({"hweval_crc_wrap", "u16f", "secret", "chk", "pk"})
VERILATOR_REACH = {
    # message (as Verilator 5 prints it) -> rule
    "%Error-MODMISSING: design.v:2:3: Cannot find file containing module: 'hweval_crc_wrap'": "foreign_module",
    "%Error: design.v:2:14: Can't find definition of scope/variable: 'u16f'": "hierarchical_reference",
    "%Error: design.v:2:14: Can't find definition of variable: 'secret'": "hierarchical_reference",
    "%Error: design.v:2:11: Can't find definition of task/function: 'chk'": "hierarchical_reference",
    "%Error: design.v:2:19: Can't find definition of block/task: 'hweval_crc_wrap'": "hierarchical_reference",
    "%Error: design.v:2:20: Can't find definition of 'u16f' in dotted scope/variable: '$root.u16f'":
        "hierarchical_reference",
    "%Error: design.v:2:16: Can't find definition of 'x' in dotted variable/method: 'u16f.x'": "hierarchical_reference",
    "%Error: design.v:2:19: In defparam, instance hweval_crc_wrap never declared": "hierarchical_reference",
    "%Error: design.v:2:3: Can't find typedef/interface: 'secret'": "hierarchical_reference",
    "%Error: design.v:2:10: Import package not found: 'pk'": "hierarchical_reference",
    "%Error: design.v:2:14: Package/class for ':: reference' not found: 'pk'": "hierarchical_reference",
}


@pytest.mark.parametrize("line", sorted(VERILATOR_REACH))
def test_reach_rule_reads_verilator_messages(line: str) -> None:
    found = isolation.reach_rule(line, TRUSTED)
    assert found is not None and found[0] == VERILATOR_REACH[line], (line, found)


def test_reach_rule_leaves_verilator_errors_on_the_candidates_own_names() -> None:
    for line in ("%Error-MODMISSING: design.v:2:3: Cannot find file containing module: 'helper'",
                 "%Error: design.v:2:14: Can't find definition of variable: 'typo_sig'",
                 "%Error: design.v:2:16: Can't find definition of 'secret' in dotted variable/method: 'mine.secret'",
                 "%Error: design.v:4:1: syntax error, unexpected endmodule"):
        assert isolation.reach_rule(line, TRUSTED) is None, line


# -- end to end: the same status from every build path -------------------------------------------
def _break_loop(code: str) -> str:
    """``code`` with a `break` Icarus 11 cannot parse (the loop is unchanged: i < 8 anyway)."""
    marker = "                if (fb) absorb = absorb ^ POLY;\n"
    assert marker in code
    return code.replace(marker, marker + "                if (i > 8) break;\n", 1)


REACH_ATTACKS = {
    # the sibling instance of the wrapper, reached upwards by its (renamed) instance name
    "sibling_instance": ("    reg [W-1:0] r;\n", "    reg [W-1:0] r;\n    wire [15:0] peek = u16f.crc_out;\n"),
    # the wrapper module itself, instantiated inside a branch only W == 5 elaborates
    "wrapper_module": ("    genvar k;\n", "    generate if (W == 5) begin : g_w\n        hweval_crc_wrap w();\n"
                       "    end endgenerate\n    genvar k;\n"),
}
MODES = {"icarus": {"fallback": "off"}, "fallback": {}, "verilator": {"simulator": "verilator"}}


def _crc(code_of: Any, options: dict[str, str], tmp_path: Path) -> Verdict:
    suite = VerilogHardSuite(SuiteOptions(extra={"synth": "off", "lint": "off", **options}))
    problem = next(p for p in suite.problems() if p.id == "crc_engine")
    candidate = extract_verilog(f"```verilog\n{code_of(problem.reference)}```", problem.data["top"])
    assert candidate is not None
    # the session cache (tests/conftest.py): Verilator's runtime objects are prebuilt there once
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, cache_dir=Path(os.environ["HWEVAL_CACHE"]))
    return suite.evaluate(problem, candidate, ctx)


def _attack(name: str, mode: str):  # type: ignore[no-untyped-def]
    old, new = REACH_ATTACKS[name]

    def code_of(ref: str) -> str:
        assert old in ref
        code = ref.replace(old, new, 1)
        return _break_loop(code) if mode == "fallback" else code
    return code_of


@pytest.mark.slow
@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("attack", sorted(REACH_ATTACKS))
def test_reaching_the_wrapper_is_rejected_on_every_build_path(attack: str, mode: str, tmp_path: Path) -> None:
    verdict = _crc(_attack(attack, mode), MODES[mode], tmp_path)
    assert verdict.status is Status.REJECTED, (verdict.reason, verdict.stages)
    assert verdict.rule == ("foreign_module" if attack == "wrapper_module" else "hierarchical_reference")
    assert "function" not in verdict.stages
    if mode == "fallback" and attack == "wrapper_module":
        assert verdict.metrics.get("simulator") == "verilator" and "icarus" in verdict.stages, verdict.stages
    # the sibling's upward reference (``u16f.`` names nothing the answer declares) is rejected by
    # the text rules before any build since red team 9 S5 (verilog.drivers.scope_rules)


@pytest.mark.slow
def test_own_names_equal_to_trusted_ones_pass_under_the_fallback(tmp_path: Path) -> None:
    """An honest answer whose own signal is called like a wrapper instance (``u16f``) and whose
    loop Icarus cannot parse passes through Verilator: only unresolved trusted names count."""
    def code_of(ref: str) -> str:
        code = ref.replace("    wire [W-1:0] base = start ? INIT : r;\n",
                           "    wire [W-1:0] u16f = r;\n    wire [W-1:0] base = start ? INIT : u16f;\n", 1)
        assert "u16f" in code
        return _break_loop(code)
    verdict = _crc(code_of, {}, tmp_path)
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    assert verdict.metrics.get("simulator") == "verilator"


# -- CVDP: an answer-controlled parser error is the sample's, never the run's -------------------
# (the Verilog family's case of red team round 7 S4: json.loads raised RecursionError on deep
# nesting, and ValueError, not JSONDecodeError, on an integer over Python's digit limit; both
# escaped extraction in the harness process and ended the whole run, every other sample unscored)
CVDP_COUNTER, CVDP_ALU = "cvdp_copilot_counter4_0001", "cvdp_copilot_alu_0004"
CVDP_ALU_FILES = ["rtl/alu_top.sv", "rtl/alu_core.sv"]
PARSER_BOMBS = {
    "deep_nesting": '{"code": ' + "[" * 100000 + "]" * 100000 + "}",
    "nesting_past_the_limit_by_little": '{"code": ' + "[" * 990 + "]" * 990 + "}",
    "integer_over_digit_limit": '{"code": [' + "7" * 5000 + "]}",
    "deep_object": '{"code": [' + '{"a": ' * 50000 + "1" + "}" * 50000 + "]}",
}


@pytest.mark.parametrize("bomb", sorted(PARSER_BOMBS))
def test_cvdp_parser_bombs_are_no_files(bomb: str) -> None:
    from benchmarks.cvdp.answer import parse_files

    assert parse_files("Here are the files:\n" + PARSER_BOMBS[bomb], CVDP_ALU_FILES) == {}


def test_cvdp_honest_multi_file_answers_still_parse() -> None:
    from benchmarks.cvdp.answer import model_answer, parse_files

    files = {"rtl/alu_top.sv": "module alu_top; endmodule\n", "rtl/alu_core.sv": "module alu_core; endmodule\n"}
    assert parse_files(model_answer(files), CVDP_ALU_FILES) == files
    fenced = ('{"code": [{"rtl/alu_top.sv": "```systemverilog\\nmodule alu_top; endmodule\\n```"}, '
              '{"rtl/alu_core.sv": "module alu_core; endmodule"}, {"rtl/other.sv": "x"}]}')
    assert parse_files(fenced, CVDP_ALU_FILES) == {"rtl/alu_top.sv": "module alu_top; endmodule\n",
                                                   "rtl/alu_core.sv": "module alu_core; endmodule"}


@pytest.mark.slow
def test_cvdp_run_with_a_parser_bomb_scores_every_other_sample(tmp_path: Path) -> None:
    import json

    from benchmarks.cvdp.answer import model_answer
    from tests.cvdp import fixtures
    from tests.helpers import hweval

    data = fixtures.write(tmp_path / "data")
    lines = [{"suite": "cvdp", "problem_id": CVDP_ALU, "sample_idx": 0, "completion": PARSER_BOMBS["deep_nesting"]},
             {"suite": "cvdp", "problem_id": CVDP_COUNTER, "sample_idx": 0,
              "completion": model_answer({"rtl/counter4.sv": fixtures.COUNTER})}]
    replay = tmp_path / "answers.jsonl"
    replay.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "cvdp", "--data", str(data), "--model", f"replay:{replay}", "--problems",
                  f"{CVDP_ALU},{CVDP_COUNTER}", "-S", "validate=off", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    statuses = {r["problem_id"]: r["status"] for r in map(json.loads, (out / "executions.jsonl").read_text().splitlines())}
    assert statuses == {CVDP_ALU: "no_code", CVDP_COUNTER: "pass"}, statuses


# -- S6: the design synthesised must be the design simulated ------------------------------------
# Icarus gives $bits(1.0) == 1, yosys 32: the simulated branch multiplies, the synthesised one is 0
MULT_HEADER = "module mult8u (input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);\n"
SPLIT_ATTACKS = {
    "generate_branch": MULT_HEADER + "  generate if ($bits(1.0) == 1) begin : g_sim\n    assign p = a * b;\n"
                       "  end else begin : g_syn\n    assign p = 16'd0;\n  end endgenerate\nendmodule\n",
    "constant_in_expression": MULT_HEADER + "  localparam integer K = $bits(1.0);\n"
                              "  assign p = (K == 1) ? a * b : {8'd0, a & b};\nendmodule\n",
}
SPLIT_HONEST = {
    "shift_add_generate": MULT_HEADER + "  wire [15:0] part [0:7];\n  genvar i;\n  generate for (i = 0; i < 8; i = i + 1)"
                          " begin : g_row\n    assign part[i] = b[i] ? ({8'd0, a} << i) : 16'd0;\n  end endgenerate\n"
                          "  assign p = part[0] + part[1] + part[2] + part[3] + part[4] + part[5] + part[6] + part[7];\n"
                          "endmodule\n",
    "constant_function_both_agree_on": MULT_HEADER + "  localparam integer W = $clog2(256);\n"
                                       "  assign p = (W == 8) ? a * b : 16'd0;\nendmodule\n",
}


def _mult8u(code: str, tmp_path: Path) -> Verdict:
    from benchmarks.verilog_core import VerilogCoreSuite

    suite = VerilogCoreSuite(SuiteOptions(extra={"lint": "off"}))
    problem = next(p for p in suite.problems() if p.id == "mult8u")
    candidate = extract_verilog(f"```verilog\n{code}```", "mult8u")
    assert candidate is not None
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, cache_dir=tmp_path / "cache")
    return suite.evaluate(problem, candidate, ctx)


@pytest.mark.slow
@pytest.mark.parametrize("attack", sorted(SPLIT_ATTACKS))
def test_simulation_synthesis_split_gets_no_area_score(attack: str, tmp_path: Path) -> None:
    verdict = _mult8u(SPLIT_ATTACKS[attack], tmp_path)
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)  # the simulated design is right
    assert verdict.metrics["synthesizable"] is False, verdict.metrics
    assert "area_ratio" not in verdict.metrics and "cells_ratio" not in verdict.metrics
    synth = verdict.stages["synth"]
    assert synth.status == "fail" and "netlist of the answer fails" in synth.reason, synth.reason
    assert synth.data["netlist"]["checked"] is True and synth.data["netlist"]["status"] == "fail"


@pytest.mark.slow
@pytest.mark.parametrize("honest", sorted(SPLIT_HONEST))
def test_honest_designs_keep_their_area_score(honest: str, tmp_path: Path) -> None:
    verdict = _mult8u(SPLIT_HONEST[honest], tmp_path)
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    assert verdict.metrics["synthesizable"] is True and verdict.metrics["area_ratio"] > 0.3, verdict.metrics
    assert verdict.stages["synth"].data["netlist"] == {"checked": True, "status": "pass",
                                                       "reason": verdict.stages["synth"].data["netlist"]["reason"]}


# -- S7: X or Z outputs through an `if (out != expected)` testbench ----------------------------
# (our own RTLLM-format designs: the error count ignores a comparison whose result is X)
AND4_TB = """`timescale 1ns/1ps
module tb_and4;
  reg [3:0] a, b;
  wire [3:0] y;
  integer i, errors = 0;
  and4 uut (.a(a), .b(b), .y(y));
  initial begin
    for (i = 0; i < 40; i = i + 1) begin
      a = $random; b = $random;
      #5;
      if (y != (a & b)) errors = errors + 1;
    end
    if (errors == 0) $display("===========Your Design Passed===========");
    else $display("===========Error===========", errors);
    $finish;
  end
endmodule
"""
AND4_HEADER = "module and4(input [3:0] a, input [3:0] b, output [3:0] y);\n"
AND4_REF = AND4_HEADER.replace("and4", "verified_and4") + "  assign y = a & b;\nendmodule\n"
UNDRIVEN = {"empty": AND4_HEADER + "endmodule\n", "all_x": AND4_HEADER + "  assign y = 4'bx;\nendmodule\n",
            "all_z": AND4_HEADER + "  assign y = 4'bz;\nendmodule\n",
            "x_where_it_matters": AND4_HEADER + "  assign y = (a & b) | {4{a[0] ^ 1'bx}};\nendmodule\n"}
AND4_HONEST = AND4_HEADER + "  genvar i;\n  generate for (i = 0; i < 4; i = i + 1) begin : g\n"\
              "    assign y[i] = ~(~a[i] | ~b[i]);\n  end endgenerate\nendmodule\n"
# a reference whose output is X where the testbench compares it first (before any clock): strict
# comparisons would fail it, so that testbench keeps its published comparisons
DFF4_TB = """`timescale 1ns/1ps
module tb_dff4;
  reg clk = 0;
  reg [3:0] d = 0;
  wire [3:0] q;
  integer i, errors = 0;
  dff4 uut (.clk(clk), .d(d), .q(q));
  initial begin
    #1 if (q != 4'd0) errors = errors + 1;
    for (i = 0; i < 10; i = i + 1) begin
      d = i; #5 clk = 1; #5 clk = 0;
      if (q != i) errors = errors + 1;
    end
    if (errors == 0) $display("===========Your Design Passed===========");
    $finish;
  end
endmodule
"""
DFF4_REF = "module verified_dff4(input clk, input [3:0] d, output reg [3:0] q);\n"\
           "  always @(posedge clk) q <= d;\nendmodule\n"


@pytest.fixture
def rtllm_strict(tmp_path: Path) -> Any:
    from harness import registry

    root = tmp_path / "RTLLM"
    for name, tb, ref in (("and4", AND4_TB, AND4_REF), ("dff4", DFF4_TB, DFF4_REF)):
        folder = root / "Logic" / name
        folder.mkdir(parents=True)
        (folder / "design_description.txt").write_text(f"Please act as a professional verilog designer.\n\n"
                                                       f"Module name:\n    {name}\n")
        (folder / "testbench.v").write_text(tb)
        (folder / f"verified_{name}.v").write_text(ref)
    suite = registry.load("suites", "rtllm")(SuiteOptions(data=str(root), extra={"synth": "off"}))
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, cache_dir=tmp_path / "cache")
    return suite, {p.id: p for p in suite.problems()}, ctx


def _rtllm(rtllm_strict: Any, pid: str, code: str) -> Verdict:
    from harness.types import Completion

    suite, problems, ctx = rtllm_strict
    cand = suite.extract(problems[pid], Completion(suite.name, pid, 0, f"```verilog\n{code}```"))
    return suite.evaluate(problems[pid], cand, ctx)


def test_strict_equality_changes_operators_only() -> None:
    from harness.families.verilog.stimulus import strict_equality

    src = 'if (a != b || c == d && e === f && g !== h && x <= y) $display("a == b"); // x != y\n'
    out, count = strict_equality(src)
    assert count == 2
    assert out == 'if (a !== b || c === d && e === f && g !== h && x <= y) $display("a == b"); // x != y\n'


@pytest.mark.slow
def test_undriven_or_x_outputs_fail_a_not_equal_testbench(rtllm_strict: Any) -> None:
    for name, code in sorted(UNDRIVEN.items()):
        verdict = _rtllm(rtllm_strict, "and4", code)
        assert verdict.status is Status.FAIL, (name, verdict.reason)
        assert verdict.metrics["compare"] == "strict"
    for code in (AND4_HONEST, AND4_REF.replace("verified_and4", "and4")):
        verdict = _rtllm(rtllm_strict, "and4", code)
        assert verdict.status is Status.PASS, verdict.reason
        assert verdict.metrics["compare"] == "strict" and "===/!==" in verdict.stages["function"].data["compare"]


@pytest.mark.slow
def test_a_testbench_the_reference_fails_strictly_keeps_its_comparisons(rtllm_strict: Any) -> None:
    verdict = _rtllm(rtllm_strict, "dff4", DFF4_REF.replace("verified_dff4", "dff4"))
    assert verdict.status is Status.PASS, verdict.reason
    assert verdict.metrics["compare"] == "published"
    assert "fails the testbench with ===/!==" in verdict.stages["function"].data["compare"]
