"""Red team 9c S17: the CVDP interface probe elaborated each answer module at its default parameters
only, so ports right at the defaults and hard-wired otherwise passed a harness that runs other
values and sizes its stimulus from the design (``len(dut.a)``). The probe now also elaborates
reference and answer at each parameter set the harness builds with (:mod:`benchmarks.cvdp.params`:
a dry run of the harness with cocotb's ``Runner.build``/``test`` recorded, and the real run's builds
checked after it), and fails closed where those sets cannot be found for a parameterised reference.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.cvdp import CvdpSuite
from benchmarks.cvdp.answer import model_answer
from benchmarks.cvdp.params import _entry
from benchmarks.cvdp.probe import check, check_set
from harness.api import score_response
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status
from tests.cvdp import fixtures

needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs iverilog")

ADDW = """module addw #(parameter WIDTH = 8) (
    input  logic [WIDTH-1:0] a,
    input  logic [WIDTH-1:0] b,
    output logic [WIDTH-1:0] y
);
    assign y = a + b;
endmodule
"""
#: right at the default WIDTH = 8, hard-wired to 8 bits at every other value
HARD_WIRED = ADDW.replace("[WIDTH-1:0]", "[7:0]")
#: the same, behind a localparam that equals WIDTH only at the default
CLAMPED = ADDW.replace("#(parameter WIDTH = 8)", "#(parameter WIDTH = 8, localparam W = WIDTH > 8 ? 8 : WIDTH)") \
    .replace("[WIDTH-1:0]", "[W-1:0]")
HONEST = [ADDW.replace("a + b", "b + a"),
          ADDW.replace("#(parameter WIDTH = 8)", "#(parameter int WIDTH = 8, localparam int MSB = WIDTH - 1)")
              .replace("[WIDTH-1:0]", "[MSB:0]")]
ADD_TEST = """import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_add(dut):
    width = len(dut.a)  # sized from the design, as many CVDP tests are
    for _ in range(40):
        a, b = random.getrandbits(width), random.getrandbits(width)
        dut.a.value, dut.b.value = a, b
        await Timer(1, unit="ns")
        assert int(dut.y.value) == (a + b) % (1 << width), f"a={a} b={b}"
"""
WIDTHS = fixtures.RUNNER + """@pytest.mark.parametrize("width", [16, 32])
def test_addw(width):
    runner(parameters={"WIDTH": width})
"""
#: a harness that builds at the default first and at 16 from then on (a set drawn anew each run)
DRIFT = fixtures.RUNNER + """def test_addw():
    seen = os.path.exists("drift_seen")
    open("drift_seen", "w").close()
    runner(parameters={"WIDTH": 16 if seen else 8})
"""


def addw_record(rid: str, runner: str) -> dict:  # type: ignore[type-arg]
    return fixtures.record(
        rid, "cid003", "easy", "Design `addw`: y = a + b modulo 2**WIDTH; parameter WIDTH (default 8).", {},
        {"rtl/addw.sv": ADDW},
        {"Dockerfile": "FROM __OSS_SIM_IMAGE__\n", "docker-compose.yml": fixtures.COMPOSE,
         "src/.env": fixtures.env("/code/rtl/addw.sv", "addw", "test_addw"),
         "src/test_addw.py": ADD_TEST, "src/test_runner.py": runner})


def _files(tmp: Path, **texts: str) -> list[Path]:
    out = []
    for name, text in texts.items():
        (tmp / f"{name}.sv").write_text(text)
        out.append(tmp / f"{name}.sv")
    return out


NAMES = {"WIDTH", "a", "b", "y"}


def test_build_arguments_are_read_as_parameters() -> None:
    entry = _entry("addw", {"DEPTH": 4}, {"FAST": 1}, ["-Paddw.WIDTH=16", "-Pother.X=1", "-GMODE=2", "-Wall"])
    assert entry == {"top": "addw", "parameters": {"DEPTH": "4", "WIDTH": "16", "MODE": "2"}, "defines": {"FAST": "1"}}


@needs_iverilog
def test_hard_wired_ports_are_seen_at_the_harness_values(tmp_path: Path) -> None:
    at16 = {"top": "addw", "parameters": {"WIDTH": "16"}, "defines": {}}
    for name, code in {"hard_wired": HARD_WIRED, "clamped": CLAMPED}.items():
        (work := tmp_path / name).mkdir()
        files = _files(work, addw=code)
        assert check(files, [], [], ADDW, ["addw"], NAMES) is None, name  # the default probe saw nothing
        rule, reason = check_set(files, ([], []), [], ADDW, ["addw"], NAMES, at16) or ("", "")
        assert rule == "interface" and "addw W:a (reference 16, answer 8)" in reason and "WIDTH=16" in reason, reason
    for k, code in enumerate(HONEST):
        (work := tmp_path / f"honest{k}").mkdir()
        files = _files(work, addw=code)
        for width in ("4", "16", "32"):
            build = {"top": "addw", "parameters": {"WIDTH": width}, "defines": {}}
            assert check_set(files, ([], []), [], ADDW, ["addw"], NAMES, build) is None, (k, width)


@needs_iverilog
def test_a_wrapper_top_is_probed_at_its_instances(tmp_path: Path) -> None:
    """cocotb sets the parameters on the harness's top (``tb_top``); its instance of the answer is probed."""
    tb = ("module tb_top #(parameter WIDTH = 8) (input logic [WIDTH-1:0] a, b, output logic [WIDTH-1:0] y);\n"
          "  addw #(.WIDTH(WIDTH)) dut (.a(a), .b(b), .y(y));\nendmodule\n")
    (tmp_path / "h").mkdir()
    harness = _files(tmp_path / "h", tb_top=tb)
    build = {"top": "tb_top", "parameters": {"WIDTH": "16"}, "defines": {}}
    bad = _files(tmp_path, addw=HARD_WIRED)
    rule, reason = check_set(bad, ([], []), harness, ADDW, ["addw"], NAMES, build) or ("", "")
    assert rule == "interface" and "tb_top.dut W:a (reference 16, answer 8)" in reason, reason
    (tmp_path / "g").mkdir()
    good = _files(tmp_path / "g", addw=HONEST[0])
    assert check_set(good, ([], []), harness, ADDW, ["addw"], NAMES, build) is None


@needs_iverilog
def test_fail_closed_only_for_a_parameterised_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No recorded build for a service whose harness passes parameters: a parameterised reference's
    answer is ``interface``; a reference without parameters is not held to it."""
    from benchmarks.cvdp.guard import check_answer

    monkeypatch.chdir(tmp_path)
    Path("addw.sv").write_text(HONEST[0])
    found = check_answer(["addw.sv"], [], ADDW, ["addw"], [], ["direct"])
    assert (found["status"], found.get("rule")) == ("rejected", "interface"), found
    assert "could not be found" in found["reason"]
    assert check_answer(["addw.sv"], [], ADDW, ["addw"], [], [])["status"] == "pass"
    plain = "module addw (input logic [7:0] a, b, output logic [7:0] y);\n  assign y = a + b;\nendmodule\n"
    Path("addw.sv").write_text(plain)
    assert check_answer(["addw.sv"], [], plain, ["addw"], [], ["direct"])["status"] == "pass"


@pytest.fixture(scope="module")
def addw(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("cvdp_rt10")
    path = root / "cvdp_rt10_with_solutions.jsonl"
    path.write_text("".join(json.dumps(addw_record(rid, runner)) + "\n" for rid, runner in
                            (("cvdp_copilot_addw_0001", WIDTHS), ("cvdp_copilot_addw_0002", DRIFT))))
    s = CvdpSuite(SuiteOptions(data=str(path)))
    return s, {p.id: p for p in s.problems()}, EvalContext(sandbox=BubblewrapSandbox(), cache_dir=root)


@pytest.mark.slow
def test_the_harness_values_decide_end_to_end(addw) -> None:  # type: ignore[no-untyped-def]
    s, problems, ctx = addw
    problem = problems["cvdp_copilot_addw_0001"]
    v = score_response(s, problem, s.reference_response(problem), ctx)
    assert v.status == Status.PASS, (v.reason, v.logs)
    for code in HONEST:
        v = score_response(s, problem, model_answer({"rtl/addw.sv": code}), ctx)
        assert v.status == Status.PASS, (code, v.reason, v.logs)
    for code in (HARD_WIRED, CLAMPED):
        v = score_response(s, problem, model_answer({"rtl/addw.sv": code}), ctx)
        assert (v.status, v.rule) == (Status.REJECTED, "interface"), (code, v.reason)
        assert "WIDTH=16" in v.reason or "WIDTH=32" in v.reason, v.reason
    wrong = score_response(s, problem, model_answer({"rtl/addw.sv": ADDW.replace("a + b", "a - b")}), ctx)
    assert wrong.status == Status.FAIL, wrong.reason


@pytest.mark.slow
def test_a_set_the_first_pass_did_not_find_is_probed_after_the_run(addw) -> None:  # type: ignore[no-untyped-def]
    s, problems, ctx = addw
    problem = problems["cvdp_copilot_addw_0002"]
    v = score_response(s, problem, model_answer({"rtl/addw.sv": HONEST[0]}), ctx)
    assert v.status == Status.PASS, (v.reason, v.logs)
    v = score_response(s, problem, model_answer({"rtl/addw.sv": HARD_WIRED}), ctx)
    assert (v.status, v.rule) == (Status.REJECTED, "interface"), v.reason
    assert "first pass did not find" in v.reason and "WIDTH=16" in v.reason, v.reason
