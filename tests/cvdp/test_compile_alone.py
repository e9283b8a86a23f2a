"""Honest12 O1: an answer Icarus cannot compile as the harness's build compiles it (an interface
port in a submodule, an enum cast in a function) is the answer's ``syntax_error``, told before the
interface probe (:func:`benchmarks.cvdp.guard.alone`); it was ``rejected`` ``interface``, and
integrity rejections count as attacks in reports. An answer that compiles so but not as the
probe's child is still rejected (fail closed)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cvdp import fixtures

pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs iverilog")

#: the ALU's core with an enum cast Icarus 11 does not take ("sorry: This cast operation is not yet supported")
ALU_CORE_CAST = """package alu_ops_pkg;
    typedef enum logic [1:0] {OP_ADD = 2'd0, OP_AND = 2'd1, OP_OR = 2'd2, OP_SUB = 2'd3} alu_op_e;
endpackage
module alu_core import alu_ops_pkg::*; #(parameter WIDTH = 4) (
    input  logic [WIDTH-1:0] a,
    input  logic [WIDTH-1:0] b,
    input  logic [1:0]       op,
    output logic [WIDTH-1:0] y
);
    function automatic logic [WIDTH-1:0] compute(input logic [WIDTH-1:0] x, input logic [WIDTH-1:0] z,
                                                 input logic [1:0] sel);
        case (alu_op_e'(sel))
            OP_ADD:  return x + z;
            OP_AND:  return x & z;
            OP_SUB:  return x - z;
            default: return x | z;
        endcase
    endfunction
    always_comb y = compute(a, b, op);
endmodule
"""
#: the counter through an interface port of a submodule (``cnt_if.src o``: a syntax error to Icarus 11)
COUNTER_IFACE = """interface cnt_if;
    logic [3:0] next;
    modport src (output next);
endinterface
module cnt_next (input logic [3:0] q, input logic rst, input logic en, cnt_if.src o);
    always_comb o.next = rst ? 4'd0 : (en ? q + 4'd1 : q);
endmodule
module counter4 (input logic clk, input logic rst, input logic en, output logic [3:0] q);
    cnt_if s ();
    cnt_next u_next (.q(q), .rst(rst), .en(en), .o(s));
    always_ff @(posedge clk) q <= s.next;
endmodule
"""


def _job_folder(root: Path, answer: dict[str, str], harness: dict[str, str] | None = None) -> list[str]:
    """A job folder as the sandbox has it (``code/`` the answer's files, ``src/`` the harness's)."""
    for name, text in {**{f"code/{n}": t for n, t in answer.items()}, **(harness or {})}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return sorted(f"code/{n}" for n in answer)


def test_an_answer_icarus_cannot_compile_is_told_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.cvdp.guard import alone

    monkeypatch.chdir(tmp_path)
    reference = fixtures.ALU_TOP + fixtures.ALU_CORE
    sets = [{"top": "alu_top", "parameters": {"WIDTH": "8"}, "defines": {}}]
    files = _job_folder(tmp_path, {"rtl/alu_top.sv": fixtures.ALU_TOP, "rtl/alu_core.sv": ALU_CORE_CAST})
    found = alone(files, reference, ["alu_top"], sets)
    assert found is not None and "top alu_top" in found and "cast operation is not yet supported" in found, found
    assert "code/rtl/alu_core.sv:" in found and str(tmp_path) not in found  # the job folder's path is left out
    # the reference's own files compile so: nothing to report
    (tmp_path / "code/rtl/alu_core.sv").write_text(fixtures.ALU_CORE)
    assert alone(files, reference, ["alu_top"], sets) is None


def test_only_where_the_reference_compiles_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build the reference does not compile either tells nothing about the answer (the probe decides)."""
    from benchmarks.cvdp.guard import alone

    monkeypatch.chdir(tmp_path)
    files = _job_folder(tmp_path, {"rtl/counter4.sv": COUNTER_IFACE})
    assert alone(files, fixtures.COUNTER, ["counter4"], []) is not None
    needs = fixtures.COUNTER.replace("endmodule", "  missing_mod u_m ();\nendmodule")
    assert alone(files, needs, ["counter4"], []) is None


def test_an_upward_name_under_the_harness_top_compiles_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the harness's ``tb_top`` an answer reaching ``u_ref.p`` compiles as the build compiles it:
    not a syntax error; the probe, where it has no scope above, rejects it (end to end below)."""
    from benchmarks.cvdp.guard import alone
    from tests.security.test_verilog_inputs_rt9 import MUL8, TB_TOP

    monkeypatch.chdir(tmp_path)
    upward = MUL8.replace("a * b", "u_ref.p")
    files = _job_folder(tmp_path, {"rtl/mul8.sv": upward}, {"src/tb_top.sv": TB_TOP})
    assert alone(files, MUL8, ["mul8", "tb_top"], []) is None
    (tmp_path / "src/tb_top.sv").unlink()  # the answer as the root: u_ref has no scope
    assert alone(files, MUL8, ["mul8"], []) is not None


@pytest.mark.slow
def test_end_to_end(tmp_path: Path, bwrap_sandbox) -> None:  # type: ignore[no-untyped-def]
    """The records: the two Icarus-incompatible answers are ``syntax_error``; attacks the probe
    rejects (ports of the wrong width, an upward name behind a decoy) still are; the reference passes."""
    from benchmarks.cvdp.answer import model_answer
    from harness.api import score_response
    from harness.suite import EvalContext
    from harness.types import Status
    from tests.security.test_verilog_inputs_rt9 import MUL8, mul8_record

    ctx = EvalContext(sandbox=bwrap_sandbox, cache_dir=tmp_path)
    suite, problem = fixtures.one_record_suite(tmp_path, fixtures.alu(), "cvdp_alu")
    v = score_response(suite, problem, model_answer({"rtl/alu_top.sv": fixtures.ALU_TOP, "rtl/alu_core.sv": ALU_CORE_CAST}), ctx)
    assert v.status == Status.SYNTAX_ERROR and "cast operation" in v.reason, (v.status, v.reason)
    v = score_response(suite, problem, suite.reference_response(problem), ctx)
    assert v.status == Status.PASS, (v.reason, v.logs)
    suite, problem = fixtures.one_record_suite(tmp_path, fixtures.counter(), "cvdp_counter")
    v = score_response(suite, problem, model_answer({"rtl/counter4.sv": COUNTER_IFACE}), ctx)
    assert v.status == Status.SYNTAX_ERROR and "syntax error" in v.reason, (v.status, v.reason)
    suite, problem = fixtures.one_record_suite(tmp_path, mul8_record(), "cvdp_mul8")
    narrow = MUL8.replace("[7:0] a", "[0:0] a").replace("[7:0] b", "[0:0] b").replace("a * b", "a & b")
    upward = MUL8.replace("a * b", "u_ref.p") + "module mul8_unused; wire u_ref; endmodule\n"
    for code, rule in ((narrow, "interface"), (upward, "hierarchical_reference")):
        v = score_response(suite, problem, model_answer({"rtl/mul8.sv": code}), ctx)
        assert (v.status, v.rule) == (Status.REJECTED, rule), (rule, v.status, v.reason)
