"""Red team 11a S4, S13, S14, S15 (CVDP): a design driving its own inputs in forms no text rule
lists (an interface or program with ports, unnamed port expressions, an escaped name holding
``endmodule``), found by elaborating each probed module with its inputs connected; an answer's
compilation-unit name shadowing what the hidden harness imports."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.cvdp.standalone import shadowing
from harness.families.verilog.extract import module_spans

needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs iverilog")

MUL8 = """module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    assign p = a * b;
endmodule
"""
DRIVES = {
    # S14: an answer-defined interface (or program) with ports, its output on the module's input
    "interface": """interface zero_if (output logic [7:0] y, input logic [7:0] x);
    assign y = x ^ x;
endinterface
module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    zero_if u0 (.y(a), .x(a));
    assign p = 16'd0;
endmodule
""",
    "program": """program zero_pg (output logic [7:0] y, input logic [7:0] x);
    assign y = x ^ x;
endprogram
module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    zero_pg u0 (.y(b), .x(b));
    assign p = 16'd0;
endmodule
""",
    # S15: module_spans' regex ended the module inside the escaped name
    "dotted_endmodule": """module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    wire \\x.endmodule ;
    assign a = a ^ a;
    assign p = 16'd0;
endmodule
""",
    # a submodule of the answer's drives its own input, which is the module's input
    "submodule": """module zero8 (input logic [7:0] x);
    assign x = 8'd0;
endmodule
module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    zero8 u0 (.x(a));
    assign p = 16'd0;
endmodule
""",
}
HONEST = {
    "plain": MUL8,
    # an interface used honestly: it reads the inputs, the module reads its output
    "interface": """interface prod_if (input logic [7:0] x, input logic [7:0] y, output logic [15:0] z);
    assign z = x * y;
endinterface
module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    prod_if u0 (.x(a), .y(b), .z(p));
endmodule
""",
    "package and submodule": """package mul_pkg;
    localparam int W = 8;
    typedef logic [W-1:0] byte_t;
endpackage
module mul_core import mul_pkg::*; (input byte_t x, input byte_t y, output logic [2*W-1:0] z);
    assign z = x * y;
endmodule
module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    mul_core u0 (.x(a), .y(b), .z(p));
endmodule
""",
    "escaped names": """module mul8 (input logic [7:0] \\a , input logic [7:0] b, output logic [15:0] p);
    wire [7:0] \\x.endmodule = \\a ;
    assign p = \\x.endmodule  * b;
endmodule
""",
}
NAMES = {"a", "b", "p"}


def _check(tmp_path: Path, code: str, reference: str = MUL8, module: str = "mul8",
           names: set[str] = NAMES) -> tuple[str, str] | None:
    from benchmarks.cvdp.probe import check

    path = tmp_path / f"answer{len(list(tmp_path.iterdir()))}.sv"
    path.write_text(code)
    return check([path], [], [], reference, [module], names)


def test_module_spans_read_tokens() -> None:
    """S15: ``endmodule`` inside an escaped name, a comment or a string does not end a module."""
    assert [(n, e) for n, _, e in module_spans(DRIVES["dotted_endmodule"])] == [("mul8", len(DRIVES["dotted_endmodule"]) - 1)]
    code = 'module m (input a); /* endmodule */ string s = "endmodule"; endmodule\nmodule \\n1 (b); endmodule\n'
    assert [n for n, _, _ in module_spans(code)] == ["m", "\\n1"]
    assert module_spans(code)[0][2] == code.index("\nmodule")


@needs_iverilog
@pytest.mark.parametrize("name", sorted(DRIVES))
def test_an_input_driven_in_any_form_is_found_by_elaboration(tmp_path: Path, name: str) -> None:
    found = _check(tmp_path, DRIVES[name])
    assert found is not None and found[0] == "input_driven", found
    assert "mul8." in found[1]


@needs_iverilog
def test_unnamed_port_expressions_fail_closed(tmp_path: Path) -> None:
    """S13: ``module mul8 ({a}, {b}, p)`` has no port named a; the reference's inputs connected by name
    do not elaborate, which is ``interface``."""
    code = ("module mul8 ({a}, {b}, p);\n    input [7:0] a; input [7:0] b; output [15:0] p;\n"
            "    assign a = a ^ a; assign b = b ^ b;\n    assign p = 16'd0;\nendmodule\n")
    found = _check(tmp_path, code)
    assert found is not None and found[0] == "interface", found


@needs_iverilog
@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_answers_pass_the_drive_probe(tmp_path: Path, name: str) -> None:
    assert _check(tmp_path, HONEST[name]) is None


@needs_iverilog
@pytest.mark.slow
def test_parameterised_reference_and_an_input_the_reference_drives(tmp_path: Path) -> None:
    ref = ("module mul #(parameter WIDTH = 8) (input [WIDTH-1:0] a, input [WIDTH-1:0] b, output [2*WIDTH-1:0] p);\n"
           "  assign p = a * b;\nendmodule\n")
    names = {"WIDTH", "a", "b", "p"}
    assert _check(tmp_path, ref.replace("a * b", "b * a"), ref, "mul", names) is None
    driven = ref.replace("assign p = a * b;", "assign p = 0;\n  assign a = 0;")
    assert _check(tmp_path, driven, ref, "mul", names) == (
        "input_driven", "the answer drives its own input mul.a (Icarus coerces it to inout when the input is "
        "connected, as the test's harness connects it)")
    # a port the reference itself drives is not the answer's doing
    assert _check(tmp_path, driven, driven, "mul", names) is None


HARNESS_PKG = """package mul_tb_pkg;
  localparam logic [15:0] CMP_MASK = 16'hFFFF;
endpackage
import mul_tb_pkg::*;
module tb_top (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p, output logic ok);
    logic [15:0] ref_p;
    mul8 dut (.a(a), .b(b), .p(p));
    assign ref_p = a * b;
    assign ok = ((p ^ ref_p) & CMP_MASK) == 16'd0;
endmodule
"""


def test_s4_a_unit_scope_name_the_harness_uses_is_rejected() -> None:
    zero = MUL8.replace("a * b", "16'd0")
    for decl in ("localparam logic [15:0] CMP_MASK = 16'h0000;\n",
                 "typedef enum logic [15:0] {CMP_MASK = 16'h0000} mask_t;\n",
                 "parameter CMP_MASK = 0;\n"):
        found = shadowing([decl + zero], MUL8, HARNESS_PKG)
        assert found is not None and found[0] == "unit_scope" and "CMP_MASK" in found[1], (decl, found)
    honest = [
        "localparam int W = 8;\ntypedef logic [W-1:0] byte_t;\n" + MUL8,  # names the harness does not use
        "package own_pkg; localparam logic [15:0] CMP_MASK = 16'h00FF; endpackage\n" + MUL8,  # a package's own
        "// localparam CMP_MASK = 0;\n" + MUL8,
    ]
    for code in honest:
        assert shadowing([code], MUL8, HARNESS_PKG) is None, code
    # a unit-scope name the reference itself declares there is the problem's (validated with it)
    with_unit = "localparam logic [15:0] CMP_MASK = 16'hFFFF;\n" + MUL8
    assert shadowing([with_unit], with_unit, HARNESS_PKG) is None


@needs_iverilog
def test_s4_the_shadowing_is_real_in_icarus(tmp_path: Path) -> None:
    """The attack the rule stops: with the answer's unit-scope CMP_MASK the harness's comparison passes p = 0."""
    import subprocess

    (tmp_path / "ans.sv").write_text("localparam logic [15:0] CMP_MASK = 16'h0000;\n" + MUL8.replace("a * b", "16'd0"))
    (tmp_path / "tb.sv").write_text(HARNESS_PKG)
    (tmp_path / "drv.sv").write_text("module drv; reg [7:0] a = 3, b = 5; wire [15:0] p; wire ok;\n"
                                     "tb_top t (.a(a), .b(b), .p(p), .ok(ok)); initial #1 $display(\"ok=%0d\", ok);\nendmodule\n")
    subprocess.run(["iverilog", "-g2012", "-s", "drv", "-o", str(tmp_path / "x.vvp"),
                    *(str(tmp_path / f) for f in ("ans.sv", "tb.sv", "drv.sv"))], check=True, capture_output=True)
    out = subprocess.run(["vvp", "-n", str(tmp_path / "x.vvp")], capture_output=True, text=True).stdout
    assert "ok=1" in out


@pytest.mark.slow
def test_end_to_end_on_the_mul8_record(tmp_path: Path, bwrap_sandbox) -> None:  # type: ignore[no-untyped-def]
    """The rt9 mul8 record (its test reads a and b back): each attack rejected, honest answers pass."""
    from harness.api import score_response
    from harness.suite import EvalContext
    from harness.types import Status
    from tests.cvdp import fixtures
    from tests.security.test_verilog_inputs_rt9 import answer, mul8_record

    suite, problem = fixtures.one_record_suite(tmp_path, mul8_record())
    ctx = EvalContext(sandbox=bwrap_sandbox, cache_dir=tmp_path)
    for name in ("interface", "program", "dotted_endmodule"):
        v = score_response(suite, problem, answer(DRIVES[name]), ctx)
        assert (v.status, v.rule) == (Status.REJECTED, "input_driven"), (name, v.reason)
    for name in ("interface", "package and submodule"):
        v = score_response(suite, problem, answer(HONEST[name]), ctx)
        assert v.status == Status.PASS, (name, v.reason, v.logs)


OK_TEST = """import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_mul(dut):
    for _ in range(50):
        dut.a.value = random.getrandbits(8)
        dut.b.value = random.getrandbits(8)
        await Timer(1, unit="ns")
        assert int(dut.ok.value) == 1
"""


@pytest.mark.slow
def test_s4_end_to_end(tmp_path: Path, bwrap_sandbox) -> None:  # type: ignore[no-untyped-def]
    """A harness comparing through its package's CMP_MASK: the answer's unit-scope CMP_MASK = 0 with
    p = 0 is ``unit_scope``; the reference and an answer with its own unit-scope type pass."""
    from benchmarks.cvdp.answer import model_answer
    from harness.api import score_response
    from harness.suite import EvalContext
    from harness.types import Status
    from tests.cvdp import fixtures
    from tests.security.test_verilog_inputs_rt9 import mul8_harness

    rec = fixtures.record(
        "cvdp_copilot_mul8s_0001", "cid003", "easy",
        "Design `mul8`: p = a * b, unsigned; ports a[7:0], b[7:0], output p[15:0].", {},
        {"rtl/mul8.sv": MUL8}, mul8_harness(tb_top=HARNESS_PKG, test=OK_TEST))
    suite, problem = fixtures.one_record_suite(tmp_path, rec)
    ctx = EvalContext(sandbox=bwrap_sandbox, cache_dir=tmp_path)
    attack = "localparam logic [15:0] CMP_MASK = 16'h0000;\n" + MUL8.replace("a * b", "16'd0")
    v = score_response(suite, problem, model_answer({"rtl/mul8.sv": attack}), ctx)
    assert (v.status, v.rule) == (Status.REJECTED, "unit_scope"), v.reason
    for code in (MUL8, "typedef logic [15:0] prod_t;\n" + MUL8.replace("output logic [15:0] p", "output prod_t p")):
        v = score_response(suite, problem, model_answer({"rtl/mul8.sv": code}), ctx)
        assert v.status == Status.PASS, (code, v.reason, v.logs)


GOLDEN_FSM = """module seqdet_golden (input logic clk, input logic rst, input logic din, output logic hit);
    typedef enum logic [1:0] {IDLE, GOT1, GOT10} state_t;
    state_t state;
    always_ff @(posedge clk) if (rst) state <= IDLE; else state <= din ? GOT1 : (state == GOT1 ? GOT10 : IDLE);
    assign hit = (state == GOT10) && din;
endmodule
module seqdet_check (input logic clk, input logic rst, input logic din, output logic hit, output logic hit_ref);
    seqdet        dut (.clk(clk), .rst(rst), .din(din), .hit(hit));
    seqdet_golden gold (.clk(clk), .rst(rst), .din(din), .hit(hit_ref));
endmodule
"""
SEQDET = """module seqdet (input logic clk, input logic rst, input logic din, output logic hit);
    logic [1:0] st;
    always_ff @(posedge clk) if (rst) st <= 2'd0; else st <= din ? 2'd1 : (st == 2'd1 ? 2'd2 : 2'd0);
    assign hit = (st == 2'd2) && din;
endmodule
"""


def test_honest11b_f1_a_name_the_harness_declares_in_its_own_module_is_not_shadowed() -> None:
    """A file-scope FSM enum named like the golden model's module-local one replaces nothing (the
    module's own declaration wins over $unit): not rejected. A harness name its module does not
    declare (imported or unit-scope) still counts."""
    honest = ("typedef enum logic [1:0] {IDLE, GOT1, GOT10} state_t;\n"
              + SEQDET.replace("logic [1:0] st;", "state_t st;").replace("2'd0", "IDLE").replace("2'd1", "GOT1")
              .replace("2'd2", "GOT10"))
    assert shadowing([honest], SEQDET, GOLDEN_FSM) is None
    uses_unit = GOLDEN_FSM.replace("    typedef enum logic [1:0] {IDLE, GOT1, GOT10} state_t;\n", "")
    found = shadowing([honest], SEQDET, "typedef enum logic [1:0] {IDLE, GOT1, GOT10} state_t;\n" + uses_unit)
    assert found is not None and found[0] == "unit_scope" and "IDLE" in found[1]


RT11C_S3 = {
    # an explicit unit-scope import of the answer's own package beats the harness's wildcard import
    "explicit import": "package mul8_consts;\n  localparam logic [15:0] CMP_MASK = 16'h0000;\nendpackage\n"
                       "import mul8_consts::CMP_MASK;\n",
    # escaped names holding package/endpackage fooled the text regex that dropped package bodies
    "escaped names": "localparam int \\x.package = 1;\nlocalparam logic [15:0] CMP_MASK = 16'h0000;\n"
                     "localparam int \\x.endpackage = 1;\n",
    # an escaped identifier is the plain name
    "escaped CMP_MASK": "localparam logic [15:0] \\CMP_MASK = 16'h0000;\n",
}


@pytest.mark.parametrize("name", sorted(RT11C_S3))
def test_rt11c_s3_imports_and_escaped_names_are_unit_names(name: str) -> None:
    found = shadowing([RT11C_S3[name] + MUL8.replace("a * b", "16'd0")], MUL8, HARNESS_PKG)
    assert found is not None and found[0] == "unit_scope" and "CMP_MASK" in found[1], found
    assert "package" not in found[1].split(" outside")[0]


@needs_iverilog
def test_rt11c_s3_the_explicit_import_shadows_in_icarus(tmp_path: Path) -> None:
    """Why the explicit import counts: Icarus binds the harness's CMP_MASK to the answer's 0."""
    import subprocess

    (tmp_path / "ans.sv").write_text(RT11C_S3["explicit import"] + MUL8.replace("a * b", "16'd0"))
    (tmp_path / "tb.sv").write_text(HARNESS_PKG)
    (tmp_path / "drv.sv").write_text("module drv; reg [7:0] a = 3, b = 5; wire [15:0] p; wire ok;\n"
                                     "tb_top t (.a(a), .b(b), .p(p), .ok(ok)); initial #1 $display(\"ok=%0d\", ok);\nendmodule\n")
    subprocess.run(["iverilog", "-g2012", "-s", "drv", "-o", str(tmp_path / "x.vvp"),
                    *(str(tmp_path / f) for f in ("ans.sv", "tb.sv", "drv.sv"))], check=True, capture_output=True)
    out = subprocess.run(["vvp", "-n", str(tmp_path / "x.vvp")], capture_output=True, text=True).stdout
    assert "ok=1" in out


def test_package_wildcard_import_of_an_answer_package_counts_and_an_unused_one_does_not() -> None:
    pkg = "package own_pkg; localparam logic [15:0] CMP_MASK = 16'h0000; localparam int W = 8; endpackage\n"
    found = shadowing([pkg + "import own_pkg::*;\n" + MUL8], MUL8, HARNESS_PKG)
    assert found is not None and "CMP_MASK" in found[1]
    assert shadowing([pkg.replace("CMP_MASK", "MY_MASK") + "import own_pkg::*;\n" + MUL8], MUL8, HARNESS_PKG) is None


ADDW = """module addw #(parameter WIDTH = 8) (input logic [WIDTH-1:0] a, input logic [WIDTH-1:0] b,
                                     output logic [WIDTH-1:0] y);
    assign y = a + b;
endmodule
"""
GATED_DRIVE = """interface zero_if #(parameter W = 8) (output logic [W-1:0] y, input logic [W-1:0] x);
    assign y = x ^ x;
endinterface
module addw #(parameter WIDTH = 8) (input logic [WIDTH-1:0] a, input logic [WIDTH-1:0] b,
                                     output logic [WIDTH-1:0] y);
    if (WIDTH != 8) begin : g_wide
        zero_if #(WIDTH) u0 (.y(a), .x(a));
        assign y = '0;
    end else begin : g_def
        assign y = a + b;
    end
endmodule
"""


@needs_iverilog
def test_rt11c_s1_the_drive_probe_runs_at_the_harness_parameter_set(tmp_path: Path) -> None:
    """A drive gated on a parameter the harness overrides is found at the harness's WIDTH=16; the
    same answer at the default, and an honest generate on WIDTH at 16, are not rejected."""
    from benchmarks.cvdp.probe import check_set

    build = {"top": "addw", "parameters": {"WIDTH": "16"}, "defines": {}}
    names = {"WIDTH", "a", "b", "y"}
    path = tmp_path / "answer.sv"
    path.write_text(GATED_DRIVE)
    found = check_set([path], ([], []), [], ADDW, ["addw"], names, build)
    assert found is not None and found[0] == "input_driven" and "addw.a" in found[1], found
    assert check_set([path], ([], []), [], ADDW, ["addw"], names, {**build, "parameters": {"WIDTH": "8"}}) is None
    honest = GATED_DRIVE.replace("zero_if #(WIDTH) u0 (.y(a), .x(a));\n        assign y = '0;", "assign y = b + a;")
    path.write_text(honest)
    assert check_set([path], ([], []), [], ADDW, ["addw"], names, build) is None


@needs_iverilog
@pytest.mark.parametrize("name", ["interface", "program"])
def test_rt11c_s4_answer_modules_under_a_provided_top_are_probed(tmp_path: Path, name: str) -> None:
    """TOPLEVEL a wrapper of the problem's context files: the answer's mul8 it makes is probed (the
    drive is found); an honest answer under the same wrapper is not rejected."""
    from benchmarks.cvdp.probe import check

    wrap = tmp_path / "top_wrap.sv"
    wrap.write_text("module top_wrap (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);\n"
                    "    mul8 u_mul (.a(a), .b(b), .p(p));\nendmodule\n")
    ans = tmp_path / "mul8.sv"
    ans.write_text(DRIVES[name])
    found = check([ans], [wrap], [], MUL8, ["top_wrap"], NAMES)
    assert found is not None and found[0] == "input_driven", found
    ans.write_text(HONEST["interface"])
    assert check([ans], [wrap], [], MUL8, ["top_wrap"], NAMES) is None
