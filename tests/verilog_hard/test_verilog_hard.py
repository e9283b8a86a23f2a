"""verilog-hard: the suite loads, every problem's reference passes its own testbench once."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from benchmarks.verilog_hard import KINDS, VerilogHardSuite
from tests.helpers import hweval

PROBLEMS = Path(__file__).resolve().parents[2] / "benchmarks" / "verilog_hard" / "problems"
FOLDERS = sorted(p for p in PROBLEMS.iterdir() if (p / "tb.py").is_file() and (p / "meta.toml").is_file())


def test_every_problem_declares_kind_and_hard_line() -> None:
    assert FOLDERS, "no problems"
    for folder in FOLDERS:
        meta = tomllib.loads((folder / "meta.toml").read_text())
        assert meta["id"] == folder.name
        assert meta.get("kind") in KINDS, folder.name
        assert str(meta.get("hard", "")).strip(), f"{folder.name}: no 'hard' line"
        for name in meta.get("extra_sources", []):
            assert (folder / name).is_file(), f"{folder.name}: missing {name}"


def test_prompt_framing_follows_kind() -> None:
    suite = VerilogHardSuite()
    for problem in suite.problems():
        text = suite.prompt(problem).messages[-1].content
        assert problem.data["spec"].strip() in text
        kind = problem.data["meta"]["kind"]
        word = {"spec": "Implement", "complete": "Complete", "modify": "Modify", "debug": "fix"}[kind]
        assert word in text, problem.id


@pytest.mark.slow
def test_references_pass(tmp_path: Path) -> None:
    """One reference run over the whole suite (Icarus, bubblewrap sandbox): pass@1 = 1."""
    out = tmp_path / "ref"
    proc = hweval("run", "--suite", "verilog-hard", "--model", "reference", "-S", "synth=off", "-S", "lint=off",
                  "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    suite = json.loads((out / "results.json").read_text())["suites"]["verilog-hard"]
    assert suite["excluded"] == []
    assert suite["metrics"]["pass@1"]["mean"] == 1.0, suite["status_counts"]
