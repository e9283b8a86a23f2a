"""``hweval sandbox build|check|cleanup`` and ``--sandbox`` selection."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.config import RunConfig
from harness.errors import UsageError
from harness.runner import make_sandbox
from tests.helpers import hweval_in_process

pytestmark = pytest.mark.slow  # every test here starts a sandbox or the CLI on one


def _hweval(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, timeout=600)


def test_check_reports_the_local_sandbox() -> None:
    proc = _hweval("sandbox", "check", "--kinds", "local,none", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["sandbox"]: r for r in json.loads(proc.stdout)}
    assert rows["local"]["ok"] and "bubblewrap works" in rows["local"]["detail"]
    assert rows["none"]["ok"]


def test_check_names_an_unknown_sandbox() -> None:
    proc = hweval_in_process("sandbox", "check", "--kinds", "nosuch", "--json")  # argument handling only
    assert proc.returncode == 1
    row = json.loads(proc.stdout)[0]
    assert row["ok"] is False and "nosuch" in row["detail"]


def test_build_rejects_an_unknown_profile(docker_sandbox: object) -> None:
    proc = hweval_in_process("sandbox", "build", "--profiles", "nosuch")
    assert proc.returncode == 2
    assert "nosuch" in proc.stderr


def test_build_is_a_no_op_when_up_to_date(docker_sandbox: object) -> None:
    proc = _hweval("sandbox", "build", "--json")
    assert proc.returncode == 0, proc.stderr
    actions = {r["image"]: r["action"] for r in json.loads(proc.stdout)}
    assert set(actions.values()) == {"up-to-date"}
    assert "hweval/base:bookworm" in actions and "hweval/rtl:latest" in actions


def test_cleanup_runs_without_leftovers() -> None:
    proc = _hweval("sandbox", "cleanup", "--json")
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)) == {"containers", "mounts", "cgroups"}


def test_none_needs_allow_unsandboxed(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="allow-unsandboxed"):
        make_sandbox(RunConfig(suites=["verilog-core"], sandbox="none", out=str(tmp_path)))
    sb = make_sandbox(RunConfig(suites=["verilog-core"], sandbox="none", allow_unsandboxed=True, out=str(tmp_path)))
    assert sb.name == "none"
