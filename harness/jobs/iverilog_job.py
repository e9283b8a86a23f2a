"""Sandbox job: compile sources with Icarus Verilog and run the simulation with ``vvp -n``.

stdin: {"nonce", "sources": [...], "root": tb module, "flags": [...], "compile_timeout_s",
        "sim_timeout_s", "markers": [substrings of lines worth reporting]}
stdout: HWEVAL-RESULT lines for stages "syntax" and "function".

The simulator's output never reaches this process's stdout: it is read through a pipe, only
lines holding a marker are kept (plus a capped tail for the log), so a flood of output cannot
push the verdict line out of reach and a candidate cannot print a record of its own.
"""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

from harness.jobs import emit, read_job

MAX_MARKED = 64
TAIL_LINES = 120
LINE_CAP = 2000

def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass

def compile_sources(job: dict[str, Any]) -> dict[str, Any]:
    cmd = ["iverilog", *job.get("flags", []), "-s", job["root"], "-o", "sim.vvp", *job["sources"]]
    t0 = time.monotonic()
    limit = job.get("compile_timeout_s", 30)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    except FileNotFoundError:
        return {"stage": "syntax", "status": "infra_error", "wall_s": 0.0, "reason": "iverilog not found"}
    try:
        raw, _ = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raw, _ = proc.communicate()
        return {"stage": "syntax", "status": "timeout", "wall_s": time.monotonic() - t0,
                "reason": f"iverilog ran past {limit} s", "data": {"log": raw.decode(errors="replace")[-8000:]}}
    _kill(proc)
    log = raw.decode(errors="replace")
    if len(log) > 16000:
        log = log[:8000] + "\n...\n" + log[-8000:]
    status = "pass" if proc.returncode == 0 and Path("sim.vvp").exists() else "syntax_error"
    return {"stage": "syntax", "status": status, "wall_s": time.monotonic() - t0,
            "data": {"log": log, "returncode": proc.returncode}}

def simulate(job: dict[str, Any]) -> dict[str, Any]:
    markers = [m for m in job.get("markers", []) if m]
    timeout = float(job.get("sim_timeout_s", 30))
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(["vvp", "-n", "sim.vvp"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    except FileNotFoundError:
        return {"stage": "function", "status": "infra_error", "wall_s": 0.0, "reason": "vvp not found"}
    assert proc.stdout is not None
    marked: list[str] = []
    kept = [0] * len(markers)  # per marker, so no marker can crowd out another's lines

    def keep(line: str) -> None:
        for i, m in enumerate(markers):
            if m in line and kept[i] < MAX_MARKED:
                kept[i] += 1
                marked.append(line)
                return
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    lines = 0
    timed_out = False
    deadline = t0 + timeout

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf = b""
    fd = proc.stdout.fileno()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            _kill(proc)
            break
        if not sel.select(timeout=min(left, 1.0)):
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
        *complete, buf = buf.split(b"\n")
        if len(buf) > 1 << 20:  # a line without end: keep its head only
            complete.append(buf[:LINE_CAP])
            buf = b""
        for raw in complete:
            lines += 1
            line = raw[:LINE_CAP].decode(errors="replace").rstrip("\r")
            tail.append(line)
            keep(line)
    if buf:
        line = buf[:LINE_CAP].decode(errors="replace")
        tail.append(line)
        keep(line)
    sel.close()
    rc = proc.wait()
    _kill(proc)
    return {"stage": "function", "status": "timeout" if timed_out else "ran", "wall_s": time.monotonic() - t0,
            "data": {"returncode": None if timed_out else rc, "marked": marked, "lines": lines,
                     "tail": "\n".join(tail)[-8000:]}}

def main() -> None:
    job = read_job()
    nonce = job["nonce"]
    res = compile_sources(job)
    emit(nonce, res)
    if res["status"] != "pass":
        return
    emit(nonce, simulate(job))

if __name__ == "__main__":
    main()
    sys.exit(0)
