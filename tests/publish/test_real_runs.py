"""End to end on real runs of the built-in suite: run -> publish -> page, compare, report --plot."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from harness.publish.schema import shipped_schema
from tests.helpers import hweval

pytestmark = pytest.mark.slow


def test_publish_real_runs(real_runs: dict[str, Path], tmp_path: Path) -> None:
    out, page = tmp_path / "leaderboard.json", tmp_path / "leaderboard.html"
    hweval("publish", str(real_runs["reference"]), str(real_runs["mutant"]), "--out", str(out),
           "--html", str(page), check=True)
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, shipped_schema(), cls=jsonschema.Draft202012Validator)
    rows = {r["model"]: r for r in doc["rows"]}
    assert rows["reference"]["metrics"]["pass@1"]["mean"] == 1.0
    assert rows["mutant"]["metrics"]["pass@1"]["mean"] == 0.0 and rows["mutant"]["k_values"] == [1, 2, 3]
    assert rows["mutant"]["per_problem"] == {"and_gate": {"n": 3, "c": 0}}
    assert rows["reference"]["tools"]["iverilog"].startswith("Icarus")
    assert [m["model"] for m in doc["models"]] == ["reference", "mutant"]
    text = page.read_text()
    assert 'data-model="reference"' in text and 'data-model="mutant"' in text


def test_compare_real_runs(real_runs: dict[str, Path]) -> None:
    proc = hweval("compare", str(real_runs["reference"]), str(real_runs["mutant"]), "--json", check=True)
    c = json.loads(proc.stdout)["suites"]["verilog-core"]
    assert c["solved_by_a_only"] == [{"problem_id": "and_gate", "a": "1/1", "b": "0/3"}]
    assert c["diff"] == 1.0 and c["p_value"] == 1.0  # one problem cannot show significance
    proc = hweval("compare", str(real_runs["reference"]), str(real_runs["mutant"]), check=True)
    assert "and_gate" in proc.stdout and "permutation" in proc.stdout


def test_report_plot_real_run(real_runs: dict[str, Path], tmp_path: Path) -> None:
    png = tmp_path / "mutant.png"
    hweval("report", str(real_runs["mutant"]), "--plot", str(png), check=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
