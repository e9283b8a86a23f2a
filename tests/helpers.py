"""Helpers for tests: run the real CLI, write replay files, read run folders."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.sandbox.base import Sandbox

ROOT = Path(__file__).resolve().parent.parent


def hweval(*args: str, env: dict[str, str] | None = None, timeout: float = 900,
           check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the real ``hweval`` command line in a subprocess."""
    full_env = {**os.environ, "HWEVAL_NO_PROGRESS": "1", **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT)
    if check and proc.returncode != 0:
        raise AssertionError(f"hweval {' '.join(args)} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def write_replay(path: Path, suite: str, problem_id: str, answers: list[str]) -> Path:
    with path.open("w") as fh:
        for i, text in enumerate(answers):
            fh.write(json.dumps({"suite": suite, "problem_id": problem_id, "sample_idx": i,
                                 "completion": text}) + "\n")
    return path


def executions(run_dir: Path) -> dict[int, dict]:
    out = {}
    for line in (run_dir / "executions.jsonl").read_text().splitlines():
        rec = json.loads(line)
        out[rec["sample_idx"]] = rec
    return out


def fenced(code: str) -> str:
    return f"Here you go.\n\n```verilog\n{code}\n```\n"


def sandbox_or_skip(kind: str) -> Sandbox:
    """A checked sandbox of ``kind`` ("local" or "docker").

    A missing Docker engine or image skips the test, unless ``HWEVAL_REQUIRE_DOCKER=1`` (set by
    ``make test``), which makes it a failure; bubblewrap must always work.
    """
    sb: Sandbox
    if kind == "local":
        from harness.sandbox.local import BubblewrapSandbox

        sb = BubblewrapSandbox()
    else:
        from harness.sandbox.docker import DockerSandbox

        sb = DockerSandbox()
    ok, why = sb.check()
    if not ok:
        sb.close()
        if kind == "docker" and os.environ.get("HWEVAL_REQUIRE_DOCKER") != "1":
            pytest.skip(f"docker sandbox unavailable: {why}")
        pytest.fail(f"{kind} sandbox unavailable: {why}")
    return sb



def hweval_in_process(*args: str, env: dict[str, str] | None = None,
                      check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``harness.cli.main`` in this process, as :func:`hweval` runs it in a subprocess.

    For tests of argument handling, exit codes and messages: no interpreter start-up per call.
    ``env`` overrides variables only for the call (os.environ is restored afterwards, whatever
    the CLI set); the call runs in the repository root, with stdout/stderr captured (not a
    terminal, like a pipe) and warnings logged to stderr in the CLI's format. Use :func:`hweval`
    for what only a real process shows: signals, a closed pipe, the console script, a run that
    starts tools.
    """
    import io
    import logging
    from unittest import mock

    from harness.cli import main

    out, err = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    overrides = {"HWEVAL_NO_PROGRESS": "1", **(env or {})}
    with mock.patch.dict(os.environ, overrides), contextlib.chdir(ROOT), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        root.addHandler(handler)
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors and --help
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
            if isinstance(exc.code, str):
                print(exc.code, file=err)
        finally:
            root.removeHandler(handler)
    proc = subprocess.CompletedProcess(["hweval", *args], code, out.getvalue(), err.getvalue())
    if check and code != 0:
        raise AssertionError(f"hweval {' '.join(args)} -> {code}\n{proc.stdout}\n{proc.stderr}")
    return proc
