"""A reference that fails its own tests is excluded; one that could not be run here (infra_error,
e.g. CUDA without a GPU) is reported as not run, never as a broken reference."""
from __future__ import annotations

from harness.config import RunConfig
from harness.results import ExecutionRecord
from harness.runner import excluded_from, make_suite, not_run_from
from harness.summary import SuiteScope, suite_summary

VALIDATION = {
    "a": {"status": "pass", "reason": ""},
    "b": {"status": "fail", "reason": "mismatch at cycle 3"},
    "c": {"status": "infra_error", "reason": "no CUDA device is visible\ndetails"},
    "d": {"status": "syntax_error", "reason": "ref.v:2: syntax error"},
    "e": {"status": "infra_error", "reason": "no CUDA device is visible"},
}


def test_validation_splits_broken_references_from_problems_not_run() -> None:
    assert [e["problem_id"] for e in excluded_from(VALIDATION)] == ["b", "d"]
    assert [e["problem_id"] for e in not_run_from(VALIDATION)] == ["c", "e"]


def test_summary_counts_loaded_excluded_and_not_run_by_reason() -> None:
    suite = make_suite("verilog-core", RunConfig(suites=["verilog-core"]))
    records = [ExecutionRecord("verilog-core", pid, 0, f"sha-{pid}", status)
               for pid, status in (("a", "pass"), ("b", "fail"), ("d", "fail"))]
    scope = SuiteScope(list(VALIDATION), n_loaded=43, load_exclusions={"duplicate id": 2},
                       excluded=excluded_from(VALIDATION), not_run=not_run_from(VALIDATION))
    s = suite_summary(suite, records, scope, 1, 0)
    assert (s["n_loaded"], s["n_selected"], s["n_problems"]) == (43, 5, 1)
    assert s["excluded_by_reason"] == {"fail": 1, "syntax_error": 1} and s["n_excluded"] == 2
    assert s["not_run_by_reason"] == {"no CUDA device is visible": 2} and s["n_not_run"] == 2
    assert s["load_exclusions"] == {"duplicate id": 2}
    assert s["metrics"]["pass@1"]["mean"] == 1.0 and s["complete"]


def test_infra_error_reasons_are_summarised_from_the_journal(tmp_path) -> None:
    import json

    from harness.report import infra_reasons

    lines = [{"suite": "s", "problem_id": f"p{i}", "sample_idx": 0, "candidate_sha256": "x",
              "status": "infra_error" if i < 3 else "pass",
              "reason": "no Docker engine: connection refused\ntrace" if i < 2 else "yosys crashed"}
             for i in range(5)]
    (tmp_path / "executions.jsonl").write_text("".join(json.dumps(rec) + "\n" for rec in lines))
    text = infra_reasons(tmp_path)
    assert text.startswith("no Docker engine: connection refused (x2); yosys crashed (x1)")
