"""A `` `timescale `` written outside the module is kept by extraction (an honest answer's legal
directive, red team round 4 side finding) and passes on every Verilog flow."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.api import load_suite
from harness.families.verilog.extract import extract_verilog
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status
from tests.verilogeval.conftest import V2, make_suite

AND_CORE = "`timescale 1ns/1ps\n\nmodule and_gate(input wire a, input wire b, output wire y);\n  assign y = a & b;\nendmodule\n"
AND_V2 = "`timescale 1ns / 1ps\nmodule TopModule(input a, input b, output out);\n  assign out = a & b;\nendmodule\n"


def test_extraction_keeps_a_timescale_outside_the_module() -> None:
    one = extract_verilog(f"Here:\n```verilog\n{AND_CORE}```\n", "and_gate")
    assert one is not None and one.code.startswith("`timescale 1ns/1ps\n")
    helper = "module h(input x, output y); assign y = x; endmodule\n"
    two = extract_verilog(f"```verilog\n{AND_CORE}```\nand a helper\n```verilog\n`timescale 1ns/1ps\n{helper}```\n",
                          "and_gate")
    assert two is not None and two.code.count("`timescale 1ns/1ps") == 1 and two.meta["modules"] == ["and_gate", "h"]
    bare = extract_verilog(f"The answer is\n{AND_CORE}\nDone.", "and_gate")
    assert bare is not None and bare.code.startswith("`timescale 1ns/1ps\n")


@pytest.mark.slow
def test_a_timescale_answer_passes_verilog_core(tmp_path: Path) -> None:
    suite = load_suite("verilog-core", SuiteOptions(extra={"synth": "off"}))
    problem = next(p for p in suite.problems() if p.id == "and_gate")
    cand = suite.extract(problem, Completion(suite.name, problem.id, 0, f"```verilog\n{AND_CORE}```"))
    assert cand is not None and "`timescale" in cand.code
    verdict = suite.evaluate(problem, cand, EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path))
    assert verdict.status == Status.PASS, verdict.reason


@pytest.mark.slow
def test_a_timescale_answer_passes_verilogeval_v2(tmp_path: Path) -> None:
    suite = make_suite("verilogeval-v2-spec", V2, extra={"synth": "off"})
    problem = next(p for p in suite.problems() if p.id == "Prob001_and2")
    cand = suite.extract(problem, Completion(suite.name, problem.id, 0, f"```verilog\n{AND_V2}```"))
    assert cand is not None and "`timescale" in cand.code
    verdict = suite.evaluate(problem, cand, EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path))
    assert verdict.status == Status.PASS, verdict.reason
