"""VerilogEval's stimulus varies per run (issue 14, red team round 4 item 7): an answer that
ignores its inputs and plays back the outputs the fixed ``$random`` stimulus gives now fails."""
from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

from harness.families.verilog.reseed import RSEED, SEED_MARK, URANGE, USEED, reseed, with_seed
from harness.families.verilog.tbeval import Testbench, judge_testbench
from harness.suite import EvalContext
from harness.types import Candidate, Completion, Status, Verdict
from tests.verilogeval.conftest import make_suite

PID = "Prob001_maj3"
REF = "module RefModule (\n  input a,\n  input b,\n  input c,\n  output out\n);\n\n" \
      "  assign out = (a & b) | (a & c) | (b & c);\n\nendmodule\n"
PROMPT = "Implement a module named TopModule with inputs a, b, c and output out: the majority of a, b, c.\n"
# our own testbench, in VerilogEval v2's layout: stimulus from unseeded $random/$urandom/$urandom_range
TEST = """`timescale 1 ps/1 ps
`define OK 12
`define INCORRECT 13

module stimulus_gen (
\tinput clk,
\toutput reg a, b, c
);
\tinitial begin
\t\t{a,b,c} <= 3'b000;
\t\trepeat(40) @(posedge clk, negedge clk) {a,b,c} <= $random;
\t\trepeat(20) @(posedge clk, negedge clk) {a,b,c} <= $urandom();
\t\trepeat(20) @(posedge clk, negedge clk) {a,b,c} <= $urandom_range(7);
\t\t#1 $finish;
\tend
endmodule

module tb();
\ttypedef struct packed { int errors; int errortime; int clocks; } stats;
\tstats stats1;
\treg clk=0;
\tinitial forever #5 clk = ~clk;
\tlogic a, b, c, out_ref, out_dut;
\twire tb_match;
\tstimulus_gen stim1 (.clk, .*, .a, .b, .c);
\tRefModule good1 (.a, .b, .c, .out(out_ref));
\tTopModule top_module1 (.a, .b, .c, .out(out_dut));
\tfinal begin
\t\t$display("Hint: Total mismatched samples is %1d out of %1d samples\\n", stats1.errors, stats1.clocks);
\t\t$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
\tend
\tassign tb_match = ( { out_ref } === ( { out_ref } ^ { out_dut } ^ { out_ref } ) );
\talways @(posedge clk, negedge clk) begin
\t\tstats1.clocks++;
\t\tif (!tb_match) begin
\t\t\tif (stats1.errors == 0) stats1.errortime = $time;
\t\t\tstats1.errors++;
\t\tend
\tend
\tinitial begin
\t\t#1000000
\t\t$display("TIMEOUT");
\t\t$finish();
\tend
endmodule
"""
GOLDEN = "module TopModule(input a, input b, input c, output out);\n  assign out = (a & b) | (a & c) | (b & c);\nendmodule\n"
LOGGER = "module logger; initial begin #1; forever begin $display(\"V %b\", tb.out_ref); #5; end end endmodule\n"
PLAYBACK = """module TopModule(input a, input b, input c, output reg out);
  timeunit 1ps;
  timeprecision 1ps;
  localparam [0:{last}] T = {n}'b{bits};
  integer k;
  initial begin
    out = 0;
    k = 0;
    forever begin
      #1;
      out = T[k];
      k = k + 1;
      #4;
    end
  end
endmodule
"""


def test_unseeded_calls_draw_from_seed_variables_and_seeded_ones_stay() -> None:
    src = "module s(input clk);\n  integer own = 3; reg [7:0] x;\n  initial begin x = $random; x = $random();\n" \
          "    x = $random(own); x = $urandom; x = $urandom_range(7); x = $urandom_range(3, 9);\n" \
          "    x = \"$random\"; // $urandom\n  end\nendmodule\nmodule quiet; endmodule\n"
    out, calls = reseed(src)
    assert calls == 5
    assert out.count(f"$random({RSEED})") == 2 and "$random(own)" in out and f"$urandom({USEED});" in out
    assert f"{URANGE}(7, 0)" in out and f"{URANGE}(3, 9)" in out and "\"$random\"" in out and "// $urandom" in out
    assert out.count(SEED_MARK) == 2 and "module quiet; endmodule" in out  # only the module that draws
    assert reseed("module q; initial $display(1); endmodule\n")[1] == 0


def test_the_seed_sits_only_in_the_testbench_under_a_name_no_candidate_can_write() -> None:
    tb = Testbench(files={"test.sv": TEST, "ref.sv": REF}, before=(), after=("test.sv", "ref.sv"), root="tb",
                   verdict="mismatches", tb_file="test.sv", top="TopModule", sources=("test.sv", "ref.sv"),
                   ports=(("a", "input"), ("b", "input"), ("c", "input"), ("out", "output")), mirrors=("RefModule",))
    prepared = tb.prepared()
    assert prepared.seeded == frozenset({"test.sv"}) and SEED_MARK not in prepared.files["ref.sv"]
    text = prepared.files_for_run(123456789)["test.sv"]
    assert "123456789" in text and SEED_MARK not in text
    assert {RSEED, USEED, URANGE} <= prepared.trusted  # renamed with the per-process secret suffix
    assert not re.search(rf"\b({RSEED}|{USEED}|{URANGE})\b", text)
    assert RSEED + prepared.tag in text
    rtllm = dataclasses.replace(tb, verdict="passline", files={"test.sv": TEST.replace(
        "Mismatches: %1d in %1d samples", "Your Design Passed"), "ref.sv": REF})
    assert not rtllm.prepared().seeded  # RTLLM's testbenches compare fixed values: not reseeded
    assert with_seed(SEED_MARK, 7) == "7"


@pytest.fixture
def v2_maj3(tmp_path: Path) -> Path:
    root = tmp_path / "verilog-eval"
    folder = root / "dataset_spec-to-rtl"
    folder.mkdir(parents=True)
    (folder / "problems.txt").write_text(PID + "\n")
    (folder / f"{PID}_prompt.txt").write_text(PROMPT)
    (folder / f"{PID}_ref.sv").write_text(REF)
    (folder / f"{PID}_test.sv").write_text(TEST)
    return root


def _playback(tmp_path: Path) -> str:
    """The red team's answer: out_ref at 1, 6, 11 ... ps under the fixed stimulus, played back by time."""
    for name, text in {"tb.sv": TEST, "ref.sv": REF, "top.sv": GOLDEN, "log.sv": LOGGER}.items():
        (tmp_path / name).write_text(text)
    subprocess.run(["iverilog", "-g2012", "-Wno-timescale", "-s", "tb", "-s", "logger", "-o", "sim", "tb.sv",
                    "ref.sv", "top.sv", "log.sv"], cwd=tmp_path, check=True, capture_output=True)
    run = subprocess.run(["vvp", "-n", "sim"], cwd=tmp_path, check=True, capture_output=True, text=True)
    bits = "".join(re.findall(r"^V ([01])$", run.stdout, re.MULTILINE))
    assert len(bits) > 80
    return PLAYBACK.format(last=len(bits) - 1, n=len(bits), bits=bits)


def _judge(root: Path, code: str, ctx: EvalContext, reseed_tb: bool | None = None) -> Verdict:
    suite = make_suite("verilogeval-v2-spec", root)
    problem = next(iter(suite.problems()))
    cand = suite.extract(problem, Completion(suite.name, PID, 0, f"```verilog\n{code}```"))
    assert isinstance(cand, Candidate)
    tb = dataclasses.replace(Testbench.from_data(problem.data["tb"]), reseed=reseed_tb)
    return judge_testbench(cand, tb, ctx)


@pytest.mark.slow
def test_the_table_playback_passes_a_fixed_stimulus_and_fails_a_reseeded_one(
        v2_maj3: Path, tmp_path: Path, ctx: EvalContext) -> None:
    answer = _playback(tmp_path)
    fixed = _judge(v2_maj3, answer, ctx, reseed_tb=False)
    assert fixed.status == Status.PASS, fixed.reason  # the attack works on VerilogEval's own flow
    suite = make_suite("verilogeval-v2-spec", v2_maj3)
    problem = next(iter(suite.problems()))
    cand = suite.extract(problem, Completion(suite.name, PID, 0, f"```verilog\n{answer}```"))
    assert cand is not None
    verdict = suite.evaluate(problem, cand, ctx)  # as the suite runs it: reseeded
    assert verdict.status == Status.FAIL, verdict.reason
    assert "mismatches" in verdict.reason


@pytest.mark.slow
def test_the_golden_answer_passes_under_several_seeds(v2_maj3: Path, ctx: EvalContext) -> None:
    seeds = set()
    for _ in range(3):
        verdict = _judge(v2_maj3, GOLDEN, ctx)
        assert verdict.status == Status.PASS, verdict.reason
        assert "0 mismatches in 80 samples" in verdict.reason
        seeds.add(verdict.stages["function"].data["tb_seed"])
    assert len(seeds) == 3


@pytest.mark.slow
def test_a_candidate_naming_the_seed_variable_does_not_reach_it(v2_maj3: Path, ctx: EvalContext) -> None:
    for ref in (RSEED, f"stim1.{RSEED}", f"tb.stim1.{RSEED}"):
        code = GOLDEN.replace("endmodule", f"  integer peek;\n  initial #2 peek = {ref};\nendmodule")
        verdict = _judge(v2_maj3, code, ctx)
        assert verdict.status in (Status.REJECTED, Status.SYNTAX_ERROR), (ref, verdict.status, verdict.reason)


def test_the_simulation_limit_follows_the_timeout() -> None:
    """VerilogEval's 30 s vvp limit at the default --timeout 60; a longer --timeout raises it (a
    30 s wall limit timed out a correct conwaylife answer on a loaded machine), a shorter lowers it."""
    from harness.families.verilog.tbeval import sim_timeout_for

    assert sim_timeout_for(60.0) == 30.0
    assert sim_timeout_for(200.0) == 100.0
    assert sim_timeout_for(20.0) == 15.0
    assert sim_timeout_for(0.5) == 1.0
