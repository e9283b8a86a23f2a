"""Bad input gets a clear message naming the thing at fault, and exit code 2."""
from __future__ import annotations

import os
from pathlib import Path

from tests.helpers import hweval_in_process as hweval


def test_unknown_suite_lists_known_ones(tmp_path) -> None:
    proc = hweval("run", "--suite", "no-such-suite", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2
    assert "unknown suite 'no-such-suite'" in proc.stderr and "verilog-core" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_backend(tmp_path) -> None:
    proc = hweval("run", "--suite", "verilog-core", "--model", "nobody:x", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and "unknown backend 'nobody'" in proc.stderr


def test_malformed_replay_line_names_file_and_line(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"suite": "verilog-core", "problem_id": "and_gate", "sample_idx": 0, "completion": "x"}\n'
                   '{"suite": "verilog-core", "problem_id": \n')
    proc = hweval("run", "--suite", "verilog-core", "--model", f"replay:{bad}", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and f"{bad}:2" in proc.stderr


def test_replay_line_missing_field(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"suite": "verilog-core", "problem_id": "and_gate", "completion": "x"}\n')
    proc = hweval("run", "--suite", "verilog-core", "--model", f"replay:{bad}", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and f"{bad}:1" in proc.stderr and "sample_idx" in proc.stderr


def test_missing_simulator_says_how_to_install(tmp_path) -> None:
    venv_bin = str(Path(os.sys.executable).parent)
    proc = hweval("run", "--suite", "verilog-core", "--problems", "and_gate", "--out", str(tmp_path / "r"),
                  env={"PATH": venv_bin})
    assert proc.returncode == 2
    assert "iverilog not found" in proc.stderr and "apt-get install iverilog" in proc.stderr


def test_unknown_problem_id(tmp_path) -> None:
    proc = hweval("run", "--suite", "verilog-core", "--problems", "nope", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and "nope" in proc.stderr


def test_existing_run_needs_resume(tmp_path) -> None:
    out = tmp_path / "r"
    hweval("generate", "--suite", "verilog-core", "--problems", "and_gate", "--out", str(out), check=True)
    proc = hweval("generate", "--suite", "verilog-core", "--problems", "and_gate", "--out", str(out))
    assert proc.returncode == 2 and "--resume" in proc.stderr
    proc = hweval("generate", "--suite", "verilog-core", "--problems", "and_gate", "--out", str(out),
                  "--resume", "--n-samples", "3")
    assert proc.returncode == 2 and "n_samples" in proc.stderr


def test_unsandboxed_needs_confirmation(tmp_path) -> None:
    proc = hweval("run", "--suite", "verilog-core", "--sandbox", "none", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and "--allow-unsandboxed" in proc.stderr


def test_environment_twin(tmp_path) -> None:
    out = tmp_path / "r"
    hweval("generate", "--suite", "verilog-core", "--problems", "and_gate", "--out", str(out),
           env={"HWEVAL_N_SAMPLES": "3"}, check=True)
    assert len((out / "completions.jsonl").read_text().splitlines()) == 3
