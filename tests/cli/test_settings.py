"""Impossible settings are refused before any work: one line naming the flag or variable and the
allowed range, exit 2, and no run folder (the CLI called in-process)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import hweval_in_process as hweval

RUN = ("run", "--suite", "verilog-core", "--limit", "1")


def refused(proc, *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    err = proc.stderr.strip()
    assert "Traceback" not in proc.stderr and len(err.splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.mark.parametrize(("flag", "value", "rule"), [
    ("--timeout", "0", "> 0"), ("--timeout", "-5", "> 0"), ("--n-samples", "0", ">= 1"),
    ("--n-samples", "-2", ">= 1"), ("--limit", "-1", ">= 1"), ("--limit", "0", ">= 1"),
    ("--workers", "0", ">= 1"), ("--temperature", "-0.5", ">= 0"), ("--top-p", "0", "> 0"),
    ("--max-tokens", "0", ">= 1"), ("--shots", "9", "between 0 and 4"), ("--timeout", "nan", "> 0"),
    ("--simulator", "vcs", "icarus, verilator"), ("--lang", "verilog", "triton, cuda"),
])
def test_out_of_range_flag(tmp_path: Path, flag: str, value: str, rule: str) -> None:
    out = tmp_path / "r"
    refused(hweval(*RUN, flag, value, "--out", str(out)), flag, rule)
    assert not out.exists()


@pytest.mark.parametrize(("var", "value", "flag"), [
    ("HWEVAL_WORKERS", "abc", "--workers"), ("HWEVAL_N_SAMPLES", "0", "--n-samples"),
    ("HWEVAL_TIMEOUT_S", "-1", "--timeout"), ("HWEVAL_EQUIV", "maybe", "--equiv"),
    ("HWEVAL_SANDBOX", "bogus", "--sandbox"),
])
def test_bad_environment_twin_names_the_variable(tmp_path: Path, var: str, value: str, flag: str) -> None:
    refused(hweval(*RUN, "--out", str(tmp_path / "r"), env={var: value}), var, flag)


def test_bad_twin_breaks_only_the_commands_that_read_it(tmp_path: Path) -> None:
    proc = hweval("list", "backends", env={"HWEVAL_WORKERS": "abc"})
    assert proc.returncode == 0 and "replay" in proc.stdout
    refused(hweval("validate", "--suite", "verilog-core", env={"HWEVAL_WORKERS": "abc"}), "HWEVAL_WORKERS")
    refused(hweval("evaluate", str(tmp_path), env={"HWEVAL_TIMEOUT_S": "0"}), "HWEVAL_TIMEOUT_S", "> 0")


def test_unknown_sandbox_lists_the_known_ones(tmp_path: Path) -> None:
    refused(hweval(*RUN, "--sandbox", "bogus", "--out", str(tmp_path / "r")),
            "unknown sandbox 'bogus'; known: docker, local, none")


def test_unknown_suite_option_lists_the_suites_options(tmp_path: Path) -> None:
    refused(hweval(*RUN, "-S", "lnit=off", "--out", str(tmp_path / "r")), "-S lnit", "verilog-core", "lint")
    refused(hweval("validate", "--suite", "verilog-core", "-S", "nope=1"), "-S nope")
    refused(hweval(*RUN, "--out", str(tmp_path / "r"), env={"HWEVAL_SUITE_OPTIONS": "x=1"}), "-S x")


def test_a_suite_option_of_another_family_is_unknown_here(tmp_path: Path) -> None:
    refused(hweval(*RUN, "-S", "device=cpu", "--out", str(tmp_path / "r")), "-S device")


def test_data_on_a_suite_that_takes_none(tmp_path: Path) -> None:
    refused(hweval(*RUN, "--data", str(tmp_path), "--out", str(tmp_path / "r")), "--data", "no dataset")


def test_a_suite_that_needs_data_says_so_first(tmp_path: Path) -> None:
    refused(hweval("run", "--suite", "rtllm", "--out", str(tmp_path / "r")), "rtllm needs --data")


def test_env_twins_of_evaluate_and_validate_exist() -> None:
    for cmd in ("evaluate", "validate"):
        text = hweval(cmd, "--help").stdout
        for var in ("HWEVAL_WORKERS", "HWEVAL_SANDBOX", "HWEVAL_ALLOW_UNSANDBOXED", "HWEVAL_TIMEOUT_S"):
            assert var in text, (cmd, var)
