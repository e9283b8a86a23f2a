"""The Verilog integrity rules piece by piece (fast, no sandbox): the allowlists on the text the
compiler sees, the preprocessor call, and the per-problem isolation of testbench names."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from harness.families.verilog import isolation
from harness.families.verilog.integrity import scan, violations
from harness.families.verilog.tbeval import Testbench, instantiations
from harness.jobs.verilog_check import check_candidate, preprocess_command
from harness.types import Problem
from tests.security.verilog.corpus import HERE, TARGETS, cases, make_suite


def rules(code: str) -> list[str]:
    return [rule for rule, _ in scan(code, preprocessed=True)]


@pytest.mark.parametrize("code, rule", [
    ("module m; initial $fopen(\"x\"); endmodule", "file_io"),
    ("module m; initial \\$fopen (\"x\"); endmodule", "file_io"),
    ("module m; initial $finish; endmodule", "early_finish"),
    ("module m; initial $fatal(1); endmodule", "early_finish"),
    ("module m; initial $system(\"ls\"); endmodule", "host_access"),
    ("module m; integer r; initial r = $random; endmodule", "shared_random"),
    ("module m; integer r; initial r = $random(); endmodule", "shared_random"),
    ("module m; integer r; initial r = $random(r + 1); endmodule", "shared_random"),
    ("module m; integer r; initial r = $random(tb.seed); endmodule", "shared_random"),
    ("module m; integer r; initial r = \\$random ; endmodule", "shared_random"),
    ("module m; integer r; initial r = $urandom; endmodule", "shared_random"),
    ("module m; integer r; initial r = $urandom(r); endmodule", "shared_random"),
    ("module m; integer r; initial r = $urandom_range(7, 0); endmodule", "shared_random"),
    ("module m; integer r; initial r = $dist_uniform(5, 0, 7); endmodule", "shared_random"),
    ("module m; reg [7:0] mem [0:3]; initial $readmemh(\"x.hex\", mem); endmodule", "file_io"),
    ("module m; reg [7:0] mem [0:3]; initial $readmemb(\"x.bin\", mem); endmodule", "file_io"),
    ("module m; initial $swrite(x, \"%d\", 1); endmodule", "system_task"),
    ("module m; initial $display($root.tb.x); endmodule", "hierarchical_reference"),
    ("`pragma protect\nmodule m; endmodule", "directive"),
    ("module m; wire w = `OK; endmodule", "directive"),
    ("module m; wire w = ` OK; endmodule", "directive"),
    ("`include \"x.v\"\nmodule m; endmodule", "include"),
    ("import \"DPI-C\" function int f();\nmodule m; endmodule", "dpi"),
    ("module m; endmodule\nbind tb m spy();", "bind"),
    ("logic shared;\nmodule m; endmodule", "unit_scope"),
    ("module m; endmodule\nclass C; endclass", "unit_scope"),
])
def test_each_rule_is_named(code: str, rule: str) -> None:
    assert rules(code)[:1] == [rule]


def test_what_honest_designs_use_is_allowed() -> None:
    code = """`timescale 1ns/1ps
`default_nettype none
`celldefine
typedef enum logic [1:0] {A, B} st_t;
parameter int W = 4;
localparam int D = $clog2(W);
import pkg::*;
package pkg; localparam int Z = 0; endpackage
function automatic int twice(input int x); return 2 * x; endfunction
module m #(parameter N = $bits(st_t)) (input wire [N-1:0] a, output wire [N-1:0] y);
  // $finish in a comment, "$fopen" in a string
  assign y = $signed(a) >>> 1;
  initial $display("$fopen %0t %0d", $time, $countones(a));
  always @(a) if ($isunknown(a)) $warning("x on a");
  integer seed = 7, r;
  string s;
  reg [8*16:1] msg;
  initial begin
    r = $random(seed) + $random (seed) + $dist_uniform(seed, 0, 9) + $dist_normal(seed, 0, 2);
    s = $sformatf("r=%0d", r);
    $sformat(msg, "%0d", r);
  end
endmodule
`endcelldefine
`resetall
"""
    assert scan(code, preprocessed=True) == []


@pytest.mark.slow  # runs Icarus's preprocessor (ivlpp)
def test_the_raw_filter_cannot_see_through_macros_but_the_preprocessed_scan_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = "`define A $fop\n`define B en\nmodule m; integer f; initial f = `A`B(\"x\", \"w\"); endmodule\n"
    assert [r for r, _ in violations(code)] == ["system_task"]  # the piece "$fop" is not listed either
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw.sv").write_text(code)
    rec = check_candidate("raw.sv", "design.sv")
    assert (rec["status"], rec.get("rule")) == ("rejected", "file_io") and "$fopen" in rec["reason"]
    assert not (tmp_path / "design.sv").exists()  # nothing is written for the build to compile


@pytest.mark.slow  # compiles and simulates with Icarus
def test_a_random_function_steps_only_the_seed_it_is_given(tmp_path: Path) -> None:
    """Why unseeded ``$random`` and every ``$urandom`` are ``shared_random``: in Icarus they draw
    from (or reseed) the one generator the testbench's own ``$random``/``$urandom`` use, so a
    design could shift the stimulus; ``$random(seed)`` and ``$dist_*(seed, ...)`` step the design's
    own variable and leave the testbench's stream as it was."""
    tb = 'module tb; m d(); initial begin #1; $display("%h %h %h", $random, $random, $urandom); end endmodule\n'

    def stream(body: str) -> str:
        (tmp_path / "t.sv").write_text(f"module m; integer s = 5, q; initial begin {body} end endmodule\n" + tb)
        subprocess.run(["iverilog", "-g2012", "-o", str(tmp_path / "t.vvp"), str(tmp_path / "t.sv")], check=True)
        return subprocess.run(["vvp", "-n", str(tmp_path / "t.vvp")], capture_output=True, text=True,
                              check=True).stdout

    alone = stream("q = 0;")
    for seeded in ("q = $random(s);", "q = $dist_uniform(s, 0, 9);", "q = $random(s) + $random(s);"):
        assert stream(seeded) == alone and rules(f"module m; integer s, q; initial {seeded} endmodule") == []
    for shared in ("q = $random;", "q = $urandom;", "q = $urandom(s);", "q = $urandom_range(4, 1);"):
        assert stream(shared) != alone and rules(f"module m; integer s, q; initial {shared} endmodule") == [
            "shared_random"]


@pytest.mark.slow  # runs Icarus's preprocessor (ivlpp)
def test_the_compiled_text_is_the_scanned_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw.sv").write_text("`define W 4\n// synopsys translate_off\nmodule m(output [`W-1:0] y);"
                                     " assign y = `W; endmodule\n")
    rec = check_candidate("raw.sv", "design.sv")
    assert rec["status"] == "pass"
    compiled = (tmp_path / "design.sv").read_text()
    assert compiled == rec["data"]["compiled"]
    assert "`" not in compiled and "translate_off" not in compiled and "[4-1:0]" in compiled


@pytest.mark.slow  # runs ivlpp and `iverilog -E` on every corpus file
def test_our_preprocessor_call_matches_iverilog_E(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The direct ivlpp call gives what `iverilog -E` gives, on every corpus file."""
    monkeypatch.chdir(tmp_path)
    for case in [*cases(HERE / "attacks"), *cases(HERE / "honest")]:
        if "include" in case.name:
            continue
        (tmp_path / "raw.sv").write_text(case.code)
        cmd, cfg = preprocess_command("raw.sv", "ours.sv", "deps.txt", "cfg.txt")
        if cfg is not None:
            (tmp_path / "cfg.txt").write_text(cfg)
        subprocess.run(cmd, capture_output=True, check=False)
        subprocess.run(["iverilog", "-E", "-o", "theirs.sv", "raw.sv"], capture_output=True, check=False)
        assert (tmp_path / "ours.sv").read_text() == (tmp_path / "theirs.sv").read_text(), case.name


def _prepared(target: str) -> tuple[Testbench, isolation.Prepared]:
    t = TARGETS[target]
    suite = make_suite(t.suite)
    problem: Problem = next(p for p in suite.problems() if p.id == t.problem)
    tb = Testbench.from_data(problem.data["tb"])
    return tb, tb.prepared()


_SCOPES = re.compile(r"\b(?:module|task|function(?:\s+automatic)?(?:\s+\w+)?)\s+(\\?\w+)\s*[(;#]|begin\s*:\s*(\w+)")


@pytest.mark.parametrize("target", ["v2-and", "v1-and", "rtllm-adder"])
def test_every_testbench_scope_is_renamed(target: str) -> None:
    tb, prep = _prepared(target)
    design = TARGETS[target].top
    for name in tb.sources:
        text = prep.files[name]
        declared = {a or b for a, b in _SCOPES.findall(text)} | {inst for _, inst in instantiations(text)}
        declared |= {mod for mod, _ in instantiations(text)} - {design}
        assert declared and all(d.endswith(prep.tag) for d in declared), (name, declared)
    assert prep.root.endswith(prep.tag) and prep.root.removesuffix(prep.tag) == tb.root
    assert design in prep.files[tb.tb_file]  # the design keeps its name, ports and parameters


def test_renaming_keeps_strings_directives_keywords_and_time_units() -> None:
    src = ('`timescale 1 ps/1 ps\n`define OK 12\n`ifdef OK\nmodule tb; logic [3:0] q; initial begin #10ns; '
           'q = `OK; $display("tb says %0d", q); q.size(); end\nTopModule dut(.q(q));\nendmodule\n`endif\n')
    out, names = isolation.rename(src, {"TopModule", "q"}, "_T")
    assert names == {"tb", "dut"}
    assert out == src.replace("module tb;", "module tb_T;").replace("dut(", "dut_T(")


def test_verdict_prints_go_to_the_channel_and_are_counted() -> None:
    src = ('module tb; final begin $display("Hint: x"); $display("Mismatches: %1d in %1d samples", e, n); end\n'
           '// $display("Mismatches: 0 in 1 samples");\ninitial begin #9 $display("TIMEOUT"); $finish(); end\n'
           'initial $display("===========Your Design Passed===========");\nendmodule\n')
    out, count = isolation.route_verdicts(src, "mismatches")
    assert count == 1
    assert f'$fdisplay($fopen("{isolation.CHANNEL_FILE}", "w"), "Mismatches:' in out
    assert f'$fdisplay($fopen("{isolation.CHANNEL_FILE}", "w"), "TIMEOUT")' in out
    assert '$display("Hint: x")' in out and '// $display("Mismatches: 0' in out
    assert isolation.route_verdicts(src, "passline")[1] == 1


def test_the_compile_log_names_what_was_reached() -> None:
    trusted = frozenset({"RefModule", "tb", "good1", "stim1"})
    assert isolation.reach_rule("x.sv:3: error: Unknown module type: RefModule", trusted)[0] == "foreign_module"
    for line in ("error: Unable to bind wire/reg/memory `good1.out' in `TopModule'",
                 "error: Enable of unknown task ``stim1.reset_test''.",
                 "warning: Scope of tb.good1.W not found.",
                 "error: Could not find variable ``tb.tb_match'' in ``TopModule''"):
        found = isolation.reach_rule(line, trusted)
        assert found is not None and found[0] == "hierarchical_reference", line
    assert isolation.reach_rule("error: Unknown module type: helper", trusted) is None
    assert isolation.reach_rule("error: Unable to bind wire/reg/memory `clk2' in `TopModule'", trusted) is None


def test_modules_nothing_elaborates_are_dropped_before_the_scan() -> None:
    from harness.families.verilog.integrity import prune_unused

    src = ("module helper(input a, output y); assign y = a; endmodule\n"
           "module top(input a, output y); helper h(.a(a), .y(y)); \\keep_me k(); endmodule\n"
           "module keep_me; initial $display(\"kept\"); endmodule\n"
           "class Txn; rand bit a; endclass\n"
           "module top_tb; top dut(); Txn t; initial begin $dumpfile(\"x.vcd\"); $finish; end endmodule\n")
    out, dropped = prune_unused(src, {"top"})
    assert dropped == ["Txn", "top_tb"] and out.count("\n") == src.count("\n")
    assert "helper h" in out and "kept" in out and "$finish" not in out
    assert scan(out, preprocessed=True) == [] and rules(src)[0] == "file_io"
    assert prune_unused(src, set()) == (src, [])  # no roots given: nothing is dropped


def test_an_answer_without_a_backtick_skips_the_preprocessor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import harness.jobs.verilog_check as check

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(check, "_preprocess", lambda *a: pytest.fail("the preprocessor ran"))
    (tmp_path / "raw.sv").write_text("module m(input a, output y); assign y = a; // no macros\nendmodule\n")
    rec = check.check_candidate("raw.sv", "design.sv")
    assert rec["status"] == "pass" and "//" not in (tmp_path / "design.sv").read_text()


def test_port_directions_from_ansi_and_non_ansi_headers() -> None:
    from harness.families.verilog.ports import port_directions

    ansi = "module T #(parameter W = 4) (input clk, input [W-1:0] a, b, output reg [3:0] q, inout z);\nendmodule\n"
    assert port_directions(ansi, "T") == [("clk", "input"), ("a", "input"), ("b", "input"), ("q", "output"),
                                          ("z", "inout")]
    old = "module T(a, b, y);\n  input [3:0] a;\n  input b;\n  output reg y;\nendmodule\n"
    assert port_directions(old, "T") == [("a", "input"), ("b", "input"), ("y", "output")]


def test_connections_to_design_inputs_become_one_way() -> None:
    from harness.families.verilog.ports import one_way_inputs

    ports = {"T": [("clk", "input"), ("a", "input"), ("q", "output")]}
    src = ("module tb; T dut (.clk, .a(x[3:0] ^ y), .q(q_dut)); T u2 (c, d, e), u3 (.*); M m (.a(a));\n"
           "T u4 (.clk(), .a(a), .q());\nendmodule\n")
    assert one_way_inputs(src, ports) == (
        "module tb; T dut (.clk({clk}), .a({x[3:0] ^ y}), .q(q_dut)); T u2 ({c}, {d}, e), "
        "u3 (.clk({clk}), .a({a}), .q); M m (.a(a));\nT u4 (.clk(), .a({a}), .q());\nendmodule\n")


@pytest.mark.slow
def test_random_and_formatting_pass_under_verilator_and_forged_prints_still_fail() -> None:
    """The newly allowed functions on the other cocotb simulator: the honest answer passes, and a
    wrong design printing forged verdict lines built with $sformatf fails (cocotb's report pipe)."""
    from harness.execute import judge
    from harness.sandbox.local import BubblewrapSandbox
    from harness.suite import EvalContext, SuiteOptions
    from harness.tools import verilator_root
    from harness.types import Completion

    if verilator_root() is None:
        pytest.skip("verilator is not installed")
    from harness import registry

    suite = registry.load("suites", "verilog-core")(SuiteOptions(extra={"synth": "off", "lint": "off",
                                                                        "simulator": "verilator"}))
    problems = {p.id: p for p in suite.problems()}
    # the session cache (tests/conftest.py): Verilator's runtime objects are prebuilt there once
    ctx = EvalContext(sandbox=BubblewrapSandbox(), cache_dir=Path(os.environ["HWEVAL_CACHE"]))
    want = {"random_seed_and_format": "pass", "c3_sformatf_forged_verdict": "fail"}
    for case in [c for c in [*cases(HERE / "honest"), *cases(HERE / "attacks")]
                 if c.suite == "verilog-core" and c.name.split("@")[0] in want]:
        comp = Completion(case.suite, case.problem, 0, f"```verilog\n{case.code}\n```\n")
        verdict = judge(suite, problems[case.problem], comp, ctx)[1]
        assert verdict.status == want[case.name.split("@")[0]], (case.name, verdict.reason[:300])
