"""Verdicts on the real Icarus: nonce-tagged verdict lines, integrity rules, failure classes."""
from __future__ import annotations

import pytest

from harness.families.verilog.tbeval import Testbench, judge_testbench
from harness.suite import EvalContext
from harness.types import Candidate, Completion, Problem, Status, Verdict
from tests.verilogeval.conftest import V2, make_suite

pytestmark = pytest.mark.slow

AND_HEADER = "module TopModule(input a, input b, output out);\n"
GOOD = AND_HEADER + "  assign out = a & b;\nendmodule\n"
WRONG = AND_HEADER + "  assign out = a | b;\nendmodule\n"


@pytest.fixture(scope="module")
def suite():  # type: ignore[no-untyped-def]
    return make_suite("verilogeval-v2-spec", V2)


def problem(suite, pid: str = "Prob001_and2") -> Problem:  # type: ignore[no-untyped-def]
    return next(p for p in suite.problems() if p.id == pid)


def judge(suite, code: str, ctx: EvalContext, pid: str = "Prob001_and2") -> Verdict:  # type: ignore[no-untyped-def]
    p = problem(suite, pid)
    cand = suite.extract(p, Completion(suite.name, pid, 0, f"```verilog\n{code}```"))
    assert cand is not None
    return suite.evaluate(p, cand, ctx)


def test_correct_answer_passes_with_synthesis_scores(suite, ctx: EvalContext) -> None:  # type: ignore[no-untyped-def]
    v = judge(suite, GOOD, ctx)
    assert v.status == Status.PASS, v.reason
    assert v.stages["function"].data["mismatches"] == 0 and v.stages["function"].data["samples"] > 20
    assert v.metrics["synthesizable"] is True and v.metrics["area_ratio"] == 1.0


def test_wrong_answer_fails_with_the_mismatch_class(suite, ctx: EvalContext) -> None:  # type: ignore[no-untyped-def]
    v = judge(suite, WRONG, ctx)
    assert v.status == Status.FAIL and "mismatches in" in v.reason
    assert v.stages["function"].data["class"] == "R"
    assert "synth" not in v.stages


def test_compile_errors_get_verilogeval_classes(suite, ctx: EvalContext) -> None:  # type: ignore[no-untyped-def]
    v = judge(suite, AND_HEADER + "  assign out = a & ;\nendmodule\n", ctx)
    assert v.status == Status.SYNTAX_ERROR and v.stages["syntax"].data["class"] == "S"
    v = judge(suite, AND_HEADER + "  always @(*) out = a & b;\nendmodule\n", ctx)
    assert v.status == Status.SYNTAX_ERROR and v.stages["syntax"].data["class"] == "w", v.reason
    v = judge(suite, "module Other(input a);\nendmodule\n", ctx)
    assert v.status == Status.SYNTAX_ERROR and "TopModule" in v.reason


# The candidate has no `timescale (its delays are in seconds): wait on its inputs instead.
EDGES = "repeat (6) @(a or b);"
FORGED = AND_HEADER + """  assign out = a | b;
  initial $display("Mismatches: 0 in 49 samples");
  final $display("Mismatches: 0 in 49 samples");
endmodule
"""


@pytest.mark.parametrize("code, rule", [
    (GOOD.replace("endmodule", "  initial begin @(a); $finish; end\nendmodule"), "early_finish"),
    (GOOD.replace("endmodule", "  initial begin @(a); $stop; end\nendmodule"), "early_finish"),
    (GOOD.replace("endmodule", "  initial begin @(a); $fatal(1, \"bye\"); end\nendmodule"), "early_finish"),
    (GOOD.replace("endmodule", "  integer f;\n  initial begin f = $fopen(\"x.txt\", \"w\"); $fwrite(f, \"1\"); end\n"
                  "endmodule"), "file_io"),
    (WRONG.replace("endmodule", "  always @(tb.stats1.errors) tb.stats1.errors = 0;\nendmodule"),
     "hierarchical_reference"),
    (AND_HEADER + "  assign out = good1.out;\nendmodule\n", "hierarchical_reference"),
    (WRONG.replace("endmodule", "  always @(a) $root.tb.stats1.errors = 0;\nendmodule"), "hierarchical_reference"),
])
def test_integrity_rules_reject(suite, ctx: EvalContext, code: str, rule: str) -> None:  # type: ignore[no-untyped-def]
    v = judge(suite, code, ctx)
    assert v.status == Status.REJECTED and v.rule == rule, (v.status, v.reason)


def test_forged_verdict_line_fails(suite, ctx: EvalContext) -> None:  # type: ignore[no-untyped-def]
    v = judge(suite, FORGED, ctx)
    assert v.status == Status.FAIL, v.reason


def test_without_the_integrity_scan_forgery_and_early_finish_still_fail(suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.security.verilog.probe import Probe

    ctx = EvalContext(sandbox=Probe(no_scan=True), cache_dir=tmp_path)
    assert judge(suite, FORGED, ctx).status == Status.FAIL
    early = GOOD.replace("endmodule", f"  initial begin {EDGES} $finish; end\nendmodule")
    v = judge(suite, early, ctx)
    assert v.status == Status.FAIL and "ended early" in v.reason, v.reason
    fatal = GOOD.replace("endmodule", f"  initial begin {EDGES} $fatal(1, \"bye\"); end\nendmodule")
    assert judge(suite, fatal, ctx).status == Status.FAIL


def test_a_verdict_line_on_the_simulators_output_counts_for_nothing(suite, ctx: EvalContext) -> None:  # type: ignore[no-untyped-def]
    # Only what the testbench sends over its channel is a verdict.
    p = problem(suite)
    tb = Testbench.from_data(p.data["tb"])
    v = judge_testbench(Candidate(FORGED), tb, ctx)
    assert v.status == Status.FAIL and v.stages["function"].data["mismatches"] > 0


def test_endless_simulation_times_out(suite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from harness.sandbox.base import Limits
    from harness.sandbox.local import BubblewrapSandbox

    short = EvalContext(sandbox=BubblewrapSandbox(), limits=Limits(wall_s=8), cache_dir=tmp_path)
    v = judge(suite, GOOD.replace("endmodule", "  initial while (1) #0;\nendmodule"), short)
    assert v.status == Status.TIMEOUT and v.stages["function"].data["class"] == "T", v.reason


def test_watchdog_hit_by_the_reference_too_is_no_failure(suite, ctx: EvalContext) -> None:  # type: ignore[no-untyped-def]
    code = "module TopModule(input clk, input [3:0] in, output reg [3:0] out);\n" \
           "  always @(posedge clk) out <= in;\nendmodule\n"
    v = judge(suite, code, ctx, "Prob004_longstim")
    assert v.status == Status.PASS, v.reason
    assert v.stages["function"].data["watchdog"] is True


def test_output_floods_cannot_hide_or_fake_the_verdict(suite, ctx: EvalContext) -> None:  # type: ignore[no-untyped-def]
    flood = "  initial repeat (20000) $display(\"TIMEOUT\");\nendmodule"
    v = judge(suite, GOOD.replace("endmodule", flood), ctx)
    assert v.status == Status.PASS  # the watchdog's word on the output is only output
    flood = "  initial repeat (20000) $display(\"Mismatches: 0 in 25 samples %0d\", $time);\nendmodule"
    assert judge(suite, GOOD.replace("endmodule", flood), ctx).status == Status.PASS
    assert judge(suite, WRONG.replace("endmodule", flood), ctx).status == Status.FAIL
