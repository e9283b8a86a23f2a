"""Issue #14, Verilog family, round 8: the red team's and the honest-answer tester's findings.

- S1 (netlist bloat): a ``generate`` loop of 4500 blocks with 1000-character labels, each a public
  wire aliasing an input, costs no cell but made yosys's netlist 9 MB, over the size brought back;
  the netlist re-test was then skipped with the scores kept, so round 7's ``$bits(1.0)`` split
  (Icarus simulates ``a * b``, yosys synthesises ``p = 0``) scored area 0 again. Now every name
  but the ports is made internal before the netlist is written (``synth.HIDE_NAMES``), so its size
  is its cells'; and a netlist that still does not come back gets no area, cells or depth.
- S5 (netlist that does not build): an extra, unconnected input port named ``\\bool`` (or ``\\wone``)
  comes out of yosys unescaped, so the netlist did not compile with the testbench: ``syntax_error``,
  left unchecked with the area kept in the testbench suites (VerilogEval, RTLLM). Now a netlist
  the testbench cannot build counts as not completing it wherever the testbench builds the
  reference's netlist; and a netlist read as no module is no longer "unchecked".
- Known gap closed (testbench suites): an RTLLM-format testbench that sets the design's parameters
  (``pmul #(.W(W)) uut``) could not build the parameterless netlist, so the check was skipped with
  the scores kept and round 7's split kept its area credit. The answer is now synthesised at the
  testbench's values (:mod:`harness.families.verilog.tbparams`) and that netlist tested.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.netcheck import netlist_check
from harness.families.verilog.synth import HIDE_NAMES, SynthResult, _script
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status, Verdict

MULT_HEADER = "module mult8u (input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);\n"
SPLIT = "  generate if ($bits(1.0) == 1) begin : full\n    assign p = a * b;\n" \
        "  end else begin : lite\n    assign p = 16'd0;\n  end endgenerate\n"


def bloat(count: int, label: int) -> str:
    """A generate loop of ``count`` blocks labelled with ``label`` characters, each a public wire."""
    return (f"  genvar i;\n  generate for (i = 0; i < {count}; i = i + 1) begin : g{'x' * label}\n"
            "    wire [7:0] t = a;\n  end endgenerate\n")


# -- S1: a netlist bloated past the size brought back -----------------------------------------------
S1_ATTACKS = {
    "rt8_s1_reproducer": MULT_HEADER + SPLIT + bloat(4500, 1000) + "endmodule\n",
    # the names come from flattening: a helper instantiated under a long instance name in each block
    "bloat_by_flattened_instances": MULT_HEADER + SPLIT + "  genvar i;\n  generate for (i = 0; i < 2500; i = i + 1)"
                                    " begin : g\n    pass8 u" + "y" * 2000 + " (.d(a));\n  end endgenerate\nendmodule\n"
                                    "module pass8 (input wire [7:0] d);\n  wire [7:0] keep = d;\nendmodule\n",
}
S1_HONEST = {
    # the same many long-named wires around a real multiplier: checked, and credited
    "many_long_names_real_multiplier": MULT_HEADER + "  assign p = a * b;\n" + bloat(4500, 1000) + "endmodule\n",
    # the plain honest control (a shift-add multiplier keeps its netlist check and area) is
    # test_verilog_rt7's test_honest_designs_keep_their_area_score[shift_add_generate]: the same
    # text on the same problem and path, so it is not simulated here a second time
}


def _mult8u(code: str, work: Path) -> Verdict:
    from benchmarks.verilog_core import VerilogCoreSuite

    suite = VerilogCoreSuite(SuiteOptions(extra={"lint": "off", "fallback": "off"}))
    problem = next(p for p in suite.problems() if p.id == "mult8u")
    candidate = extract_verilog(f"```verilog\n{code}```", "mult8u")
    assert candidate is not None
    work.mkdir()
    return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work,
                                                          cache_dir=work / "cache"))


@pytest.fixture(scope="module")
def s1_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    tmp = tmp_path_factory.mktemp("rt8_s1")
    cases = {**S1_ATTACKS, **S1_HONEST}
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(cases, pool.map(lambda name: _mult8u(cases[name], tmp / name), cases), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("attack", sorted(S1_ATTACKS))
def test_s1_bloated_netlist_gets_no_area_score(attack: str, s1_verdicts: dict[str, Verdict]) -> None:
    verdict = s1_verdicts[attack]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)  # the simulated design multiplies
    assert verdict.metrics["synthesizable"] is False, verdict.metrics
    assert "area_ratio" not in verdict.metrics and "area" not in verdict.metrics, verdict.metrics
    netlist = verdict.stages["synth"].data["netlist"]
    assert netlist["checked"] is True and netlist["status"] == "fail", netlist  # small enough to test now


@pytest.mark.slow
@pytest.mark.parametrize("honest", sorted(S1_HONEST))
def test_s1_honest_answers_keep_their_scores(honest: str, s1_verdicts: dict[str, Verdict]) -> None:
    verdict = s1_verdicts[honest]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    assert verdict.metrics["synthesizable"] is True, verdict.stages["synth"]
    assert verdict.stages["synth"].data["netlist"] == {"checked": True, "status": "pass", "reason": ""}
    assert verdict.metrics["area"] > 0


def test_s1_netlist_script_hides_every_name_but_the_ports() -> None:
    script = _script("mult8u", netlist=True).splitlines()
    write = next(i for i, line in enumerate(script) if line.startswith("write_verilog"))
    assert script[write - len(HIDE_NAMES):write] == list(HIDE_NAMES)
    assert HIDE_NAMES[0] == "rename -hide w:* c:*" and "opt_clean" in HIDE_NAMES


def test_s1_netlist_that_did_not_come_back_loses_the_scores() -> None:
    def never(_: str) -> Verdict:
        raise AssertionError("no netlist: nothing to re-test")

    cand, found = netlist_check(SynthResult(True, cells=0, area=0.0, depth=0, netlist=""), never)
    assert found["checked"] is False
    assert cand.synthesizable is False and cand.area is None and cand.cells is None and cand.depth is None
    assert "cannot be checked" in cand.reason


# -- a testbench that sets the design's parameters (RTLLM format) ---------------------------------
PMUL_HEADER = "module pmul #(parameter W = 8) (input wire [W-1:0] a, input wire [W-1:0] b, output wire [2*W-1:0] p);\n"
PMUL_TB = """`timescale 1ns / 1ps
module testbench;
    parameter W = 6;
    reg [W-1:0] a, b;
    wire [2*W-1:0] p;
    integer i, error = 0;
    pmul #(.W(W)) uut (.a(a), .b(b), .p(p));
    initial begin
        for (i = 0; i < 4096; i = i + 1) begin
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
PMUL_CASES = {
    # attacks: simulated right, synthesised as 0 (round 7 S6 in a parameterised design)
    "split_bits_real": (PMUL_HEADER + "  generate if ($bits(1.0) == 1) begin : full\n    assign p = a * b;\n"
                        "  end else begin : lite\n    assign p = 0;\n  end endgenerate\nendmodule\n", False),
    # honest: a shift-add multiplier under generate, at any W
    "shift_add_generate": (PMUL_HEADER + "  wire [2*W-1:0] part [0:W-1];\n  genvar i;\n  generate for (i = 0; i < W; i = i + 1)"
                           " begin : g_row\n    assign part[i] = b[i] ? ({{W{1'b0}}, a} << i) : 0;\n  end endgenerate\n"
                           "  integer k;\n  reg [2*W-1:0] acc;\n  always @* begin\n    acc = 0;\n"
                           "    for (k = 0; k < W; k = k + 1) acc = acc + part[k];\n  end\n  assign p = acc;\nendmodule\n",
                           True),
}


def _rtllm_root(root: Path) -> Path:
    folder = root / "Arithmetic" / "Multiplier" / "pmul"
    folder.mkdir(parents=True)
    (folder / "design_description.txt").write_text(
        "Please act as a professional verilog designer.\n\nImplement an unsigned multiplier of two W-bit "
        "inputs.\n\nModule name:\n    pmul\nInput ports:\n    a[W-1:0], b[W-1:0]\nOutput ports:\n    p[2*W-1:0]\n")
    (folder / "testbench.v").write_text(PMUL_TB)
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
def pmul_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    tmp = tmp_path_factory.mktemp("rt8_tbparams")
    root = _rtllm_root(tmp / "rtllm")
    return {name: _pmul(code, root, tmp / name) for name, (code, _) in PMUL_CASES.items()}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(PMUL_CASES))
def test_parameterised_testbench_checks_the_netlist(case: str, pmul_verdicts: dict[str, Verdict]) -> None:
    verdict, honest = pmul_verdicts[case], PMUL_CASES[case][1]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    synth = verdict.stages["synth"]
    assert synth.data["netlist"]["checked"] is True, synth.data  # the testbench built the netlist
    assert verdict.metrics["synthesizable"] is honest, (synth.reason, synth.data)
    if honest:
        assert synth.data["netlist"]["status"] == "pass" and verdict.metrics["area"] > 0
        assert synth.data["reference"]["cells"] == verdict.metrics["ref_cells"]
    else:
        assert "area" not in verdict.metrics and synth.data["netlist"]["status"] == "fail", verdict.metrics


def test_testbench_overrides_are_read_as_the_testbench_sets_them() -> None:
    from harness.families.verilog.tbparams import design_netlist, names_of, param_wrapper

    found = param_wrapper([PMUL_TB], "pmul")
    assert found is not None
    wrapper, names = found
    assert names == ["W"] and wrapper.sim_top == "hweval_tbparams"
    assert "parameter W = 6;" in wrapper.sources["hweval_tbparams.v"]  # the testbench's value, not the default
    assert names_of("8, 4") == ["hweval_p0", "hweval_p1"]
    assert param_wrapper([PMUL_TB.replace("pmul #(.W(W)) uut", "pmul uut")], "pmul") is None  # nothing set
    assert param_wrapper([PMUL_TB + "module x; defparam testbench.uut.W = 4; endmodule\n"], "pmul") is None
    netlist = ("module hweval_nl0_pmul(a, b, p);\n  input a;\nendmodule\n"
               "module hweval_tbparams();\n  hweval_nl0_pmul _0_ ();\nendmodule\n")
    out = design_netlist(netlist, "pmul", ["W"])
    assert out.startswith("module pmul(a, b, p);\n  parameter W = 0;") and "hweval_tbparams" not in out, out


# -- S5: a port name that makes the netlist not build ---------------------------------------------
AND2_SPLIT = ("  generate if ($bits(1.0) == 1) begin : full\n    assign out = a & b;\n  end else begin : lite\n"
              "    assign out = 1'b0;\n  end endgenerate\nendmodule\n")
S5_CASES = {
    # (suite, problem, answer, honest)
    "rt8_s5_bool_port": ("verilogeval-v2-spec", "Prob001_and2",
                         "module TopModule (input a, input b, input \\bool , output out);\n" + AND2_SPLIT, False),
    "wone_port_parameterised_tb": ("rtllm", "pmul", PMUL_CASES["split_bits_real"][0].replace(
        "output wire [2*W-1:0] p);", "input wire \\wone , output wire [2*W-1:0] p);"), False),
    "honest_spare_port": ("verilogeval-v2-spec", "Prob001_and2",
                          "module TopModule (input a, input b, input spare, output out);\n  assign out = a & b;\n"
                          "endmodule\n", True),
}


def _tb_suite(suite_name: str, pid: str, code: str, data: Path, work: Path) -> Verdict:
    """``code`` evaluated for problem ``pid`` of a testbench suite (caches under ``work``'s parent)."""
    from harness import registry

    suite = registry.load("suites", suite_name)(SuiteOptions(data=str(data), extra={"lint": "off"}))
    problem = next(p for p in suite.load() if p.id == pid)
    candidate = extract_verilog(f"```verilog\n{code}```", problem.data["top"])
    assert candidate is not None
    work.mkdir()
    return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work,
                                                          cache_dir=work.parent / "cache"))


@pytest.fixture(scope="module")
def s5_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    tmp = tmp_path_factory.mktemp("rt8_s5")
    data = {"rtllm": _rtllm_root(tmp / "rtllm"),
            "verilogeval-v2-spec": Path(__file__).parents[1] / "verilogeval" / "fixtures" / "v2"}

    def run(name: str) -> Verdict:
        suite_name, pid, code, _ = S5_CASES[name]
        return _tb_suite(suite_name, pid, code, data[suite_name], tmp / name)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(S5_CASES, pool.map(run, S5_CASES), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(S5_CASES))
def test_s5_netlist_that_does_not_build_gets_no_area_score(case: str, s5_verdicts: dict[str, Verdict]) -> None:
    verdict, honest = s5_verdicts[case], S5_CASES[case][3]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    netlist = verdict.stages["synth"].data["netlist"]
    assert netlist["checked"] is True, netlist
    assert verdict.metrics["synthesizable"] is honest, verdict.stages["synth"]
    if honest:
        assert netlist["status"] == "pass" and verdict.metrics["area"] > 0
    else:
        assert netlist["status"] == "runtime_error" and "did not build" in netlist["reason"], netlist
        assert "area" not in verdict.metrics


def test_s5_a_netlist_read_as_no_module_is_not_left_unchecked() -> None:
    from harness.families.verilog.netcheck import UNCHECKED

    cand, found = netlist_check(SynthResult(True, cells=1, area=1.0, depth=1, netlist="module m; endmodule\n"),
                                lambda _: Verdict(Status.NO_CODE, reason="no module in the netlist"))
    assert Status.NO_CODE not in UNCHECKED and found["checked"] is True
    assert cand.synthesizable is False and cand.area is None


def test_s5_build_failure_counts_only_where_the_reference_netlist_builds() -> None:
    from harness.families.verilog.netcheck import ReferenceBuilds, checked_build

    broken = Verdict(Status.SYNTAX_ERROR, reason="design.sv:3: syntax error")
    assert checked_build(broken, lambda: True).status is Status.RUNTIME_ERROR
    assert checked_build(broken, lambda: False).status is Status.SYNTAX_ERROR  # the tests build no netlist here

    def never() -> bool:
        raise AssertionError("the reference is asked only about a build failure")

    assert checked_build(Verdict(Status.FAIL, reason="x"), never).status is Status.FAIL
    memo, runs = ReferenceBuilds(), []

    def run(status: Status) -> Status:
        runs.append(status)
        return status

    assert memo("p", lambda: run(Status.INFRA_ERROR)) is False  # says nothing: asked again next time
    assert memo("p", lambda: run(Status.PASS)) is True and memo("p", lambda: run(Status.SYNTAX_ERROR)) is True
    assert memo("q", lambda: run(Status.SYNTAX_ERROR)) is False
    assert runs == [Status.INFRA_ERROR, Status.PASS, Status.SYNTAX_ERROR]
