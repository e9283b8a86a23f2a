"""publish trusts no summary: results.json must agree with executions.jsonl, number for number."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.publish.leaderboard import build
from tests.publish.runs import write_run


def edit_results(run: Path, change) -> None:
    path = run / "results.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def refused(run: Path, *needles: str) -> None:
    with pytest.raises(UsageError) as e:
        build([run])
    for needle in needles:
        assert needle in str(e.value), (needle, str(e.value))


@pytest.fixture
def run(tmp_path: Path) -> Path:
    return write_run(tmp_path / "r", "m", {"p1": (2, 1), "p2": (2, 0), "p3": (2, 2)})


def test_an_honest_run_is_published_with_its_scope(run: Path) -> None:
    (row,) = build([run]).doc["rows"]
    assert row["metrics"]["pass@1"]["mean"] == pytest.approx(0.5)
    assert row["scope"]["n_loaded"] == 3 and row["scope"]["n_not_run"] == 0


def test_a_raised_score_is_refused(run: Path) -> None:
    edit_results(run, lambda d: d["suites"]["toy-suite"]["metrics"]["pass@1"].update(mean=0.9))
    refused(run, "metrics in results.json disagree with executions.jsonl: pass@1")


def test_an_infra_error_hidden_from_results_is_refused(run: Path) -> None:
    lines = (run / "executions.jsonl").read_text().splitlines()
    rec = json.loads(lines[1])
    rec["status"] = "infra_error"
    lines[1] = json.dumps(rec)
    (run / "executions.jsonl").write_text("\n".join(lines) + "\n")
    refused(run, "executions.jsonl holds 1 infra_error sample(s)", "status counts in results.json")


def test_edited_status_counts_and_per_problem_counts_are_refused(run: Path) -> None:
    def change(d: dict) -> None:
        s = d["suites"]["toy-suite"]
        s["status_counts"] = {"pass": 6}
        s["per_problem"]["p2"]["c"] = 2
    edit_results(run, change)
    refused(run, "status counts in results.json", "per-problem counts in results.json disagree")


def test_a_run_of_no_samples_is_refused(tmp_path: Path) -> None:
    empty = write_run(tmp_path / "e", "m", {})
    edit_results(empty, lambda d: d["config"]["run"].update(n_samples=0))
    refused(empty, "asked for 0 samples per problem")


def test_a_run_without_a_journal_is_refused(run: Path) -> None:
    (run / "executions.jsonl").unlink()
    refused(run, "no executions.jsonl")


@pytest.mark.slow
def test_a_real_runs_family_metric_is_recomputed(real_runs: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    from harness.publish.verify import NOT_VERIFIED

    copy = tmp_path / "reference"
    shutil.copytree(real_runs["reference"], copy)
    (row,) = build([copy]).doc["rows"]
    assert "verilog-core" not in NOT_VERIFIED and "area_ratio" in row["metrics"]
    edit_results(copy, lambda d: d["suites"]["verilog-core"]["metrics"]["area_ratio"].update(mean=0.5))
    refused(copy, "disagree with executions.jsonl: area_ratio")
