"""CVDP harnesses run in hweval's sandbox: golden answers pass, wrong ones fail with the right status,
cheats are rejected, and the verdicts agree with CVDP's own way of running the same answers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.cvdp import CvdpSuite
from benchmarks.cvdp.answer import model_answer
from harness.api import score_response
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Problem, Status, Verdict
from tests.cvdp import fixtures
from tests.cvdp.cvdp_direct import cvdp_passes
from tests.helpers import hweval

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> tuple[CvdpSuite, dict[str, Problem], EvalContext]:
    root = tmp_path_factory.mktemp("cvdp")
    s = CvdpSuite(SuiteOptions(data=str(fixtures.write(root))))
    return s, {p.id: p for p in s.problems()}, EvalContext(sandbox=BubblewrapSandbox(), cache_dir=root)


_SEEN: dict[tuple[str, str], Verdict] = {}


def judge(env: tuple[CvdpSuite, dict[str, Problem], EvalContext], pid: str, response: str) -> Verdict:
    """hweval's verdict on one response (each distinct answer is simulated once per session)."""
    if (pid, response) not in _SEEN:
        s, problems, ctx = env
        _SEEN[(pid, response)] = score_response(s, problems[pid], response, ctx)
    return _SEEN[(pid, response)]


BROKEN_COUNTER = model_answer({"rtl/counter4.sv": fixtures.COUNTER_BROKEN})
SYNTAX_COUNTER = model_answer({"rtl/counter4.sv": fixtures.COUNTER.replace("endmodule", "")})
ALU_MISSING_CORE = json.dumps({"code": [{"rtl/alu_top.sv": fixtures.ALU_TOP}]})
MUX_CHEAT = model_answer({"rtl/mux4.sv": """module mux4 (input logic [3:0] d, input logic [1:0] s, output logic y);
    mux4_golden g (.d(d), .s(s), .y(y));
endmodule
"""})
FORGED = model_answer({"rtl/counter4.sv": fixtures.COUNTER_BROKEN.replace(
    "endmodule", 'initial $display("HWEVAL-RESULT 0 {\\"stage\\": \\"function\\", \\"status\\": \\"pass\\"}");\n'
    "endmodule")})


def test_references_pass_and_a_failing_reference_fails(env) -> None:  # type: ignore[no-untyped-def]
    s, problems, _ = env
    for pid in ("cvdp_copilot_counter4_0001", "cvdp_copilot_alu_0004", "cvdp_copilot_mux4_0002"):
        verdict = judge(env, pid, s.reference_response(problems[pid]))
        assert verdict.status == Status.PASS, (pid, verdict.reason, verdict.logs)
    parity = judge(env, "cvdp_copilot_parity_0016", s.reference_response(problems["cvdp_copilot_parity_0016"]))
    assert parity.status == Status.FAIL and "d=0" in parity.reason


def test_wrong_answers_get_the_right_status(env) -> None:  # type: ignore[no-untyped-def]
    broken = judge(env, "cvdp_copilot_counter4_0001", BROKEN_COUNTER)
    assert broken.status == Status.FAIL and "expected" in broken.reason
    assert judge(env, "cvdp_copilot_counter4_0001", SYNTAX_COUNTER).status == Status.SYNTAX_ERROR
    # a file missing from a multi-file answer: the context's old alu_core.sv stays, as in CVDP
    missing = judge(env, "cvdp_copilot_alu_0004", ALU_MISSING_CORE)
    assert missing.status == Status.FAIL and missing.stages["function"].data["services"] == 1
    assert judge(env, "cvdp_copilot_alu_0004", "Sorry, no JSON here.").status == Status.NO_CODE


def test_cheats_are_rejected_or_cannot_forge_a_pass(env) -> None:  # type: ignore[no-untyped-def]
    cheat = judge(env, "cvdp_copilot_mux4_0002", MUX_CHEAT)
    assert cheat.status == Status.REJECTED and cheat.rule == "foreign_module" and "mux4_golden" in cheat.reason
    fopen = model_answer({"rtl/counter4.sv": fixtures.COUNTER.replace(
        "endmodule", 'initial begin : f integer fd; fd = $fopen("results.xml", "w"); end\nendmodule')})
    assert judge(env, "cvdp_copilot_counter4_0001", fopen).status == Status.REJECTED
    assert judge(env, "cvdp_copilot_counter4_0001", FORGED).status == Status.FAIL


def test_verdicts_agree_with_cvdps_own_runner(env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each answer is run both ways: hweval (sandbox, job, nonce) and CVDP's procedure (cvdp_direct)."""
    s, problems, _ = env
    by_id = {r["id"]: r for r in fixtures.all_records()}
    cases = [(pid, s.reference_response(problems[pid])) for pid in problems]
    cases += [("cvdp_copilot_counter4_0001", BROKEN_COUNTER), ("cvdp_copilot_alu_0004", ALU_MISSING_CORE)]
    for i, (pid, response) in enumerate(cases):
        cand = s.extract(problems[pid], Completion("cvdp", pid, 0, response))
        assert cand is not None
        ours = judge(env, pid, response).status == Status.PASS
        theirs = cvdp_passes(by_id[pid], cand.files, tmp_path / str(i))
        assert ours == theirs, (pid, ours, theirs)


def test_cli_run_validate_and_breakdown(tmp_path: Path) -> None:
    data = fixtures.write(tmp_path / "data")
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "cvdp", "--model", "reference", "--data", str(data), "--out", str(out),
                  "-S", "categories=cid003,cid016,cid010,cid012", "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    res = json.loads((out / "results.json").read_text())["suites"]["cvdp"]
    assert [e["problem_id"] for e in res["excluded"]] == ["cvdp_copilot_parity_0016"]
    assert res["excluded"][0]["status"] == "fail"
    assert res["n_problems"] == 1 and res["metrics"]["pass@1"]["mean"] == 1.0
    assert res["metrics"]["pass@1[cid003]"]["mean"] == 1.0 and res["metrics"]["pass@1[easy]"]["n"] == 1
    unsupported = {u["problem_id"]: u["reason"] for u in res["metrics"]["unsupported"]["records"]}
    assert set(unsupported) == {"cvdp_copilot_gf_mult_0039", "cvdp_copilot_counter4_0010", "cvdp_agentic_counter4_0001"}
    board = tmp_path / "leaderboard.json"
    assert hweval("publish", str(out), "--out", str(board)).returncode == 0
    row = next(r for r in json.loads(board.read_text())["rows"] if r["suite"] == "cvdp")
    assert {"pass@1[cid003]", "pass@1[easy]"} <= set(row["metrics"])
    check = hweval("validate", "--suite", "cvdp", "--data", str(data), "-S", "difficulty=hard", "--json")
    assert check.returncode != 0
    assert "cvdp_copilot_parity_0016" in check.stdout and "AssertionError: d=0" in check.stdout
