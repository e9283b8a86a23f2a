"""End to end through the CLI: validate lists the failing reference; a reference run scores 1.0."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import hweval, write_replay
from tests.verilogeval.conftest import V2

pytestmark = pytest.mark.slow


def test_validate_reports_each_failing_reference_with_its_reason() -> None:
    proc = hweval("validate", "--suite", "verilogeval-v2-spec", "--data", str(V2), "--workers", "2")
    assert proc.returncode == 1, proc.stderr
    assert "3/4 references pass" in proc.stdout
    assert "Prob003_badref" in proc.stdout and "not a port" in proc.stdout


def test_missing_data_exits_2_naming_the_flag() -> None:
    proc = hweval("validate", "--suite", "verilogeval-v2-spec")
    assert proc.returncode == 2 and "--data" in proc.stderr


def test_reference_run_scores_one_and_lists_the_excluded_problem(tmp_path: Path) -> None:
    out = tmp_path / "ref"
    proc = hweval("run", "--suite", "verilogeval-v2-spec", "--data", str(V2), "--model", "reference",
                  "--out", str(out), "--workers", "2", "--equiv")
    assert proc.returncode == 0, proc.stderr
    s = json.loads((out / "results.json").read_text())["suites"]["verilogeval-v2-spec"]
    assert [e["problem_id"] for e in s["excluded"]] == ["Prob003_badref"]
    assert "not a port" in s["excluded"][0]["reason"]
    assert s["n_problems"] == 3 and s["metrics"]["pass@1"]["mean"] == 1.0
    assert s["metrics"]["synth_rate"]["mean"] == 1.0
    assert s["metrics"]["area_ratio"]["mean"] == 1.0 and s["metrics"]["depth_ratio"]["mean"] == 1.0
    assert s["metrics"]["equiv_proven_rate"]["mean"] == 1.0


def test_forged_answers_never_pass_in_a_run(tmp_path: Path) -> None:
    header = "module TopModule(input a, input b, output out);\n"
    answers = [
        header + "  assign out = a & b;\nendmodule\n",
        header + "  assign out = a | b;\n  final $display(\"Mismatches: 0 in 25 samples\");\nendmodule\n",
        header + "  assign out = a & b;\n  initial begin @(a); $finish; end\nendmodule\n",
        header + "  assign out = a ^ b;\n  always @(tb.stats1.errors) tb.stats1.errors = 0;\nendmodule\n",
    ]
    replay = write_replay(tmp_path / "r.jsonl", "verilogeval-v2-spec", "Prob001_and2",
                          [f"```verilog\n{a}```" for a in answers])
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "verilogeval-v2-spec", "--data", str(V2), "--model", f"replay:{replay}",
                  "--problems", "Prob001_and2", "--n-samples", "4", "--out", str(out), "--workers", "2",
                  "-S", "synth=off")
    assert proc.returncode == 0, proc.stderr
    recs = {json.loads(ln)["sample_idx"]: json.loads(ln) for ln in (out / "executions.jsonl").read_text().splitlines()}
    assert [recs[i]["status"] for i in range(4)] == ["pass", "fail", "rejected", "rejected"]
    assert "synth" not in recs[0]["stages"]
