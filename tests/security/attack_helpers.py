"""Helpers of the attack suite: run candidate code, look for leaks and leftover processes."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from harness.sandbox.base import ExecResult, Limits, Sandbox


def run_py(sb: Sandbox, code: str, work: Path, *, limits: Limits = Limits(wall_s=30),
           env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> ExecResult:
    """Run candidate Python ``code`` in the sandbox (the interpreter is the harness's own)."""
    return sb.run([sys.executable, "attack.py", *args], workdir=work, files={"attack.py": code},
                  limits=limits, env=env)


def tree_text(root: Path) -> str:
    """Everything under ``root`` as text, to look for a leaked secret."""
    chunks = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            chunks.append(path.read_bytes().decode(errors="replace"))
    return "\n".join(chunks)


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def processes_with(marker: str) -> list[int]:
    """Host pids whose command line contains ``marker`` (this test process excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_gone(marker: str, timeout_s: float = 5.0) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while True:
        left = processes_with(marker)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def host_still_forks() -> bool:
    return subprocess.run(["/bin/true"], timeout=30).returncode == 0
