"""Issue #14, Verilog family, round 8: the red team's and the honest-answer tester's findings.

- S1 (netlist bloat): a ``generate`` loop of 4500 blocks with 1000-character labels, each a public
  wire aliasing an input, costs no cell but made yosys's netlist 9 MB, over the size brought back;
  the netlist re-test was then skipped with the scores kept, so round 7's ``$bits(1.0)`` split
  (Icarus simulates ``a * b``, yosys synthesises ``p = 0``) scored area 0 again. Now every name
  but the ports is made internal before the netlist is written (``synth.HIDE_NAMES``), so its size
  is its cells'; and a netlist that still does not come back gets no area, cells or depth.
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
    "shift_add_generate": MULT_HEADER + "  wire [15:0] part [0:7];\n  genvar i;\n  generate for (i = 0; i < 8; i = i + 1)"
                          " begin : g_row\n    assign part[i] = b[i] ? ({8'd0, a} << i) : 16'd0;\n  end endgenerate\n"
                          "  assign p = part[0] + part[1] + part[2] + part[3] + part[4] + part[5] + part[6] + part[7];\n"
                          "endmodule\n",
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
