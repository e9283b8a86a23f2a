"""Red team 11a S4, S13, S14, S15 (CVDP): a design driving its own inputs in forms no text rule
lists (an interface or program with ports, unnamed port expressions, an escaped name holding
``endmodule``), found by elaborating each probed module with its inputs connected."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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


@pytest.mark.slow
def test_end_to_end_on_the_mul8_record(tmp_path: Path) -> None:
    """The rt9 mul8 record (its test reads a and b back): each attack rejected, honest answers pass."""
    from benchmarks.cvdp import CvdpSuite
    from harness.api import score_response
    from harness.sandbox.local import BubblewrapSandbox
    from harness.suite import EvalContext, SuiteOptions
    from harness.types import Status
    from tests.security.test_verilog_inputs_rt9 import answer, mul8_record

    path = tmp_path / "cvdp_rt11_with_solutions.jsonl"
    path.write_text(json.dumps(mul8_record()) + "\n")
    suite = CvdpSuite(SuiteOptions(data=str(path)))
    (problem,) = suite.problems()
    ctx = EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path)
    for name in ("interface", "program", "dotted_endmodule"):
        v = score_response(suite, problem, answer(DRIVES[name]), ctx)
        assert (v.status, v.rule) == (Status.REJECTED, "input_driven"), (name, v.reason)
    for name in ("interface", "package and submodule"):
        v = score_response(suite, problem, answer(HONEST[name]), ctx)
        assert v.status == Status.PASS, (name, v.reason, v.logs)

