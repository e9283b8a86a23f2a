"""A warm job worker: runs INSIDE one bubblewrap sandbox and takes sandbox jobs over a pipe.

Started once per executor slot by :mod:`harness.sandbox.warm`, so a sample pays neither a
bubblewrap start nor a Python start. Each job still runs in its own process: the worker forks,
the child (a new session, its own resource limits, the job's scrubbed environment, the job's
own scratch folder as working directory) runs the job module's ``run(job)`` and exits; its
stdout and stderr are pipes the worker drains with caps, exactly as the harness drained a
one-shot sandbox. At the job's wall-time limit the child's group is killed. After every job
every other process of the sandbox's uid is killed (``kill(-1)``: a daemon a job left behind
dies as it did with its pid namespace) and the private ``/tmp`` and ``/dev/shm`` are emptied.

The worker makes itself non-dumpable: a process of the same uid (the simulator) can neither
trace it nor read its memory or file descriptors, so the nonces of later jobs stay out of reach.
The control pipe (its original stdin and stdout) is kept on descriptors no child inherits.

Protocol: one JSON line per job in, ``{"module", "dir", "env", "job", "limits"}``; one JSON line
out, ``{"returncode", "stdout", "stderr", "timed_out", "wall_s"}``. ``module`` must be one of
:data:`JOBS`. The first line out is ``{"ready": true}``.
"""
from __future__ import annotations

import ctypes
import functools
import importlib
import json
import os
import selectors
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

from harness.proc import _CappedBuffer
from harness.sandbox.base import Limits, rlimit_preexec

#: Job modules a worker runs (each has ``run(job: dict) -> None``); preloaded at start.
JOBS = ("harness.jobs.iverilog_job", "harness.jobs.cocotb_job", "harness.jobs.command_job")
_PR_SET_DUMPABLE = 4


def _no_dump() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _preload() -> None:
    for name in JOBS:
        try:
            importlib.import_module(name)
        except ImportError:  # cocotb missing: only its jobs would fail, later, with a reason
            pass
    try:
        import cocotb_tools.runner  # noqa: F401 - imported once here, not once per job
    except ImportError:
        pass


def _child(req: dict[str, Any], out_w: int, err_w: int, closing: tuple[int, ...]) -> None:
    """In the forked child: become the job's process and run it; never returns."""
    code = 1
    try:
        for fd in closing:
            os.close(fd)
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        for fd in (null, out_w, err_w):
            os.close(fd)
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - the process ends with the job
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        rlimit_preexec(Limits(**req["limits"]))()
        os.environ.clear()
        os.environ.update(req["env"])
        os.chdir(req["dir"])
        module = importlib.import_module(req["module"])
        module.run(req["job"])
        code = 0
    except BaseException:  # noqa: BLE001 - the job's traceback is its stderr, as it was before
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


@functools.cache
def confined() -> bool:
    """Whether this process runs as an unprivileged uid inside its own bubblewrap pid namespace.

    Only then may :func:`_sweep` signal every process it can: there, that means exactly the
    sandbox's own processes. Anywhere else (a test calling :func:`run_one`, a root shell) it
    would reach the host's processes, so outside a sandbox nothing is swept.
    """
    try:
        init = Path("/proc/1/comm").read_text().strip()
    except OSError:
        return False
    return os.getuid() != 0 and os.geteuid() != 0 and init == "bwrap"


#: the worker's scratch root (its starting folder: the jobs' folders are made under it)
_ROOT: list[str] = []


def _keeps_root(path: str) -> bool:
    """Whether ``path`` is the scratch root or a folder above it (the root is often under /tmp)."""
    return any(root == path or root.startswith(path.rstrip("/") + "/") for root in _ROOT)


def _sweep() -> None:
    """Kill whatever a job left behind and empty the private temporary folders (in a sandbox only)."""
    if not confined():
        return
    try:
        os.kill(-1, signal.SIGKILL)  # every process of this uid in this pid namespace, but this one
    except (ProcessLookupError, PermissionError):
        pass
    for folder in ("/tmp", "/dev/shm"):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if _keeps_root(entry.path):
                continue  # the job folder's files are copied back afterwards, then removed by the harness
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def _drain(pid: int, fds: dict[int, _CappedBuffer], deadline: float) -> tuple[int | None, bool]:
    """Read the job's outputs until it exits (or the deadline); (exit status, timed out)."""
    sel = selectors.DefaultSelector()
    pidfd = os.pidfd_open(pid)
    sel.register(pidfd, selectors.EVENT_READ)
    for fd in fds:
        sel.register(fd, selectors.EVENT_READ)
    open_fds = set(fds)
    exited = timed_out = False
    while not exited or open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            if exited:  # the job ended but its pipes stay open past the grace: give up on them
                break
            timed_out = exited = True
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            _sweep()
            deadline = time.monotonic() + 2.0
            continue
        for key, _ in sel.select(timeout=min(left, 1.0)):
            fd = int(key.fd)
            if fd == pidfd:
                exited = True
                sel.unregister(pidfd)
                _sweep()  # leftovers holding the pipes are killed before the drain waits on them
                deadline = min(deadline, time.monotonic() + 2.0)
                continue
            chunk = os.read(fd, 65536)
            if chunk:
                fds[fd].feed(chunk)
            else:
                sel.unregister(fd)
                open_fds.discard(fd)
    sel.close()
    os.close(pidfd)
    _, status = os.waitpid(pid, 0)
    return (None if timed_out else os.waitstatus_to_exitcode(status)), timed_out


def run_one(req: dict[str, Any], control: tuple[int, ...]) -> dict[str, Any]:
    t0 = time.monotonic()
    limits = Limits(**req["limits"])
    if req["module"] not in JOBS:
        return {"returncode": 2, "stdout": "", "stderr": f"unknown job module {req['module']!r}",
                "timed_out": False, "wall_s": 0.0}
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(req, out_w, err_w, (*control, out_r, err_r))
    os.close(out_w)
    os.close(err_w)
    bufs = {out_r: _CappedBuffer(limits.output_bytes), err_r: _CappedBuffer(limits.output_bytes)}
    try:
        rc, timed_out = _drain(pid, bufs, t0 + limits.wall_s)
    finally:
        os.close(out_r)
        os.close(err_r)
    return {"returncode": rc, "stdout": bufs[out_r].text(), "stderr": bufs[err_r].text(),
            "timed_out": timed_out, "wall_s": time.monotonic() - t0}


def main() -> None:
    _ROOT.append(os.getcwd())
    ctl_in, ctl_out = os.dup(0), os.dup(1)  # not inheritable: no job or tool ever holds them
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    _no_dump()
    _preload()
    reader = os.fdopen(ctl_in, "rb")
    writer = os.fdopen(ctl_out, "wb")
    writer.write(b'{"ready": true}\n')
    writer.flush()
    for line in reader:
        req = json.loads(line)
        writer.write(json.dumps(run_one(req, (ctl_in, ctl_out))).encode() + b"\n")
        writer.flush()


if __name__ == "__main__":
    main()
