"""A context file of macros that the harness compiles before the answer (honest11 F5): each answer
file is preprocessed on its own, so its uses of those macros expanded to nothing and the record's
own reference failed to build. The context's `define lines are now in force when it is preprocessed."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.jobs.verilog_check import define_lines

DEFS = """`ifndef MUL_DEFS_VH
`define MUL_DEFS_VH
`define MUL_W 8
`define PROD(x, y) \\
    ((x) * (y))
`endif
"""
MUL8 = """module mul8 (input logic [`MUL_W-1:0] a, input logic [`MUL_W-1:0] b, output logic [2*`MUL_W-1:0] p);
    assign p = `PROD(a, b);
endmodule
"""


def test_define_lines_keeps_continuations_and_conditionals_and_nothing_else() -> None:
    assert define_lines(DEFS + "module m; endmodule\n") == DEFS


def test_a_conditional_define_takes_the_branch_the_preprocessor_takes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """honest11b F9: `ifdef around a macro was dropped, so both branches' defines applied."""
    import os

    from harness.jobs.verilog_check import check_candidate

    defs = "`define FAST\n`ifdef FAST\n  `define DEPTH 4\n`else\n  `define DEPTH 16\n`endif\n"
    answer = tmp_path / "a.v"
    answer.write_text("module m(output [7:0] d); assign d = `DEPTH; endmodule\n")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        rec = check_candidate(str(answer), str(tmp_path / "out.v"), defines=define_lines(defs))
    finally:
        os.chdir(cwd)
    assert rec["status"] == "pass", rec
    assert "assign d = 4;" in (tmp_path / "out.v").read_text()


@pytest.mark.slow
def test_a_reference_and_an_answer_using_the_contexts_macros_pass(tmp_path: Path, bwrap_sandbox) -> None:  # type: ignore[no-untyped-def]
    from benchmarks.cvdp.answer import model_answer
    from harness.api import score_response
    from harness.suite import EvalContext
    from harness.types import Status
    from tests.cvdp import fixtures
    from tests.security.test_verilog_inputs_rt9 import mul8_harness

    rec = fixtures.record(
        "cvdp_copilot_mul8d_0001", "cid003", "easy",
        "Design `mul8` in rtl/mul8.sv: p = a * b, unsigned; widths from the macros of rtl/mul_defs.vh "
        "(`MUL_W, `PROD), which is compiled before it.",
        {"rtl/mul_defs.vh": DEFS}, {"rtl/mul8.sv": MUL8}, mul8_harness("/code/rtl/mul_defs.vh /code/rtl/mul8.sv"))
    suite, problem = fixtures.one_record_suite(tmp_path, rec)
    ctx = EvalContext(sandbox=bwrap_sandbox, cache_dir=tmp_path)
    ref = score_response(suite, problem, suite.reference_response(problem), ctx)
    assert ref.status == Status.PASS, ref.reason
    wrong = score_response(suite, problem, model_answer({"rtl/mul8.sv": MUL8.replace("`PROD(a, b)", "a + b")}), ctx)
    assert wrong.status == Status.FAIL, wrong.reason
