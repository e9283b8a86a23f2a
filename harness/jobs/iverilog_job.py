"""Sandbox job: check a candidate, compile it with the testbench (Icarus), simulate with ``vvp -n``.

stdin: {"nonce", "design" (the candidate's raw file), "compiled" (where its checked text goes,
        named in "sources"), "roots" (the design's modules the testbench instantiates),
        "sources": [...], "root": tb module, "flags": [...],
        "compile_timeout_s", "sim_timeout_s", "channel_fd"}
stdout: HWEVAL-RESULT lines for stages "integrity", "syntax" and "function".

The candidate is first seen as the compiler sees it (:mod:`harness.jobs.verilog_check`); only
the checked text is compiled. The testbench's verdict comes over a pipe the simulator inherits
as fd ``channel_fd`` (see :mod:`harness.families.verilog.isolation`); the simulator's own output
is only drained (a capped tail for the log), so nothing the candidate prints is a verdict.
Every record is cut to its stage's byte budget as encoded (:mod:`harness.families.verilog.wire`),
so logs quoting the candidate's text cannot push a record past the sandbox's output cap.
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

from harness.families.verilog.wire import fit_record
from harness.jobs import emit, run_main
from harness.jobs.verilog_check import check_candidate

MAX_CHANNEL_LINES = 64
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

def _channel(fd_wanted: int) -> tuple[int, int]:
    """A pipe whose write end is ``fd_wanted`` (for the simulator to inherit); (read, write)."""
    read_fd, write_fd = os.pipe()
    if read_fd == fd_wanted:
        read_fd, old = os.dup(read_fd), read_fd
        os.close(old)
    if write_fd != fd_wanted:
        os.dup2(write_fd, fd_wanted)
        os.close(write_fd)
    return read_fd, fd_wanted


def _lines(buf: bytes) -> tuple[list[bytes], bytes]:
    *complete, rest = buf.split(b"\n")
    if len(rest) > 1 << 20:  # a line without end: keep its head only
        complete.append(rest[:LINE_CAP])
        rest = b""
    return complete, rest


def simulate(job: dict[str, Any]) -> dict[str, Any]:
    timeout = float(job.get("sim_timeout_s", 30))
    t0 = time.monotonic()
    chan_read, chan_write = _channel(int(job.get("channel_fd", 9)))
    try:
        proc = subprocess.Popen(["vvp", "-n", "sim.vvp"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, pass_fds=(chan_write,))
    except FileNotFoundError:
        return {"stage": "function", "status": "infra_error", "wall_s": 0.0, "reason": "vvp not found"}
    finally:
        os.close(chan_write)
    assert proc.stdout is not None
    channel: list[str] = []  # what the testbench sent; more than a few lines never happens honestly
    channel_lines = 0
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    lines = 0
    timed_out = False
    deadline = t0 + timeout
    sel = selectors.DefaultSelector()
    out_fd = proc.stdout.fileno()
    sel.register(out_fd, selectors.EVENT_READ)
    sel.register(chan_read, selectors.EVENT_READ)
    bufs = {out_fd: b"", chan_read: b""}
    while bufs:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            _kill(proc)
            break
        for key, _ in sel.select(timeout=min(left, 1.0)):
            fd = int(key.fd)
            chunk = os.read(fd, 65536)
            complete, bufs[fd] = _lines(bufs[fd] + chunk) if chunk else ([bufs[fd]] if bufs[fd] else [], b"")
            for raw in complete:
                line = raw[:LINE_CAP].decode(errors="replace").rstrip("\r")
                if fd == out_fd:
                    lines += 1
                    tail.append(line)
                else:
                    channel_lines += 1
                    if len(channel) < MAX_CHANNEL_LINES:
                        channel.append(line)
            if not chunk:
                sel.unregister(fd)
                del bufs[fd]
    sel.close()
    os.close(chan_read)
    rc = proc.wait()
    _kill(proc)
    return {"stage": "function", "status": "timeout" if timed_out else "ran", "wall_s": time.monotonic() - t0,
            "data": {"returncode": None if timed_out else rc, "channel": channel,
                     "channel_lines": channel_lines, "lines": lines,
                     "tail": "\n".join(tail)[-8000:]}}

def run(job: dict[str, Any]) -> None:
    """The whole job in the current folder (a one-shot sandbox's, or a warm worker's child)."""
    nonce = job["nonce"]
    integrity = check_candidate(job["design"], job["compiled"], job.get("roots", ()))
    emit(nonce, fit_record(integrity))
    if integrity["status"] != "pass":
        return
    res = compile_sources(job)
    emit(nonce, fit_record(res))
    if res["status"] != "pass":
        return
    emit(nonce, fit_record(simulate(job)))


def main() -> None:
    run_main(run)  # the job's own failure goes out as a sealed job_error record


if __name__ == "__main__":
    main()
    sys.exit(0)
