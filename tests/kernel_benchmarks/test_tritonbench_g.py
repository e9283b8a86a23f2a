"""tritonbench-g: TritonBench-G's format (operator | 146 '#' | test section storing result_gold,
metadata in TritonBench_G_v1.json); answers are scored on the test section's result tensors
against the reference's, computed in the sandbox, never on stdout."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.tritonbench import TritonBenchGSuite
from benchmarks.tritonbench.g import PREAMBLE
from harness.errors import DataError, UsageError
from harness.suite import SuiteOptions
from harness.types import Candidate, Completion, Status
from tests.kernel_benchmarks.helpers import TRITONBENCH, bwrap_usable, context


def _suite(data: Path = TRITONBENCH, **extra: str) -> TritonBenchGSuite:
    return TritonBenchGSuite(SuiteOptions(data=str(data), lang="triton", extra=extra))


def _golden(suite: TritonBenchGSuite, pid: str) -> tuple[object, str]:
    problem = next(p for p in suite.problems() if p.id == pid)
    cand = suite.extract(problem, Completion(suite.name, pid, 0, suite.reference_response(problem)))
    assert cand is not None
    return problem, cand.code


def test_loader_prompt_golden_and_exclusions() -> None:
    suite = _suite()
    problems = {p.id: p for p in suite.problems()}
    assert list(problems) == ["negate_fn", "row_scale", "synced_copy"]
    # negate_fn's test calls Negate.apply(x) (an autograd Function, no wrapper): its entry is the class
    assert suite.load_exclusions() == {}
    assert suite.kernel_problem(problems["negate_fn"]).entry == "Negate"
    kp = suite.kernel_problem(problems["row_scale"])
    assert kp.kind == "function" and kp.entry == "row_scale" and kp.meta["result_var"] == "result_gold"
    assert "result_gold = test_row_scale()" in kp.test_code and "#" * 146 not in kp.reference_source
    text = suite.prompt(problems["row_scale"]).text
    assert PREAMBLE + "\n            The Triton code defines `row_scale_kernel" in text
    simp = _suite(instruction="simp")
    simple = simp.prompt(next(p for p in simp.problems() if p.id == "row_scale")).text
    assert "multiplies every element of a 2-D tensor by alpha" in simple and "masks the columns" not in simple
    assert "masks the columns" in text  # the complex instruction by default
    assert problems["row_scale"].reference is not None and "def row_scale(" in problems["row_scale"].reference
    assert "torch.cuda.synchronize" in suite.kernel_problem(problems["synced_copy"]).meta["cpu_unsupported"]
    with pytest.raises(UsageError, match="instruction"):
        list(_suite(instruction="long").problems())


def test_bad_data(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="TritonBench_G_v1"):
        list(_suite(tmp_path).problems())
    shutil.copytree(TRITONBENCH / "data" / "TritonBench_G_v1", tmp_path / "data" / "TritonBench_G_v1")
    with pytest.raises(DataError, match=r"TritonBench_G_v1\.json: missing"):
        list(_suite(tmp_path).problems())
    meta = tmp_path / "data" / "TritonBench_G_v1.json"
    rows = json.loads((TRITONBENCH / "data" / "TritonBench_G_v1.json").read_text())
    meta.write_text(json.dumps(rows[:1]))
    with pytest.raises(DataError, match="no record for row_scale.py"):
        list(_suite(tmp_path).problems())
    meta.write_text(json.dumps([{k: v for k, v in r.items() if k != "comp_instru"} for r in rows]))
    with pytest.raises(DataError, match="comp_instru"):
        list(_suite(tmp_path).problems())


def test_call_and_exec_accuracy() -> None:
    records = [{"problem_id": "a", "status": "pass", "metrics": {}},
               {"problem_id": "a", "status": "fail", "metrics": {}},
               {"problem_id": "b", "status": "runtime_error", "metrics": {}},
               {"problem_id": "c", "status": "infra_error", "metrics": {}}]
    metrics = _suite().suite_metrics(records)
    assert metrics["call_acc"]["mean"] == pytest.approx(0.5) and metrics["call_acc"]["n"] == 2
    assert metrics["exec_acc"]["mean"] == pytest.approx(0.25)


def test_cpu_unsupported_and_rule_breaking_answers_need_no_run(tmp_path: Path) -> None:
    suite = _suite()
    ctx = context(tmp_path)
    synced, code = _golden(suite, "synced_copy")
    verdict = suite.evaluate(synced, Candidate(code=code), ctx)  # type: ignore[arg-type]
    assert verdict.status == Status.INFRA_ERROR and verdict.reason.startswith("not run on the CPU: ")
    row, gold = _golden(suite, "row_scale")
    cheat = gold.replace("    return out\n", "    return x * alpha\n")  # torch computes, the kernel's output is dropped
    verdict = suite.evaluate(row, Candidate(code=cheat), ctx)  # type: ignore[arg-type]
    assert verdict.status == Status.REJECTED and verdict.rule == "torch_compute"


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_golden_passes_and_wrong_answer_fails_on_result_tensors(tmp_path: Path) -> None:
    suite = _suite()
    ctx = context(tmp_path)
    row, gold = _golden(suite, "row_scale")
    verdict = suite.evaluate(row, Candidate(code=gold), ctx)  # type: ignore[arg-type]
    assert verdict.status == Status.PASS, verdict.reason
    wrong = suite.evaluate(row, Candidate(code=gold.replace("x * alpha", "x + alpha")), ctx)  # type: ignore[arg-type]
    assert wrong.status == Status.FAIL and "test_case_1" in wrong.reason, wrong.reason
