"""Issue #14, Verilog family, session 9: the netlist check's known gaps, closed.

- Verilator: yosys's flattened netlists read a vector's bits back into its other bits, which
  Verilator reports as UNOPTFLAT, fatal by default; 18 reference netlists of verilog-core and
  verilog-hard (``gray2bin8``, ``secded72``, ``pipe5_cpu``...) failed the build on it alone, so
  under ``--simulator verilator`` an answer's netlist that did not build stayed unchecked with its
  area kept. A ``$bits(1.0)`` split (64 in Verilator, 32 in yosys) with a bit loop in the branch
  yosys takes scored area ratio 0.34 on ``secded72`` for a decoder synthesised to zeros. Now
  UNOPTFLAT and UNOPT are not fatal in any Verilator build (``cocotb_eval.LINT_CONFIG``): the
  netlist builds and fails its tests. The same change lets an honest answer whose vector reads its
  own bits (``bin = {g[7], bin[7:1] ^ g[6:0]}``) build under Verilator.
- A netlist that is not checked (the tests cannot build it nor the reference's; the harness
  failed) no longer keeps area, cells or depth (``netcheck.netlist_check``).
- Testbench suites: a ``defparam`` of the design's instance now counts as its override
  (``tbparams.overrides``), so the netlist is synthesised at the testbench's values and checked; a
  testbench setting two different parameter sets is not read: the netlist at the answer's defaults
  is tested as before (it fails at the other width), and where it could not be built, as for any
  unchecked netlist, the answer gets no area. The tbparams wrapper's instance is now ``keep``: it
  drives nothing, and yosys had removed it, so no testbench value was ever synthesised (a VerilogEval
  v2-format signed multiplier at ``defparam top_module1.W = 4`` shows it).
- Honest answers round 9 F1/F2: a function's closing ``return``, a package import and an
  immediate assertion's ``else`` action block made yosys 0.23 refuse honest answers (no area);
  ``yosysfront.for_yosys`` rewrites them, and the netlist check still fails a design whose work
  hides in an action block.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.netcheck import netlist_check
from harness.families.verilog.synth import SynthResult
from harness.families.verilog.tbparams import overrides, param_wrapper
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status, Verdict

# -- Verilator: netlists with UNOPTFLAT build and are checked ---------------------------------------
GRAY_HEADER = "module gray2bin8 (input wire [7:0] gray, output wire [7:0] bin);\n"
GRAY_CASES = {
    # (answer, honest): Verilator simulates the prefix XOR ($bits(1.0) is 64 there); yosys (32) takes
    # a wrong LSB-first chain whose vector reads its own bits, so its netlist failed the build
    "bits_split_with_bit_loop": (GRAY_HEADER + "  generate if ($bits(1.0) == 64) begin : full\n"
                                 "    assign bin = gray ^ (gray >> 1) ^ (gray >> 2) ^ (gray >> 3) ^ (gray >> 4)"
                                 " ^ (gray >> 5) ^ (gray >> 6) ^ (gray >> 7);\n  end else begin : lite\n"
                                 "    assign bin = {bin[6:0] ^ gray[7:1], gray[0]};\n  end endgenerate\nendmodule\n",
                                 False),
    # honest: the textbook chain from the MSB down, a vector reading its own bits (UNOPTFLAT itself)
    "msb_down_chain": (GRAY_HEADER + "  assign bin = {gray[7], bin[7:1] ^ gray[6:0]};\nendmodule\n", True),
}


def _gray(code: str, work: Path) -> Verdict:
    from benchmarks.verilog_core import VerilogCoreSuite

    suite = VerilogCoreSuite(SuiteOptions(extra={"lint": "off", "simulator": "verilator", "fallback": "off"}))
    problem = next(p for p in suite.problems() if p.id == "gray2bin8")
    candidate = extract_verilog(f"```verilog\n{code}```", "gray2bin8")
    assert candidate is not None
    work.mkdir()
    # the session cache (tests/conftest.py): Verilator's runtime objects are prebuilt there once
    cache = Path(os.environ.get("HWEVAL_CACHE") or work / "cache")
    return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work,
                                                          cache_dir=cache))


@pytest.fixture(scope="module")
def gray_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    tmp = tmp_path_factory.mktemp("rt9_verilator")
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(GRAY_CASES, pool.map(lambda name: _gray(GRAY_CASES[name][0], tmp / name), GRAY_CASES),
                        strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(GRAY_CASES))
def test_verilator_checks_netlists_with_bit_loops(case: str, gray_verdicts: dict[str, Verdict]) -> None:
    verdict, honest = gray_verdicts[case], GRAY_CASES[case][1]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)  # the simulated design is right
    netlist = verdict.stages["synth"].data["netlist"]
    assert netlist["checked"] is True, netlist  # the netlist built under Verilator
    assert verdict.metrics["synthesizable"] is honest, verdict.stages["synth"]
    if honest:
        assert netlist["status"] == "pass" and verdict.metrics["area"] > 0
    else:
        assert netlist["status"] == "fail" and "area" not in verdict.metrics, (netlist, verdict.metrics)


def test_verilator_lint_config_keeps_performance_warnings_non_fatal() -> None:
    from harness.families.verilog.cocotb_eval import LINT_CONFIG

    lines = LINT_CONFIG[1].splitlines()
    assert lines[0] == "`verilator_config" and "lint_off -rule UNOPTFLAT" in lines and "lint_off -rule UNOPT" in lines


# -- a netlist that is not checked keeps no scores ----------------------------------------------------
@pytest.mark.parametrize("status", [Status.SYNTAX_ERROR, Status.INFRA_ERROR])
def test_unchecked_netlist_gets_no_area(status: Status) -> None:
    cand, found = netlist_check(SynthResult(True, cells=3, area=4.5, depth=2, netlist="module m(a); endmodule\n"),
                                lambda _: Verdict(status, reason="design.sv:1: syntax error"))
    assert found["checked"] is False and found["status"] == str(status)
    assert cand.synthesizable is False and cand.area is None and cand.cells is None and cand.depth is None
    assert "could not be checked" in cand.reason and "syntax error" in cand.reason


def test_checked_passing_netlist_keeps_its_scores() -> None:
    cand, found = netlist_check(SynthResult(True, cells=3, area=4.5, depth=2, netlist="module m(a); endmodule\n"),
                                lambda _: Verdict(Status.PASS, reason=""))
    assert found["checked"] is True and cand.synthesizable is True and cand.area == 4.5


# -- testbenches that set parameters with defparam (RTLLM format) -------------------------------------
PMUL_HEADER = "module pmul #(parameter W = 8) (input wire [W-1:0] a, input wire [W-1:0] b, output wire [2*W-1:0] p);\n"
PMUL_TB = """`timescale 1ns / 1ps
module testbench;
    parameter W = 6;
    localparam N = (1 << (2 * W));
    reg [W-1:0] a, b;
    wire [2*W-1:0] p;
    integer i, error = 0;
    pmul uut (.a(a), .b(b), .p(p));
    defparam uut.W = W;
    initial begin
        for (i = 0; i < N; i = i + 1) begin
            {a, b} = i;
            #5;
            error = (p !== a * b) ? error + 1 : error;
        end
        if (error == 0) $display("===========Your Design Passed===========");
        else $display("===========Error===========", error);
        $finish;
    end
endmodule
"""
#: the same checks on two instances at different widths (the second through a defparam)
PMUL_TWO_TB = """`timescale 1ns / 1ps
module testbench;
    reg [5:0] a, b;
    wire [11:0] p;
    wire [7:0] q;
    integer i, error = 0;
    pmul #(.W(6)) uut (.a(a), .b(b), .p(p));
    pmul u4 (.a(a[3:0]), .b(b[3:0]), .p(q));
    defparam u4.W = 4;
    initial begin
        for (i = 0; i < 4096; i = i + 1) begin
            {a, b} = i;
            #5;
            error = (p !== a * b || q !== a[3:0] * b[3:0]) ? error + 1 : error;
        end
        if (error == 0) $display("===========Your Design Passed===========");
        else $display("===========Error===========", error);
        $finish;
    end
endmodule
"""
PMUL_SPLIT = (PMUL_HEADER + "  generate if ($bits(1.0) == 1) begin : full\n    assign p = a * b;\n"
              "  end else begin : lite\n    assign p = 0;\n  end endgenerate\nendmodule\n")
PMUL_HONEST = (PMUL_HEADER + "  wire [2*W-1:0] part [0:W-1];\n  genvar i;\n  generate for (i = 0; i < W; i = i + 1)"
               " begin : g_row\n    assign part[i] = b[i] ? ({{W{1'b0}}, a} << i) : 0;\n  end endgenerate\n"
               "  integer k;\n  reg [2*W-1:0] acc;\n  always @* begin\n    acc = 0;\n"
               "    for (k = 0; k < W; k = k + 1) acc = acc + part[k];\n  end\n  assign p = acc;\nendmodule\n")
#: (testbench, answer, honest, checked)
DEFPARAM_CASES = {
    "defparam_split": ("one", PMUL_SPLIT, False, True),
    "defparam_honest": ("one", PMUL_HONEST, True, True),
    # not read: the netlist at the answer's defaults is tested (Icarus takes an override of a parameter the
    # netlist lacks with a warning) and fails at the other width, so no answer gets area here
    "two_sets_split": ("two", PMUL_SPLIT, False, True),
}


def _rtllm_root(root: Path, tb: str) -> Path:
    folder = root / "Arithmetic" / "Multiplier" / "pmul"
    folder.mkdir(parents=True)
    (folder / "design_description.txt").write_text(
        "Please act as a professional verilog designer.\n\nImplement an unsigned multiplier of two W-bit "
        "inputs.\n\nModule name:\n    pmul\nInput ports:\n    a[W-1:0], b[W-1:0]\nOutput ports:\n    p[2*W-1:0]\n")
    (folder / "testbench.v").write_text(tb)
    (folder / "verified_pmul.v").write_text(PMUL_HEADER.replace("module pmul", "module verified_pmul")
                                            + "  assign p = a * b;\nendmodule\n")
    return root


def _pmul(code: str, root: Path, work: Path) -> Verdict:
    from harness import registry

    suite = registry.load("suites", "rtllm")(SuiteOptions(data=str(root), extra={"lint": "off"}))
    problem = next(p for p in suite.load() if p.id == "pmul")
    candidate = extract_verilog(f"```verilog\n{code}```", "pmul")
    assert candidate is not None
    work.mkdir()
    return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work,
                                                          cache_dir=root.parent / "cache"))


@pytest.fixture(scope="module")
def defparam_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    tmp = tmp_path_factory.mktemp("rt9_defparam")
    roots = {"one": _rtllm_root(tmp / "one" / "rtllm", PMUL_TB), "two": _rtllm_root(tmp / "two" / "rtllm", PMUL_TWO_TB)}

    def run(name: str) -> Verdict:
        which, code, _, _ = DEFPARAM_CASES[name]
        return _pmul(code, roots[which], tmp / which / name)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(DEFPARAM_CASES, pool.map(run, DEFPARAM_CASES), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(DEFPARAM_CASES))
def test_defparam_testbench_checks_the_netlist(case: str, defparam_verdicts: dict[str, Verdict]) -> None:
    verdict, (_, _, honest, checked) = defparam_verdicts[case], DEFPARAM_CASES[case]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    synth = verdict.stages["synth"]
    assert synth.data["netlist"]["checked"] is checked, synth.data
    assert verdict.metrics["synthesizable"] is honest, (synth.reason, synth.data)
    if honest:
        assert synth.data["netlist"]["status"] == "pass" and verdict.metrics["area"] > 0
        assert synth.data["reference"]["cells"] == verdict.metrics["ref_cells"]
    else:
        assert "area" not in verdict.metrics and "cells" not in verdict.metrics, verdict.metrics


def test_defparam_is_read_as_the_instances_override() -> None:
    got = overrides([PMUL_TB], "pmul")
    assert got is not None and got[0] == ".W(W)" and "parameter W = 6;" in got[1]
    assert "localparam N = (1 << (2 * W));" in got[1]  # a value with parentheses is kept
    longer = PMUL_TB.replace("defparam uut.W = W;", "defparam testbench.uut.W = W, uut.N2 = $clog2(W);")
    assert overrides([longer], "pmul") == (".W(W), .N2($clog2(W))", got[1])
    found = param_wrapper([PMUL_TB], "pmul")
    assert found is not None and found[1] == ["W"]
    assert "(* keep *) pmul #(.W(W)) hweval_u ();" in found[0].sources["hweval_tbparams.v"]


@pytest.mark.parametrize("tb", [
    PMUL_TWO_TB,  # two instances at different values
    PMUL_TB.replace("defparam uut.W = W;", "defparam other.W = W;"),  # a defparam of something else
    PMUL_TB.replace("pmul uut", "pmul #(4) uut"),  # positional, and a defparam beside it
    PMUL_TB.replace("pmul uut", "pmul #(.W(4)) uut"),  # a defparam of a parameter the override sets
    PMUL_TB.replace("defparam uut.W = W;", "defparam uut.W = W;\n    pmul u2 (.a(a), .b(b), .p());"),  # and one at defaults
])
def test_parameter_forms_not_read_give_no_wrapper(tb: str) -> None:
    assert overrides([tb], "pmul") is None


# -- honest answers round 9 (F1, F2): SystemVerilog that yosys 0.23 does not parse -------------------
GRAY_SV = """package g2b_pkg;
  parameter int N = 8;
  function automatic logic [N-1:0] g2b(input logic [N-1:0] g);
    logic [N-1:0] b;
    b[N-1] = g[N-1];
    for (int i = N - 2; i >= 0; i--) b[i] = b[i + 1] ^ g[i];
    return b;
  endfunction
endpackage
module gray2bin8 import g2b_pkg::*; (input wire [7:0] gray, output logic [7:0] bin);
  always_comb begin
    bin = g2b(gray);
    assert (bin[7] == gray[7]) else $error("gray2bin8: msb");
  end
endmodule
"""
#: (problem, answer, honest): the rewrite for yosys cannot be steered into area credit: an action block
#: that does the work in simulation is dropped for synthesis, and the netlist check then fails it
FRONT_CASES = {
    "package_return_assert_else": ("gray2bin8", GRAY_SV, True),
    "work_in_action_block": ("mult8u", "module mult8u (input wire [7:0] a, input wire [7:0] b, output logic [15:0] p);\n"
                             "  always_comb begin\n    p = 16'd0;\n    assert (1'b0) else p = a * b;\n  end\nendmodule\n",
                             False),
}


def _core(pid: str, code: str, work: Path) -> Verdict:
    from benchmarks.verilog_core import VerilogCoreSuite

    suite = VerilogCoreSuite(SuiteOptions(extra={"lint": "off", "fallback": "off"}))
    problem = next(p for p in suite.problems() if p.id == pid)
    candidate = extract_verilog(f"```verilog\n{code}```", pid)
    assert candidate is not None
    work.mkdir()
    return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work,
                                                          cache_dir=work / "cache"))


@pytest.fixture(scope="module")
def front_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    tmp = tmp_path_factory.mktemp("rt9_front")
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(FRONT_CASES, pool.map(lambda n: _core(FRONT_CASES[n][0], FRONT_CASES[n][1], tmp / n),
                                              FRONT_CASES), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(FRONT_CASES))
def test_systemverilog_yosys_cannot_parse_is_synthesised(case: str, front_verdicts: dict[str, Verdict]) -> None:
    verdict, honest = front_verdicts[case], FRONT_CASES[case][2]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    synth = verdict.stages["synth"]
    assert synth.data["netlist"]["checked"] is True, (synth.reason, synth.data)  # yosys read the answer
    assert verdict.metrics["synthesizable"] is honest, (synth.reason, synth.data)
    if honest:
        assert verdict.metrics["area"] > 0 and synth.data["netlist"]["status"] == "pass"
    else:
        assert "area" not in verdict.metrics and synth.data["netlist"]["status"] == "fail", synth.data


def test_closing_return_becomes_an_assignment_to_the_function() -> None:
    from harness.families.verilog.yosysfront import for_yosys

    out = for_yosys(GRAY_SV)
    assert "return" not in out and "g2b = b;" in out
    assert "import" not in out and "localparam int N = 8;" in out.split("module gray2bin8")[1]
    assert "assert (bin[7] == gray[7]) ;" in out and "$error" not in out
    kept = {  # a return that is not the function's last statement is left for yosys to refuse
        "early": "function int h(int a); if (a) return 1; return 2; endfunction",
        "in_a_loop": "function int h(input [7:0] v); for (int i = 0; i < 8; i++) begin if (v[i]) begin y = 1;"
                     " return i; end end endfunction",
        "in_a_branch": "function int h(int a); if (a) begin return 1; end endfunction",
    }
    for name, text in kept.items():
        assert for_yosys(text) == text, name
    assert for_yosys("function [3:0] k; input [3:0] a; begin k = 0; return a; end endfunction") == \
        "function [3:0] k; input [3:0] a; begin k = 0; k = a; end endfunction"
    assert for_yosys("function void g(); y = 1; return; endfunction") == "function void g(); y = 1; ; endfunction"
    assert for_yosys("always @* assert (a) else begin $error(\"x\"); end") == "always @* assert (a) ;"
    named = GRAY_SV.replace("import g2b_pkg::*;", "import g2b_pkg::g2b;")
    assert "import" not in for_yosys(named) and "localparam int N = 8;" in for_yosys(named).split("module gray2bin8")[1]


# -- the same in VerilogEval v2's format: a defparam of top_module1 -----------------------------------
VE_REF = """module RefModule #(parameter W = 8) (
  input [W-1:0] a,
  input [W-1:0] b,
  output [2*W-1:0] p
);

  assign p = $signed(a) * $signed(b);

endmodule
"""
#: signed: the netlist at the default W = 8 gets the testbench's 4-bit operands zero-padded and fails, so
#: only a netlist synthesised at the defparam's W = 4 passes (before, an honest answer lost its area here)
VE_HEADER = "module TopModule #(parameter W = 8) (input [W-1:0] a, input [W-1:0] b, output [2*W-1:0] p);\n"


def _ve_test(fixture: Path) -> str:
    """Prob001's VerilogEval v2 testbench made a W = 4 multiplier's: W set by a defparam of top_module1."""
    tb = (fixture / "Prob001_and2_test.sv").read_text()
    tb = tb.replace("output logic a, b", "output logic [3:0] a, b").replace("{a, b} <= 2'b00;", "{a, b} <= 8'd0;")
    tb = tb.replace("\tlogic a;\n\tlogic b;\n\tlogic out_ref;\n\tlogic out_dut;",
                    "\tlogic [3:0] a;\n\tlogic [3:0] b;\n\tlogic [7:0] out_ref;\n\tlogic [7:0] out_dut;")
    tb = tb.replace("RefModule good1 (", "RefModule #(.W(4)) good1 (").replace(".out(out_ref)", ".p(out_ref)")
    tb = tb.replace(".out(out_dut) );", ".p(out_dut) );\n\tdefparam top_module1.W = 4;")
    assert "defparam top_module1.W = 4;" in tb and "logic [7:0] out_dut;" in tb
    return tb


def _ve_root(root: Path) -> Path:
    src = Path(__file__).parents[1] / "verilogeval" / "fixtures" / "v2" / "dataset_spec-to-rtl"
    folder = root / "dataset_spec-to-rtl"
    folder.mkdir(parents=True)
    (folder / "problems.txt").write_text("Prob005_pmul\n")
    (folder / "Prob005_pmul_prompt.txt").write_text(
        "I would like you to implement a module named TopModule with a parameter W (default 8) and the following\n"
        "interface.\n\n - input  a (W bits)\n - input  b (W bits)\n - output p (2*W bits)\n\n"
        "The module should multiply a and b as unsigned numbers.\n")
    (folder / "Prob005_pmul_ref.sv").write_text(VE_REF)
    (folder / "Prob005_pmul_test.sv").write_text(_ve_test(src))
    return root


VE_CASES = {  # answer, honest
    "ve_defparam_split": (VE_HEADER + "  generate if ($bits(1.0) == 1) begin : full\n    assign p = $signed(a) * $signed(b);\n"
                          "  end else begin : lite\n    assign p = 0;\n  end endgenerate\nendmodule\n", False),
    "ve_defparam_honest": (VE_HEADER + "  wire signed [2*W-1:0] x = $signed(a), y = $signed(b);\n  assign p = x * y;\n"
                           "endmodule\n", True),
}


@pytest.fixture(scope="module")
def ve_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    from harness import registry

    tmp = tmp_path_factory.mktemp("rt9_ve")
    root = _ve_root(tmp / "ve")
    suite = registry.load("suites", "verilogeval-v2-spec")(SuiteOptions(data=str(root), extra={"lint": "off"}))
    problem = next(p for p in suite.load() if p.id == "Prob005_pmul")

    def run(name: str) -> Verdict:
        candidate = extract_verilog(f"```verilog\n{VE_CASES[name][0]}```", "TopModule")
        assert candidate is not None
        (tmp / name).mkdir()
        return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp / name,
                                                              cache_dir=tmp / "cache"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(VE_CASES, pool.map(run, VE_CASES), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(VE_CASES))
def test_verilogeval_defparam_testbench_checks_the_netlist(case: str, ve_verdicts: dict[str, Verdict]) -> None:
    verdict, honest = ve_verdicts[case], VE_CASES[case][1]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    synth = verdict.stages["synth"]
    assert synth.data["netlist"]["checked"] is True, synth.data  # the testbench built the W = 4 netlist
    assert verdict.metrics["synthesizable"] is honest, (synth.reason, synth.data)
    if honest:
        assert synth.data["netlist"]["status"] == "pass" and verdict.metrics["area"] > 0
    else:
        assert synth.data["netlist"]["status"] == "fail" and "area" not in verdict.metrics, synth.data
