"""The design scored is the design tested, for verilog-hard problems with a trusted wrapper (#14).

The wrapper instantiates the answer at several parameter values. Synthesis reads the answer inside
it (:mod:`harness.families.verilog.wrapsynth`): every parameter set the wrapper uses is one netlist
module, the scores are theirs, and the problem's tests re-run on the wrapper's netlist.

- Red team round 7 S6 adapted: ``generate if ($bits(1.0) == 1)`` (1 in Icarus, 32 in yosys)
  simulates the reference and synthesises outputs tied to 0: it passes, with no area credit.
- Cheap only at the defaults: an answer right at every parameter set the wrapper tests and empty
  at its default parameters (which the wrapper does not test) was scored at the defaults, area
  ratio near 0; it is now scored at the tested sets.
- Honest: the same shape with the reference in a helper module instantiated under ``generate``
  passes with its netlist checked and the reference's area.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.verilog_hard import VerilogHardSuite
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.ports import port_directions
from harness.families.verilog.wrapsynth import Wrapper, mark_instances, rename_modules, scores
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status, Verdict


def split_design(reference: str, top: str, params: tuple[str, ...], cond: str) -> str:
    """``top`` built from the reference (renamed ``<top>_impl``) when ``cond`` holds, else every
    output tied to 0: the generate branch decides what is simulated and what is synthesised."""
    start = reference.index(f"module {top}")
    header = reference[start:reference.index(");", start) + 2]
    header = re.sub(r"\boutput\s+reg\b", "output wire", header)
    ports = port_directions(reference, top)
    overrides = ", ".join(f".{p}({p})" for p in params)
    conns = ", ".join(f".{name}({name})" for name, _ in ports)
    zeros = "".join(f"    assign {name} = 0;\n" for name, way in ports if way == "output")
    impl = reference.replace(f"module {top}", f"module {top}_impl", 1)
    return (f"{header}\n  generate if ({cond}) begin : g_real\n    {top}_impl #({overrides}) u_impl ({conns});\n"
            f"  end else begin : g_cheap\n{zeros}  end endgenerate\nendmodule\n\n{impl}")


#: (problem, parameters passed through, condition of the real branch, what must come out)
CASES = {
    "s6_bits_real": ("cdc_handshake", ("W",), "$bits(1.0) == 1", "no_credit"),
    "cheap_at_untested_defaults": ("i2c_complete", ("DIV",), "DIV != 2", "full_credit"),
    "honest_helper_under_generate": ("pwm_deadtime_modify", ("CW",), "CW > 0", "full_credit"),
}


def _evaluate(case: str, tmp_path: Path) -> Verdict:
    problem_id, params, cond, _ = CASES[case]
    suite = VerilogHardSuite(SuiteOptions(extra={"lint": "off", "fallback": "off"}))
    problem = next(p for p in suite.problems() if p.id == problem_id)
    assert problem.reference is not None
    code = split_design(problem.reference, problem.data["top"], params, cond)
    candidate = extract_verilog(f"```verilog\n{code}```", problem.data["top"])
    assert candidate is not None
    work = tmp_path / case
    work.mkdir()
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work, cache_dir=work / "cache")
    return suite.evaluate(problem, candidate, ctx)


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    tmp = tmp_path_factory.mktemp("netlist_wrapper")
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(CASES, pool.map(lambda case: _evaluate(case, tmp), CASES), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_wrapper_problem_scores_the_tested_netlist(case: str, verdicts: dict[str, Verdict]) -> None:
    verdict, expected = verdicts[case], CASES[case][3]
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)  # the simulated design is right
    synth = verdict.stages["synth"]
    if expected == "no_credit":
        assert verdict.metrics["synthesizable"] is False, verdict.metrics
        assert "area_ratio" not in verdict.metrics and "area" not in verdict.metrics, verdict.metrics
        assert synth.data["netlist"]["checked"] is True and synth.data["netlist"]["status"] == "fail", synth.data
        assert "not the design simulated" in synth.reason, synth.reason
    else:
        assert verdict.metrics["synthesizable"] is True, (synth.reason, synth.data)
        assert synth.data["netlist"] == {"checked": True, "status": "pass", "reason": ""}, synth.data
        assert 0.9 <= verdict.metrics["area_ratio"] <= 1.1, verdict.metrics


# -- the parts, without tools ----------------------------------------------------------------------
STAT = """{"modules": {
  "$paramod$ab12\\\\dut": {"num_cells": 3, "num_cells_by_type": {"$_AND_": 2, "$_DFF_P_": 1}},
  "\\\\dut": {"num_cells": 2, "num_cells_by_type": {"$_XOR_": 1, "$paramod$ab12\\\\dut": 1}},
  "\\\\wrap": {"num_cells": 4, "num_cells_by_type": {"$paramod$ab12\\\\dut": 2, "dut": 1, "$_OR_": 7}}}}"""
LTP = ("Longest topological path in $paramod$ab12\\dut (length=4):\nLongest topological path in dut (length=6):\n"
       "Longest topological path in wrap (length=9):\n")


def test_scores_count_every_instance_of_the_answer_and_not_the_wrapper() -> None:
    by_type, depth, derived, why = scores(STAT, LTP, Wrapper({}, "wrap", ("dut",)))
    assert why == ""
    # two instances of the derived module, one of dut (which holds one more; yosys names a cell's type
    # without the module's leading backslash): the wrapper's OR cells left out
    assert by_type == {"$_AND_": 6, "$_DFF_P_": 3, "$_XOR_": 1}
    assert depth == 6  # the worst of the answer's modules, not the wrapper's path
    assert sorted(derived) == ["$paramod$ab12\\dut", "dut"]


def test_no_instance_of_the_answer_cannot_be_scored() -> None:
    stat = '{"modules": {"\\\\wrap": {"num_cells": 1, "num_cells_by_type": {"$_OR_": 1}}}}'
    assert "holds no instance" in scores(stat, "", Wrapper({}, "wrap", ("dut",)))[3]


def test_per_parameter_modules_get_plain_names() -> None:
    netlist = "module \\$paramod$ab12\\dut (a, y);\nendmodule\nmodule wrap();\n  \\$paramod$ab12\\dut  _0_ (\n);\nendmodule\n"
    out = rename_modules(netlist, ["$paramod$ab12\\dut", "dut"])
    assert "$paramod" not in out and out.count("hweval_nl0_dut ") == 2, out


def test_only_the_wrappers_instances_of_the_answer_are_kept_whole() -> None:
    wrapper = "module wrap(input a, output y, z);\n  dut #(.W(1)) u0 (a, y);\n  helper h (a, z);\nendmodule\n"
    marked = mark_instances(wrapper, ("dut",))
    assert marked.count("(* keep_hierarchy *)") == 1 and "(* keep_hierarchy *) dut #(.W(1)) u0" in marked
