"""Tool lookups (issue 22): a tool found on PATH is looked up once per PATH, not per candidate;
a missing tool is still reported, and a changed PATH is looked up afresh."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from harness import tools
from harness.errors import ToolMissingError


def _tool(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_a_tool_is_looked_up_once_per_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _tool(tmp_path / "a", "hweval-probe-tool")
    monkeypatch.setenv("PATH", str(tmp_path / "a"))
    calls: list[str] = []
    real = shutil.which

    def counting(cmd: str, mode: int = os.F_OK | os.X_OK, path: str | None = None) -> str | None:
        calls.append(cmd)
        return real(cmd, mode, path)

    monkeypatch.setattr(shutil, "which", counting)
    assert [tools.require("hweval-probe-tool") for _ in range(50)] == [str(first)] * 50
    assert calls == ["hweval-probe-tool"]
    second = _tool(tmp_path / "b", "hweval-probe-tool")
    monkeypatch.setenv("PATH", str(tmp_path / "b"))  # another PATH: looked up again
    assert tools.require("hweval-probe-tool") == str(second)
    assert len(calls) == 2


def test_a_missing_tool_is_reported_every_time_and_found_once_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    for _ in range(2):
        with pytest.raises(ToolMissingError, match="hweval-absent-tool not found on PATH"):
            tools.require("hweval-absent-tool")
    made = _tool(tmp_path / "bin", "hweval-absent-tool")  # installed later in the same process
    assert tools.require("hweval-absent-tool") == str(made)


def test_tool_folders_follow_verilator_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "verilator"
    (root / "bin").mkdir(parents=True)
    monkeypatch.setenv("VERILATOR_ROOT", str(root))
    assert tools.verilator_root() == root
    assert tools.tool_bin_dirs()[-1] == root
    tools.tool_bin_dirs().append(Path("/elsewhere"))  # a caller's list is its own
    assert Path("/elsewhere") not in tools.tool_bin_dirs()
