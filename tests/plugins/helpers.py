"""Helpers for the plugin tests: build packages from docs/plugins.md, pip them in and out of
the environment, run the real CLI from any folder, read a run's pass@1."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "plugins.md"
#: a fenced block whose first line is ``# file: PATH`` (or ``// file: PATH``) is a package file
FILE_BLOCK = re.compile(r"^```[\w+-]*\n(?:#|//) file: (\S+)\n(.*?)^```[ \t]*$", re.M | re.S)


def guide_files(doc: Path = GUIDE) -> dict[str, str]:
    """Path -> content of every file block of the guide."""
    return {path: body for path, body in FILE_BLOCK.findall(doc.read_text())}


def write_files(dest: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return dest


def pip(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """pip of the interpreter running the tests (the project's venv)."""
    proc = subprocess.run([sys.executable, "-m", "pip", *args, "-q", "--disable-pip-version-check"],
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"pip {' '.join(args)} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def install(*paths: Path) -> None:
    pip("install", "--no-deps", "--no-build-isolation", *map(str, paths))


def uninstall(*dists: str) -> None:
    """Remove distributions; those not installed are skipped (no pip run when none is: the
    clean-up of an interrupted session's leftovers usually finds nothing)."""
    import importlib.metadata

    def installed(dist: str) -> bool:
        try:
            importlib.metadata.distribution(dist)
        except importlib.metadata.PackageNotFoundError:
            return False
        return True

    present = [d for d in dists if installed(d)]
    if present:
        pip("uninstall", "-y", *present)


def cli(*args: str, cwd: Path | None = None, timeout: float = 600,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``hweval`` command line in a subprocess (``env`` overrides variables)."""
    full_env = {**os.environ, "HWEVAL_NO_PROGRESS": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=cwd or ROOT)


def check(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, proc.args))} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def listed(kind: str) -> dict[str, dict[str, str]]:
    rows = json.loads(check(cli("list", kind, "--json")).stdout)
    return {row["name"]: row for row in rows}


def suite_results(run_dir: Path) -> dict[str, dict]:
    return json.loads((run_dir / "results.json").read_text())["suites"]


def pass_at_1(run_dir: Path, suite: str) -> float:
    return suite_results(run_dir)[suite]["metrics"]["pass@1"]["mean"]
