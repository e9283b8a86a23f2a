"""``hweval audit`` end to end on the real simulators: verilog-core problems score high, a
deliberately weak testbench scores low and fails --fail-under, VerilogEval/RTLLM fixtures work."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness import registry
from harness.cli import main
from harness.families.verilog.suite import CocotbVerilogSuite
from tests.helpers import ROOT, hweval

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
CORE_PROBLEMS = "dff_arst_n,bin2gray8"


class WeakCoreSuite(CocotbVerilogSuite):
    """verilog-core's format, with one problem whose testbench checks nothing useful."""

    name = "audit-weak-core"
    version = "1"
    problems_dir = FIXTURES / "weak_core"


@pytest.fixture
def weak_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    real = registry.load

    def load(kind: str, name: str) -> Any:
        return WeakCoreSuite if (kind, name) == ("suites", WeakCoreSuite.name) else real(kind, name)

    monkeypatch.setattr(registry, "load", load)


def _audit(out: Path) -> dict[str, Any]:
    return json.loads((out / "audit.json").read_text())


def test_verilog_core_problems_reach_0_9(tmp_path: Path) -> None:
    out = tmp_path / "core"
    proc = hweval("audit", "--suite", "verilog-core", "--problems", CORE_PROBLEMS, "--max-mutants", "6",
                  "--workers", "2", "--fail-under", "0.9", "--out", str(out))
    data = _audit(out)
    scores = {p["problem_id"]: p["score"] for p in data["problems"]}
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert set(scores) == set(CORE_PROBLEMS.split(","))
    assert all(s is not None and s >= 0.9 for s in scores.values()), scores
    assert all(p["n_run"] == 6 for p in data["problems"])
    assert data["summary"]["n_infra_errors"] == 0
    assert "testbench audit: verilog-core" in proc.stdout


def test_weak_testbench_scores_low_and_fails_fail_under(tmp_path: Path, weak_registered: None,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "weak"
    args = ["audit", "--suite", WeakCoreSuite.name, "--workers", "2", "--max-mutants", "10", "--no-progress"]
    rc = main([*args, "--fail-under", "0.9", "--out", str(out)])
    text = capsys.readouterr().out
    data = _audit(out)
    (weak,) = data["problems"]
    assert rc == 1
    assert weak["reference"]["status"] == "pass"
    assert weak["score"] is not None and weak["score"] < 0.5, weak["counts"]
    assert weak["counts"]["survived"] >= 5
    assert data["summary"]["under"] == ["weak_counter"] and data["summary"]["failed"]
    assert "--fail-under 0.9: weak_counter scored under it" in text
    # every survivor comes with its diff, and was checked for equivalence
    assert all(s["diff"].startswith("--- reference") for s in weak["survivors"])
    assert all(s["equivalence"]["status"] in ("different", "unknown") for s in weak["survivors"])
    assert not any(m["cached"] for m in weak["mutants"])
    # the same audit again: every verdict comes from the cache, the numbers do not change, and
    # without --fail-under a low score alone does not fail
    again = tmp_path / "again"
    assert main([*args, "--out", str(again)]) == 0
    (second,) = _audit(again)["problems"]
    assert second["counts"] == weak["counts"] and all(m["cached"] for m in second["mutants"])
    # scope "suite" fails on the pooled score too
    assert main([*args, "--fail-under", "0.9", "--fail-scope", "suite", "--out", str(tmp_path / "s")]) == 1


def test_verilogeval_fixtures(tmp_path: Path) -> None:
    weak = tmp_path / "ve-weak"
    proc = hweval("audit", "--suite", "verilogeval-v2-spec", "--data", str(FIXTURES / "ve2_weak"), "--workers", "2",
                  "--fail-under", "0.5", "--out", str(weak))
    data = _audit(weak)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert data["problems"][0]["score"] < 0.5
    # a real miscompare is never "proven equivalent" (yosys sat needs -enable_undef with -ignore_gold_x)
    assert not [e for e in data["problems"][0]["equivalent"] if "a | b" in e["diff"] and "a & b" in e["diff"]]
    strong = tmp_path / "ve"
    proc = hweval("audit", "--suite", "verilogeval-v2-spec", "--data", str(ROOT / "tests/verilogeval/fixtures/v2"),
                  "--problems", "Prob001_and2,Prob003_badref", "--workers", "2", "--fail-under", "0.9",
                  "--out", str(strong))
    data = _audit(strong)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    by_id = {p["problem_id"]: p for p in data["problems"]}
    assert by_id["Prob001_and2"]["score"] == 1.0
    assert by_id["Prob003_badref"]["reference"]["status"] != "pass" and by_id["Prob003_badref"]["score"] is None
    assert [e["problem_id"] for e in data["summary"]["excluded"]] == ["Prob003_badref"]


def test_rtllm_fixture(tmp_path: Path) -> None:
    out = tmp_path / "rtllm"
    proc = hweval("audit", "--suite", "rtllm", "--data", str(ROOT / "tests/rtllm/fixtures/v2"),
                  "--problems", "adder_4bit", "--max-mutants", "10", "--timeout", "5", "--workers", "2",
                  "--out", str(out))
    data = _audit(out)
    (p,) = data["problems"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert p["reference"]["status"] == "pass" and p["score"] == 1.0
    assert p["counts"]["stillborn"] >= 1  # e.g. a loop bound moved past the vectors' ends
    assert p["counts"]["killed"] + p["counts"]["stillborn"] + p["counts"]["equivalent"] == p["n_run"]


def test_usage_errors(tmp_path: Path) -> None:
    proc = hweval("audit", "--suite", "verilog-core,rtllm", "--out", str(tmp_path / "x"))
    assert proc.returncode == 2 and "one suite" in proc.stderr
    proc = hweval("audit", "--suite", "verilog-core", "--fail-under", "1.5")
    assert proc.returncode == 2 and "between 0 and 1" in proc.stderr
    proc = hweval("audit", "--suite", "verilog-core", "--problems", "no_such_problem")
    assert proc.returncode == 2 and "no_such_problem" in proc.stderr
