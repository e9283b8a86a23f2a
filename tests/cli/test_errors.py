"""File-system and pipe mistakes end with one line, never a traceback (the CLI in-process;
a closed pipe in a real subprocess)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT
from tests.helpers import hweval_in_process as hweval
from tests.publish.runs import write_run


def one_line(proc, code: int, *needles: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)


def test_unwritable_out(tmp_path: Path) -> None:
    afile = tmp_path / "a-file"
    afile.write_text("x")
    for out in ("/proc/hweval-x", str(afile / "run")):
        one_line(hweval("generate", "--suite", "verilog-core", "--limit", "1", "--out", out), 2, f"--out {out}")


def test_report_on_a_file_and_on_a_missing_folder(tmp_path: Path) -> None:
    afile = tmp_path / "results.json"
    afile.write_text("{}")
    one_line(hweval("report", str(afile)), 2, "not a run folder")
    one_line(hweval("report", str(tmp_path / "nope")), 2, "not a run folder")
    one_line(hweval("evaluate", str(afile)), 2, "not a run folder")


def test_report_json_into_a_closed_pipe(tmp_path: Path) -> None:
    run = write_run(tmp_path / "r", "m", {f"p{i}": (1, i % 2) for i in range(400)})
    cmd = f"{sys.executable} -m harness.cli report --json {run} | head -c 20"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.stdout == json.dumps(json.loads((run / "results.json").read_text()), indent=2,
                                     sort_keys=True)[:20]
    assert proc.stderr == "" and proc.returncode == 0, proc.stderr


def test_replay_file_that_lacks_lines_is_an_input_error(tmp_path: Path) -> None:
    replay = tmp_path / "answers.jsonl"
    replay.write_text(json.dumps({"suite": "verilog-core", "problem_id": "and_gate", "sample_idx": 0,
                                  "completion": "x"}) + "\n")
    out = tmp_path / "r"
    proc = hweval("generate", "--suite", "verilog-core", "--problems", "and_gate,alu8", "--n-samples", "2",
                  "--model", f"replay:{replay}", "--out", str(out))
    one_line(proc, 2, "no line for 3 of the 4 requested samples", "verilog-core/and_gate#1",
             "verilog-core/alu8#0")
    assert not (out / "completions.jsonl").exists() or not (out / "completions.jsonl").read_text()


def test_global_flags_before_the_sub_command_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "r"
    proc = hweval("--no-progress", "generate", "--suite", "verilog-core", "--limit", "1", "--out", str(out),
                  env={"HWEVAL_NO_PROGRESS": ""})
    assert proc.returncode == 0 and "generate:" not in proc.stderr, proc.stderr
    proc = hweval("generate", "--suite", "verilog-core", "--limit", "1", "--out", str(tmp_path / "s"),
                  env={"HWEVAL_NO_PROGRESS": ""})
    assert "generate: 1/1 (100%)" in proc.stderr  # piped: progress lines, not a bar


def test_evaluate_checks_the_saved_settings_too(tmp_path: Path) -> None:
    out = tmp_path / "r"
    hweval("generate", "--suite", "verilog-core", "--limit", "1", "--out", str(out), check=True)
    config = json.loads((out / "config.json").read_text())
    config["run"]["timeout_s"] = 0
    (out / "config.json").write_text(json.dumps(config))
    one_line(hweval("evaluate", str(out)), 2, "--timeout 0", "> 0")
