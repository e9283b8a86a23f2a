"""Red team 11c S1, wrapper variant (CVDP): an answer whose drive of its own input is gated by a
parameter passed while a harness or provided WRAPPER set the parameter itself (``addw
#(.WIDTH(16)) dut``, a ``defparam``, a wrapper of wrappers, a runner parameter of the wrapper's):
the drive probe saw the answer at its defaults only. :mod:`benchmarks.cvdp.hierarchy` compiles the
harness's build, reads where it places each answer module and at which values, and drive-probes
each placement."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.cvdp.hierarchy import literal, placements
from tests.security.test_cvdp_rt11 import ADDW, GATED_DRIVE

needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs iverilog")

NAMES = {"WIDTH", "a", "b", "y"}
PROGRAM_DRIVE = GATED_DRIVE.replace("interface zero_if", "program zero_if").replace("endinterface", "endprogram")
#: honest: a generate on WIDTH that changes how y is computed, not what drives a or b
HONEST = GATED_DRIVE.replace("zero_if #(WIDTH) u0 (.y(a), .x(a));\n        assign y = '0;", "assign y = b + a;")
WRAPPERS = {
    "override": """module tb_top (input logic [15:0] a, input logic [15:0] b, output logic [15:0] y);
    addw #(.WIDTH(16)) dut (.a(a), .b(b), .y(y));
endmodule
""",
    "defparam": """module tb_top (input logic [15:0] a, input logic [15:0] b, output logic [15:0] y);
    addw dut (.a(a), .b(b), .y(y));
    defparam dut.WIDTH = 16;
endmodule
""",
    # the wrapper makes the answer only through a second wrapper of the harness's
    "nested": """module mid #(parameter W = 4) (input logic [W-1:0] a, input logic [W-1:0] b, output logic [W-1:0] y);
    addw #(.WIDTH(W)) dut (.a(a), .b(b), .y(y));
endmodule
module tb_top (input logic [31:0] a, input logic [31:0] b, output logic [31:0] y);
    mid #(.W(32)) m (.a(a), .b(b), .y(y));
endmodule
""",
    # unconnected inputs in the wrapper: the test reaches them through the hierarchy (dut.dut.a)
    "unconnected": """module tb_top;
    addw #(.WIDTH(16)) dut ();
endmodule
""",
}


def _files(tmp: Path, answer: str, harness: str) -> tuple[list[Path], list[Path]]:
    (tmp / "addw.sv").write_text(answer)
    (tmp / "tb_top.sv").write_text(harness)
    return [tmp / "addw.sv"], [tmp / "tb_top.sv"]


@needs_iverilog
@pytest.mark.parametrize("wrapper", sorted(WRAPPERS))
@pytest.mark.parametrize("answer", ["interface", "program"])
def test_a_drive_gated_on_a_value_the_wrapper_sets_is_found(tmp_path: Path, wrapper: str, answer: str) -> None:
    """At the defaults (WIDTH = 8) nothing drives a; where the wrapper places addw it does."""
    from benchmarks.cvdp.probe import check

    ans, harness = _files(tmp_path, GATED_DRIVE if answer == "interface" else PROGRAM_DRIVE, WRAPPERS[wrapper])
    modules = ["addw", "mid", "tb_top"] if wrapper == "nested" else ["addw", "tb_top"]
    found = check(ans, [], harness, ADDW, modules, NAMES)
    assert found is not None and found[0] == "input_driven", found
    assert "addw.a" in found[1] and "tb_top" in found[1], found
    ans[0].write_text(HONEST)
    assert check(ans, [], harness, ADDW, modules, NAMES) is None


@needs_iverilog
def test_a_provided_context_wrapper_setting_the_value_is_probed(tmp_path: Path) -> None:
    """A wrapper of the problem's context files (not the harness's) makes addw at WIDTH = 16."""
    from benchmarks.cvdp.probe import check

    ans, wrap = _files(tmp_path, GATED_DRIVE, WRAPPERS["override"].replace("tb_top", "top_wrap"))
    found = check(ans, wrap, [], ADDW, ["top_wrap"], NAMES)
    assert found is not None and found[0] == "input_driven", found
    ans[0].write_text(HONEST)
    assert check(ans, wrap, [], ADDW, ["top_wrap"], NAMES) is None


@needs_iverilog
def test_a_wrapper_the_runner_names_only_in_python_is_a_root(tmp_path: Path) -> None:
    """No ``TOPLEVEL`` names tb_top (``hdl_toplevel="tb_top"`` in test_runner.py): the modules to
    probe are only addw, yet the harness's uninstantiated module making addw is compiled as a top."""
    from benchmarks.cvdp.probe import check

    ans, harness = _files(tmp_path, GATED_DRIVE, WRAPPERS["nested"])
    found = check(ans, [], harness, ADDW, ["addw"], NAMES)
    assert found is not None and found[0] == "input_driven", found


def test_roots_are_the_harness_tops_that_reach_the_answer() -> None:
    from benchmarks.cvdp.hierarchy import roots

    text = WRAPPERS["nested"] + "module lib_xor (input a, b, output y); assign y = a ^ b; endmodule\n" \
        "module golden (input [7:0] a, output [7:0] y); lib_xor u (.a(a[0]), .b(a[1]), .y(y[0])); endmodule\n"
    assert roots([], {"addw"}, text) == ["tb_top"]
    assert roots(["golden"], {"addw"}, text) == ["tb_top", "golden"]
    assert roots(["tb_top"], {"addw", "tb_top"}, text) == []  # the answer's own module is no harness top


@needs_iverilog
def test_a_runner_parameter_of_the_wrapper_reaches_the_answer(tmp_path: Path) -> None:
    """The runner sets the wrapper's own W (``-Ptb_top.W=16``); the wrapper passes it on to addw."""
    from benchmarks.cvdp.probe import check_set

    wrapper = WRAPPERS["nested"].replace("mid #(.W(32)) m", "mid #(.W(W)) m").replace(
        "module tb_top (", "module tb_top #(parameter W = 8) (").replace("[31:0]", "[W-1:0]")
    ans, harness = _files(tmp_path, GATED_DRIVE, wrapper)
    build = {"top": "tb_top", "parameters": {"W": "16"}, "defines": {}}
    found = check_set(ans, ([], []), harness, ADDW, ["addw", "mid", "tb_top"], NAMES, build)
    assert found is not None and found[0] == "input_driven", found
    at8 = {**build, "parameters": {"W": "8"}}
    assert check_set(ans, ([], []), harness, ADDW, ["addw", "mid", "tb_top"], NAMES, at8) is None
    ans[0].write_text(HONEST)
    assert check_set(ans, ([], []), harness, ADDW, ["addw", "mid", "tb_top"], NAMES, build) is None


@needs_iverilog
def test_an_input_the_reference_drives_is_left_alone_and_inner_instances_are_the_answers(tmp_path: Path) -> None:
    """The reference's own drive of its input is not the answer's doing; an answer module the
    answer itself instantiates (a recursive tree) is not a placement of the harness's."""
    from benchmarks.cvdp.probe import check

    driven = GATED_DRIVE.replace("if (WIDTH != 8)", "if (WIDTH != 0)")
    ans, harness = _files(tmp_path, driven, WRAPPERS["override"])
    assert check(ans, [], harness, driven, ["addw", "tb_top"], NAMES) is None
    tree = ADDW.replace("    assign y = a + b;", """    if (WIDTH > 8) begin : g_split
        addw #(.WIDTH(WIDTH / 2)) lo (.a(a[WIDTH/2-1:0]), .b(b[WIDTH/2-1:0]), .y(y[WIDTH/2-1:0]));
        addw #(.WIDTH(WIDTH - WIDTH / 2)) hi (.a(a[WIDTH-1:WIDTH/2]), .b(b[WIDTH-1:WIDTH/2]), .y(y[WIDTH-1:WIDTH/2]));
    end else begin : g_leaf
        assign y = a + b;
    end""")
    ans[0].write_text(tree)
    assert check(ans, [], harness, ADDW, ["addw", "tb_top"], NAMES) is None


@needs_iverilog
def test_placements_read_the_compiled_image(tmp_path: Path) -> None:
    """Each harness-made instance with its values and widths, once per distinct parameterisation."""
    from benchmarks.cvdp.hierarchy import compile_build

    ans, harness = _files(tmp_path, ADDW, WRAPPERS["override"] + "module other;\n  addw #(.WIDTH(16)) u ();\n"
                          "  addw #(.WIDTH(-3)) v ();\nendmodule\n")
    image, why = compile_build([*ans, *harness], "tb_top", tmp_path, None)
    assert image is not None, why
    assert placements(image, {"addw"}, {"addw"}) == [("addw", {"WIDTH": "32'sb" + format(16, "032b")},
                                                      {"a": 16, "b": 16, "y": 16})]


def test_parameter_literals() -> None:
    assert literal("l", "+C4<11111111111111111111111111111101>") == "32'sb" + "1" * 30 + "01"
    assert literal("l", "C4<1x0z>") == "4'b1x0z"
    assert literal("real", "Cr<m6666666666666800g4fbe>") == "-0.1"
    assert literal("real", "Cr<m6000000000000000gfc2>") == "1.5"
    assert literal("real", "Cr<m0gfc1>") == "0.0"
    assert literal("str", '"a\\042b\\012"') == '"a\\042b\\012"'
    assert literal("l", "C8<01>") is None


WRAP_TEST = """import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_add(dut):
    width = len(dut.a)
    for _ in range(40):
        dut.a.value, dut.b.value = random.getrandbits(width), random.getrandbits(width)
        await Timer(1, unit="ns")
        a, b = int(dut.a.value), int(dut.b.value)
        assert int(dut.y.value) == (a + b) % (1 << width), f"a={a} b={b}"
"""


@pytest.mark.slow
def test_wrapper_variant_end_to_end(tmp_path: Path, bwrap_sandbox) -> None:  # type: ignore[no-untyped-def]
    """rt11c's WRAP=1 record: TOPLEVEL tb_top making ``addw #(.WIDTH(16))``, a runner without
    parameters, a test reading a and b back. The gated interface and program drives passed with
    y = 0; they are ``input_driven`` now; the reference and the honest generate pass, a - b fails."""
    from benchmarks.cvdp.answer import model_answer
    from harness.api import score_response
    from harness.suite import EvalContext
    from harness.types import Status
    from tests.cvdp import fixtures

    rec = fixtures.record(
        "cvdp_copilot_addw_0003", "cid003", "easy", "Design `addw`: y = a + b modulo 2**WIDTH; parameter WIDTH "
        "(default 8).", {}, {"rtl/addw.sv": ADDW},
        {"Dockerfile": "FROM __OSS_SIM_IMAGE__\n", "docker-compose.yml": fixtures.COMPOSE,
         "src/.env": fixtures.env("/code/rtl/addw.sv /src/tb_top.sv", "tb_top", "test_addw"),
         "src/tb_top.sv": WRAPPERS["override"], "src/test_addw.py": WRAP_TEST, "src/test_runner.py": fixtures.SINGLE})
    suite, problem = fixtures.one_record_suite(tmp_path, rec)
    ctx = EvalContext(sandbox=bwrap_sandbox, cache_dir=tmp_path)
    for code in (ADDW, HONEST):
        v = score_response(suite, problem, model_answer({"rtl/addw.sv": code}), ctx)
        assert v.status == Status.PASS, (v.reason, v.logs)
    for code in (GATED_DRIVE, PROGRAM_DRIVE):
        v = score_response(suite, problem, model_answer({"rtl/addw.sv": code}), ctx)
        assert (v.status, v.rule) == (Status.REJECTED, "input_driven"), v.reason
        # since red team s16 rtv2 the text rule reads the answer's interfaces and programs
        # (unitdefs.unit_ports) and catches these drives before the placement probe does
        assert "tb_top" in v.reason or "connects its own input a to an output of an instance" in v.reason, v.reason
    wrong = score_response(suite, problem, model_answer({"rtl/addw.sv": ADDW.replace("a + b", "a - b")}), ctx)
    assert wrong.status == Status.FAIL, wrong.reason
