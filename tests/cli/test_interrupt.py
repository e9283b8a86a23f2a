"""Ctrl-C (SIGINT) stops a run within 2 seconds in every phase and leaves a resumable journal.

Each test starts the real CLI, waits until the phase is under way (a request reached the server,
a simulator or compiler is running), sends SIGINT and times the exit."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.backends.backend_fixtures import FakeServer, Seen, openai_reply
from tests.helpers import ROOT, fenced, hweval, write_replay

pytestmark = pytest.mark.slow

HANG = fenced("module and_gate(input a, input b, output y);\n  reg r;\n  initial r = 0;\n"
              "  always @(r) r <= ~r;\n  assign y = a & b;\nendmodule")


def _default_sigint() -> None:
    # a test session started in the background by a non-interactive shell inherits SIGINT as
    # ignored, and Python then installs no KeyboardInterrupt handler: give the CLI a terminal's default
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "harness.cli", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_default_sigint,
                            env={**os.environ, "HWEVAL_NO_PROGRESS": "1", **env})


def descendants(pid: int) -> dict[int, str]:
    """pid -> command name of every process below ``pid`` (sessions do not matter)."""
    parent: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        parent[int(entry)], names[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1]), name
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        for child, ppid in parent.items():
            if ppid == p and child not in found:
                found[child] = names[child]
                todo.append(child)
    return found


def wait_for(cond: Callable[[], bool], proc: subprocess.Popen[str], limit: float = 120) -> None:
    end = time.monotonic() + limit
    while not cond():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "the phase never started"
        time.sleep(0.05)


def interrupt(proc: subprocess.Popen[str]) -> tuple[float, str]:
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    return time.monotonic() - t0, err


def assert_stopped(proc: subprocess.Popen[str], took: float, err: str) -> None:
    assert took < 2.0, (took, err)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err, err


def test_generation_with_a_hanging_server(tmp_path: Path) -> None:
    answer = {"hang": True}

    def respond(server: FakeServer, seen: Seen) -> tuple:
        return ("hang",) if answer["hang"] else openai_reply(["no code here"])

    server = FakeServer(respond).start()
    out = tmp_path / "run"
    args = ("run", "--suite", "verilog-core", "--problems", "and_gate,alu8", "--model", "openai:m",
            "--base-url", server.url, "--request-timeout", "600", "--out", str(out))
    env = {"HWEVAL_CACHE": str(tmp_path / "cache")}
    try:
        proc = start(*args, env=env)
        wait_for(lambda: bool(server.seen), proc)
        assert_stopped(proc, *interrupt(proc))
        answer["hang"] = False
        resumed = hweval(*args, "--resume", env=env)
        assert resumed.returncode == 0, resumed.stderr
        lines = (out / "completions.jsonl").read_text().splitlines()
        assert sorted(json.loads(ln)["problem_id"] for ln in lines) == ["alu8", "and_gate"]
    finally:
        server.stop()


def test_evaluation_of_a_hanging_candidate(tmp_path: Path) -> None:
    replay = write_replay(tmp_path / "hang.jsonl", "verilog-core", "and_gate", [HANG])
    out = tmp_path / "run"
    proc = start("run", "--suite", "verilog-core", "--problems", "and_gate", "--model", f"replay:{replay}",
                 "--timeout", "120", "-S", "validate=off", "--out", str(out), env={})
    wait_for(lambda: "vvp" in descendants(proc.pid).values(), proc)
    sims = [p for p, name in descendants(proc.pid).items() if name == "vvp"]
    assert_stopped(proc, *interrupt(proc))
    time.sleep(0.5)
    assert not [p for p in sims if Path(f"/proc/{p}").exists()], "the simulator outlived hweval"
    assert len((out / "completions.jsonl").read_text().splitlines()) == 1
    journal = out / "executions.jsonl"
    assert not journal.exists() or all(json.loads(ln) for ln in journal.read_text().splitlines())


def test_validation(tmp_path: Path) -> None:
    proc = start("validate", "--suite", "verilog-core", "--workers", "2", env={})
    wait_for(lambda: any(n in ("iverilog", "vvp", "ivl") for n in descendants(proc.pid).values()), proc)
    assert_stopped(proc, *interrupt(proc))
