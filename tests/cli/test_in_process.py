"""The in-process CLI helper (tests.helpers.hweval_in_process) answers as the real command does,
and leaves no trace in the test process: environment and working folder are restored."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import hweval, hweval_in_process


@pytest.mark.parametrize(("args", "env"), [
    (("run", "--suite", "verilog-core", "--limit", "0"), {}),
    (("run", "--suite", "verilog-core"), {"HWEVAL_WORKERS": "abc"}),
    (("report", "no-such-folder"), {}),
    (("list", "sandboxes"), {}),
])
def test_same_exit_code_and_output_as_the_real_command(args: tuple[str, ...], env: dict[str, str]) -> None:
    real = hweval(*args, env=env, timeout=120)
    here = hweval_in_process(*args, env=env)
    assert (here.returncode, here.stdout, here.stderr) == (real.returncode, real.stdout, real.stderr)


def test_environment_and_working_folder_are_restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HWEVAL_ROUNDS", raising=False)
    before = dict(os.environ)
    proc = hweval_in_process("run", "--suite", "verilog-core", "--out", str(tmp_path / "r"),
                             env={"HWEVAL_ROUNDS": "x"})
    assert proc.returncode == 2 and "HWEVAL_ROUNDS" in proc.stderr
    assert dict(os.environ) == before and Path.cwd() == tmp_path
    assert not (tmp_path / "r").exists()
