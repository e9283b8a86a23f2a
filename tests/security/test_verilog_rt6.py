"""Red team round 6, Verilog family (#14): each attack class end to end through the real tools,
with variants of our own, and honest answers near the edge of each new rule.

- S1 output flood (CVDP): a design that prints without end must not cost the job its verdict:
  a wrong answer still ``fail``s, a right one still passes (never ``infra_error``).
- S2 macros and result files (CVDP): every answer file is checked as Icarus preprocesses it and
  only that text is built; results.xml is not the verdict.
- S3 bytes, not characters (the iverilog job behind VerilogEval/RTLLM): logs full of astral
  characters stay within the records' byte budgets.
- S5 synthesis attributes: ``(* keep_hierarchy *)`` and friends cannot hide logic from the
  area/cells/depth numbers.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.cvdp import CvdpSuite
from benchmarks.cvdp.answer import model_answer
from harness.api import score_response
from harness.families.verilog import synth
from harness.families.verilog.wire import BUDGETS, fit_record, fit_text, size
from harness.sandbox.base import Limits
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Problem, Status, Verdict
from tests.cvdp import fixtures
from tests.verilogeval.conftest import V2, make_suite

COUNTER_PID = "cvdp_copilot_counter4_0001"
MUX_PID = "cvdp_copilot_mux4_0002"
XML = ('<?xml version="1.0"?><testsuites><testsuite name="all" tests="1" failures="0" errors="0">'
       '<testcase name="t" classname="c"/></testsuite></testsuites>').replace('"', '\\"')


def _counter(extra: str, broken: bool = True) -> str:
    base = fixtures.COUNTER_BROKEN if broken else fixtures.COUNTER
    return base.replace("endmodule", extra + "endmodule")


# -- fast: the byte budgets ---------------------------------------------------------------------
def test_fit_text_bounds_the_encoded_size_not_the_characters() -> None:
    astral = "\U0001F600" * 5000  # 5000 characters, 60000 bytes as JSON
    cut = fit_text(astral, 4096)
    assert size(cut) <= 4096 and cut.startswith("\U0001F600") and cut.endswith("\U0001F600")
    assert fit_text("plain ascii log", 4096) == "plain ascii log"  # honest logs are left whole


def test_fit_record_cuts_diagnostics_only() -> None:
    channel = ["Mismatches: 3 in 100 samples"]
    rec = {"stage": "function", "status": "fail", "reason": "\u00e9" * 40000,
           "data": {"tail": "\U0001F600" * 40000, "channel": channel, "returncode": 0}}
    out = fit_record(rec)
    assert size(out) <= BUDGETS["function"]
    assert out["data"]["channel"] == channel and out["status"] == "fail" and out["data"]["returncode"] == 0
    honest = {"stage": "syntax", "status": "pass", "data": {"log": "warning: implicit net\n" * 20}}
    assert fit_record(json.loads(json.dumps(honest))) == honest


# -- CVDP (S1, S2) ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cvdp(tmp_path_factory: pytest.TempPathFactory) -> tuple[CvdpSuite, dict[str, Problem], Path]:
    root = tmp_path_factory.mktemp("cvdp_rt6")
    s = CvdpSuite(SuiteOptions(data=str(fixtures.write(root))))
    return s, {p.id: p for p in s.problems()}, root


def _cvdp(cvdp, pid: str, files: dict[str, str], limits: Limits | None = None) -> Verdict:  # type: ignore[no-untyped-def]
    s, problems, root = cvdp
    ctx = EvalContext(sandbox=BubblewrapSandbox(), cache_dir=root, **({"limits": limits} if limits else {}))
    return score_response(s, problems[pid], model_answer(files), ctx)


PASTED = {
    # the red team's form: a backtick inside the system task name
    "dollar_macro": ("`define O fopen\n`define W fdisplay\n",
                     f'integer fd;\nfinal begin fd = $`O("test_runner.result.xml", "w"); '
                     f'$`W(fd, "{XML}"); end\n', ("file_io",)),
    # our variants: a name pasted from two macros, and one built by a macro with an argument
    "two_pieces": ("`define A fi\n`define B nish\n", "initial #5 $`A`B;\n", ("early_finish",)),
    # (the raw filter already stops a `` paste as a stray backtick; the sandbox would say host_access)
    "macro_argument": ("`define CALL(t) $``t\n", 'initial `CALL(system)("true");\n', ("directive", "host_access")),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PASTED))
def test_cvdp_pasted_system_tasks_are_rejected(cvdp, name: str) -> None:  # type: ignore[no-untyped-def]
    defines, body, rule = PASTED[name]
    verdict = _cvdp(cvdp, COUNTER_PID, {"rtl/counter4.sv": defines + _counter(body)})
    assert verdict.status == Status.REJECTED, (name, verdict.status, verdict.reason)
    assert verdict.rule in rule, (name, verdict.rule, verdict.reason)


@pytest.mark.slow
def test_cvdp_hidden_module_behind_a_macro_is_rejected(cvdp) -> None:  # type: ignore[no-untyped-def]
    cheat = ("`define G mux4_golden\nmodule mux4 (input logic [3:0] d, input logic [1:0] s, output logic y);\n"
             "    `G g (.d(d), .s(s), .y(y));\nendmodule\n")
    verdict = _cvdp(cvdp, MUX_PID, {"rtl/mux4.sv": cheat})
    assert verdict.status == Status.REJECTED and verdict.rule == "foreign_module", verdict.reason


FLOOD = ('initial begin : flood integer k; for (k = 0; k < 400000; k = k + 1) '
         '$display("%0d flood flood flood flood flood flood flood flood flood flood flood flood flood", k); end\n')


@pytest.mark.slow
def test_cvdp_output_flood_keeps_the_verdict(cvdp) -> None:  # type: ignore[no-untyped-def]
    """~40 MB of prints against a 4 MB file-size limit: the job's log file limit was the one the
    simulator inherited (exit 120, infra_error). Now a wrong answer fails and a right one passes."""
    small = Limits(file_size_mb=4, wall_s=90)
    wrong = _cvdp(cvdp, COUNTER_PID, {"rtl/counter4.sv": _counter(FLOOD)}, small)
    assert wrong.status in (Status.FAIL, Status.TIMEOUT, Status.RUNTIME_ERROR), (wrong.status, wrong.reason)
    right = _cvdp(cvdp, COUNTER_PID, {"rtl/counter4.sv": _counter(FLOOD, broken=False)}, small)
    assert right.status == Status.PASS, (right.status, right.reason)
    assert len(right.logs.get("harness", "")) <= 3000


@pytest.mark.slow
def test_cvdp_honest_macros_and_timescale_still_pass(cvdp) -> None:  # type: ignore[no-untyped-def]
    """Near the new rule: an answer using `define (a macro with an argument) and `timescale is
    compiled from its preprocessed text and passes."""
    code = ("`timescale 1ns/1ps\n`define STEP 4'd1\n`define NEXT(x) x + `STEP\n"
            + fixtures.COUNTER.replace("q <= q + 4'd1", "q <= `NEXT(q)"))
    verdict = _cvdp(cvdp, COUNTER_PID, {"rtl/counter4.sv": code})
    assert verdict.status == Status.PASS, (verdict.status, verdict.reason, verdict.logs)


# -- VerilogEval / RTLLM's iverilog job (S3) ----------------------------------------------------
EMOJI = "\U0001F600" * 900
SUB = f"module sub(input [7:0] \\{EMOJI} , output y);\n  assign y = 1'b0;\nendmodule\n"
INSTANCES = "".join(f"  sub u{i}(.\\{EMOJI} (a), .y());\n" for i in range(24))
UPSIDE = "\U0001F643" * 800
HELPER = f"module helper(input [3:0] \\{UPSIDE} , output [3:0] q);\n  assign q = 4'd0;\nendmodule\n"
HELPERS = "".join(f"  helper h{i}(.\\{UPSIDE} (b), .q());\n" for i in range(30))
WRITES = ('  integer j;\n  initial for (j = 0; j < 60; j = j + 1) $write("%0d ' + "\U0001F40D" * 500
          + '\\n", j);\n')
PRINTS = '  integer k;\n  initial for (k = 0; k < 200; k = k + 1) $display("' + "\U0001F600" * 450 + '");\n'


def _v2(body: str, extra: str = "") -> str:
    return "module TopModule(input a, input b, output out);\n" + body + "endmodule\n" + extra


@pytest.fixture(scope="module")
def v2():  # type: ignore[no-untyped-def]
    return make_suite("verilogeval-v2-spec", V2, extra={"synth": "off"})


def _judge_v2(v2, code: str, tmp_path: Path) -> Verdict:  # type: ignore[no-untyped-def]
    problem = next(p for p in v2.problems() if p.id == "Prob001_and2")
    cand = v2.extract(problem, Completion(v2.name, problem.id, 0, f"```verilog\n{code}```"))
    assert cand is not None
    (tmp_path / "cache").mkdir(exist_ok=True)
    return v2.evaluate(problem, cand, EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path / "cache"))


@pytest.mark.slow
@pytest.mark.parametrize("name, body, extra", [
    ("warnings_and_prints", "  assign out = a | b;\n" + PRINTS + INSTANCES, SUB),  # the red team's form
    # ours: other characters, 4-bit ports left open, $write with a format (without the byte
    # budgets this lost the syntax record too)
    ("writes_and_open_ports", "  assign out = a | b;\n" + WRITES + HELPERS, HELPER),
])
def test_v2_astral_logs_keep_the_verdict(v2, tmp_path: Path, name: str, body: str, extra: str) -> None:  # type: ignore[no-untyped-def]
    verdict = _judge_v2(v2, _v2(body, extra), tmp_path)
    assert verdict.status == Status.FAIL, (name, verdict.status, verdict.reason[:300])


@pytest.mark.slow
def test_v2_right_answer_with_astral_logs_passes(v2, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    verdict = _judge_v2(v2, _v2("  assign out = a & b;\n" + PRINTS + INSTANCES, SUB), tmp_path)
    assert verdict.status == Status.PASS, (verdict.status, verdict.reason[:300])


# -- synthesis attributes (S5) ------------------------------------------------------------------
MUL = "module mult8u(input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);\n  assign p = a * b;\nendmodule\n"
CORE = "module mul_core(input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);\n  assign p = a * b;\nendmodule\n"
TOP = "module mult8u(input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);\n  {attr} mul_core u(.a(a), .b(b), .p(p));\nendmodule\n"


@pytest.fixture
def sctx(tmp_path: Path) -> EvalContext:
    return EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    CORE + TOP.format(attr="(* keep_hierarchy *)"),  # the red team's form
    CORE + TOP.format(attr='(* keep_hierarchy = 1, keep *)'),  # ours: attribute list with a value
    "(* keep_hierarchy *)\n" + CORE + TOP.format(attr=""),  # ours: on the module (unit_scope stops it in a run)
    "(* blackbox *)\n" + CORE + TOP.format(attr="(*keep_hierarchy*)"),
])
def test_attributes_cannot_hide_logic_from_synthesis(sctx: EvalContext, text: str) -> None:
    honest = synth.synthesize(MUL, "mult8u", sctx)
    res = synth.synthesize(text, "mult8u", sctx)
    assert honest.synthesizable and honest.cells and honest.cells > 100
    if res.synthesizable:  # whole design counted
        assert res.cells == honest.cells and res.area == honest.area and res.depth == honest.depth, res
        assert all(k.startswith("$") for k in res.by_type)
    else:
        assert "unflattened" in res.reason or res.reason


@pytest.mark.slow
def test_honest_sensitivity_lists_and_helpers_synthesise_the_same(sctx: EvalContext) -> None:
    """``@(*)`` and ``@( * )`` are not attributes; a helper module without attributes is flattened."""
    star = ("module mult8u(input wire [7:0] a, input wire [7:0] b, output reg [15:0] p);\n"
            "  always @(*) p = a * b;\nendmodule\n")
    spaced = star.replace("@(*)", "@( * )")
    honest = synth.synthesize(MUL, "mult8u", sctx)
    for text in (star, spaced, CORE + TOP.format(attr="")):
        res = synth.synthesize(text, "mult8u", sctx)
        assert res.synthesizable and res.cells == honest.cells and res.depth == honest.depth, (text, res)
    assert synth.strip_attributes('wire [7:0] s = "(* x *)";') == 'wire [7:0] s = "(* x *)";'


# -- who is at fault when a job ends without its verdict (fast: the mapping itself) --------------
def _records(nonce: str, *recs: dict) -> str:  # type: ignore[type-arg]
    return "".join(f"HWEVAL-RESULT {nonce} {json.dumps(r)}\n" for r in recs)


CLEAN = {"stage": "integrity", "status": "pass", "wall_s": 0.0, "reason": "", "data": {}}


def test_a_job_dying_after_a_clean_check_is_the_answers_runtime_error() -> None:
    from benchmarks.cvdp.evaluate import _verdict as cvdp_verdict
    from harness.families.verilog.cocotb_eval import _verdict as cocotb_verdict
    from harness.sandbox.base import ExecResult
    from harness.types import Candidate

    ctx = EvalContext(sandbox=BubblewrapSandbox())
    died = ExecResult(-9, _records("n", CLEAN), "Killed", 1.0)
    assert cvdp_verdict(died, [CLEAN], "", 1.0, ctx).status == Status.RUNTIME_ERROR
    assert cocotb_verdict(died, "n", Candidate(code=""), Limits(), "", 1.0).status == Status.RUNTIME_ERROR
    # before the check nothing of the answer ran: the harness's fault
    early = ExecResult(1, "", "ImportError", 1.0)
    assert cvdp_verdict(early, [], "", 1.0, ctx).status == Status.INFRA_ERROR
    assert cocotb_verdict(early, "n", Candidate(code=""), Limits(), "", 1.0).status == Status.INFRA_ERROR
    # out of time stays timeout
    slow = ExecResult(None, _records("n", CLEAN), "", 90.0, timed_out=True)
    assert cvdp_verdict(slow, [CLEAN], "", 90.0, ctx).status == Status.TIMEOUT


# -- below the scan: CVDP's verdict does not come from results.xml --------------------------------
class _NoScan(BubblewrapSandbox):
    """bubblewrap, with the CVDP job's integrity scan switched off (a design may then write files)."""

    def run(self, cmd, **kw):  # type: ignore[no-untyped-def, override]
        cmd = list(cmd)
        if cmd[1:] == ["-m", "benchmarks.cvdp.job"]:
            cmd = [cmd[0], "-c", "import runpy, harness.jobs.verilog_check as c; c.scan = lambda *a, **k: []; "
                   "runpy.run_module('benchmarks.cvdp.job', run_name='__main__', alter_sys=True)"]
        return super().run(cmd, **kw)


@pytest.mark.slow
def test_cvdp_without_the_scan_rewriting_the_result_xml_changes_nothing(cvdp) -> None:  # type: ignore[no-untyped-def]
    s, problems, root = cvdp
    ctx = EvalContext(sandbox=_NoScan(), cache_dir=root)
    defines, body, _ = PASTED["dollar_macro"]
    forged = body.replace("test_runner.result.xml", "sim_build/test_runner.result.xml") + body.replace(
        "fd =", "fd2 =").replace("(fd,", "(fd2,").replace("integer fd;", "integer fd2;")
    wrong = score_response(s, problems[COUNTER_PID], model_answer(
        {"rtl/counter4.sv": defines + _counter(forged)}), ctx)
    assert wrong.status == Status.FAIL, (wrong.status, wrong.reason)
    right = score_response(s, problems[COUNTER_PID], model_answer(
        {"rtl/counter4.sv": defines + _counter(forged, broken=False)}), ctx)
    assert right.status == Status.PASS, (right.status, right.reason)
