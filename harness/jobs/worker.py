"""A warm job worker: runs INSIDE one bubblewrap sandbox and takes sandbox jobs over a pipe.

Started once per executor slot by :mod:`harness.sandbox.warm`, so a sample pays neither a
bubblewrap start nor a Python start. A ``fork`` job runs in its own process: the worker forks,
the child (a new session, its own resource limits, the job's scrubbed environment, the job's
own scratch folder as working directory) runs the job module's ``run(job)`` and exits; its
stdout and stderr are pipes the worker drains with caps, exactly as the harness drained a
one-shot sandbox. At the job's wall-time limit the child's group is killed. An ``inline`` job
(the Icarus job, whose candidate-controlled steps are all tools in processes of their own) runs
its trusted Python in the worker with the same folder, environment, caps and wall-time limit,
and its tools inherit the worker's resource limits, which are the job's (:func:`run_inline`):
no Python process is forked per candidate, only the tools are started. After every job
every other process of the sandbox's uid is killed (``kill(-1)``: a daemon a job left behind
dies as it did with its pid namespace) and the private ``/tmp`` and ``/dev/shm`` are emptied.

The worker makes itself non-dumpable: a process of the same uid (the simulator) can neither
trace it nor read its memory or file descriptors, so the nonces of later jobs stay out of reach.
The control pipe (its original stdin and stdout) is kept on descriptors no child inherits.

Started with ``--server MODULE``, the worker first forks a fork server for that job module
(:mod:`harness.jobs.forkserver`), before it reads any request: the module's jobs start their
processes from it (pre-imported, holding no job's data) instead of a fresh interpreter. Only
that module's jobs keep the server's socket; the sweep spares the server.

Protocol: one JSON line per job in, ``{"module", "dir", "env", "job", "limits"}``; one JSON line
out, ``{"returncode", "stdout", "stderr", "timed_out", "wall_s", "cpu_s"}`` (``cpu_s``: this
worker's own CPU time so far; ``recycle``: replace this worker: the worker exits after that
answer). ``module`` must be one of :data:`JOBS`. The first line out is ``{"ready": true}``.
Requests are answered in order; the harness may send the next one while a job runs (it waits in
the pipe, which no job can read).

A request that carries ``files`` (name -> text) is **self-contained**: its ``dir`` is a new
folder in the sandbox's private ``/tmp`` that this worker makes just before the job, after the
previous job's sweep (whatever was at that path is removed first: a finished job cannot leave
anything for the next), and removes after it. The harness then never writes or reads the job's
folder, so it can queue the request behind a running job.
"""
from __future__ import annotations

import ctypes
import importlib
import json
import os
import re
import resource
import selectors
import signal
import sys
import time
from pathlib import Path
from typing import Any

from harness.jobs import forkserver
from harness.jobs.sweep import ROOT as _ROOT
from harness.jobs.sweep import limits_of, lowered, sweep
from harness.proc import _CappedBuffer
from harness.sandbox.base import Limits, rlimit_preexec

#: Job modules a worker runs (each has ``run(job: dict) -> None``), loaded before the first job of
#: each (:func:`_preload`), and how:
#: ``fork`` (a child process per job) or ``inline`` (in the worker itself, see :func:`run_inline`).
#: A family's own job module, ``harness.families.<family>.sandboxed.job``, is a ``fork`` job too
#: (:func:`job_kind`).
JOBS = {"harness.jobs.iverilog_job": "inline", "harness.jobs.cocotb_job": "fork",
        "harness.jobs.command_job": "fork"}
_FAMILY_JOB = re.compile(r"harness\.families\.[a-z_]+\.sandboxed\.job")


def job_kind(module: str) -> str | None:
    """How a job of ``module`` runs (:data:`JOBS`), or None for a module no worker runs."""
    return JOBS.get(module) or ("fork" if _FAMILY_JOB.fullmatch(module) else None)
#: The descriptor a job may claim for a simulator's channel (``isolation.CHANNEL_FD``): the worker
#: keeps it free, and an inline job that finds it taken runs forked instead.
FREE_FD = 9
_PR_SET_DUMPABLE = 4


def _no_dump() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


#: What a job module needs loaded besides itself, imported with it (cocotb's runner and pytest:
#: about 0.4 s, paid only by a worker that runs a cocotb job)
EXTRAS = {"harness.jobs.cocotb_job": ("cocotb_tools.runner",)}
_LOADED: set[str] = set()


def _preload(module: str) -> None:
    """Import ``module`` (and its :data:`EXTRAS`) in the worker before its first job, once: forked
    jobs then share what was loaded, and a worker pays only for the kinds of job it runs."""
    if module in _LOADED:
        return
    _LOADED.add(module)
    for name in (module, *EXTRAS.get(module, ())):
        try:
            importlib.import_module(name)
        except ImportError:  # cocotb missing: the job itself fails with the reason
            pass
    import gc

    gc.freeze()  # what was loaded stays shared with forked jobs (no copy on the collector's first pass)


def _child(req: dict[str, Any], out_w: int, err_w: int, closing: tuple[int, ...]) -> None:
    """In the forked child: become the job's process and run it; never returns.

    When anything raises here (the job's trusted code, or the set-up before it), the traceback
    goes to stderr and, for a job with a nonce, a sealed ``job_error`` record to its stdout."""
    code = 1
    out_fd = out_w
    server = _SERVER[0] if _SERVER else None
    try:
        for fd in closing:
            os.close(fd)
        if server is not None and req["module"] != server.module:
            server.sock.close()  # only the server module's own jobs reach the server
        os.setsid()
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        out_fd = 1
        for fd in (out_w, err_w):
            os.close(fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - the process ends with the job
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        rlimit_preexec(Limits(**req["limits"]))()
        os.environ.clear()
        os.environ.update(req["env"])
        os.chdir(req["dir"])
        module = importlib.import_module(req["module"])
        if server is not None and req["module"] == server.module:
            setattr(module, "FORKSERVER", forkserver.Client(server.sock.fileno(), req["limits"]))  # noqa: B010
        module.run(req["job"])
        code = 0
    except BaseException as exc:  # noqa: BLE001 - the job's traceback is its stderr, as it was before
        import traceback

        traceback.print_exc()
        _report(req, exc, lambda line: _write_all(out_fd, line.encode()))
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data):]


def _report(req: dict[str, Any], exc: BaseException, write: Any) -> None:
    """Send ``exc``'s ``job_error`` record (an Exception: not an exit, not the alarm) for a job with
    a nonce; one that cannot be written is lost (the job then ends without a record)."""
    from harness.jobs import job_error_line

    nonce = req["job"].get("nonce") if isinstance(req.get("job"), dict) else None
    if isinstance(exc, Exception) and isinstance(nonce, str):
        try:
            sys.stdout.flush()
            write(job_error_line(nonce, exc))
        except (OSError, ValueError):
            pass


#: the fork server of a worker started with ``--server MODULE`` (:mod:`harness.jobs.forkserver`)
_SERVER: list[forkserver.Server] = []


#: this worker's and its fork server's resource limits when they started; a job that lowered
#: either (``prlimit`` on a same-uid process) taints the worker, which is then replaced
_BASE: dict[str, dict[int, tuple[int, int]]] = {}
_TAINTED: list[bool] = []


def _sweep() -> None:
    """:func:`harness.jobs.sweep.sweep`, sparing the fork server (forgotten once it is gone)."""
    server = _SERVER[0] if _SERVER else None
    kept = sweep(server.pid if server is not None else None)
    if server is not None and kept and server.alive() and "server" in _BASE \
            and lowered(limits_of(server.pid), _BASE["server"]):
        kept = False
        _TAINTED.append(True)
    if "self" in _BASE and lowered(limits_of(), _BASE["self"]):
        _TAINTED.append(True)
    if server is not None and not (kept and server.alive()):
        _SERVER.clear()
        server.close(0.0)


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


class _Deadline(BaseException):
    """Raised in an inline job by the wall-time alarm."""


def _alarm(_signum: int, _frame: object) -> None:
    raise _Deadline


def _fd_free(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


def run_inline(req: dict[str, Any]) -> dict[str, Any]:
    """Run a job's ``run(job)`` in this process, for jobs whose own work is trusted harness code
    and whose every candidate-controlled step is a tool in a process of its own (the Icarus job:
    the check, then ``iverilog`` and ``vvp``, each in its own session, killed at its timeout).

    The job gets what a forked child gets: its folder as working directory, its environment,
    its output captured with the same caps, and its wall-time limit (an alarm; what it left is
    killed by the sweep). Its processes inherit this worker's resource limits, which are the
    job's own: the pool keys workers by every limit (:class:`harness.sandbox.warm.WorkerKey`).
    A job that times out or raises asks for the worker to be replaced (``recycle``).
    """
    import contextlib
    import io
    import traceback

    t0 = time.monotonic()
    limits = Limits(**req["limits"])
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    rc: int | None = 1
    timed_out = recycle = False
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        os.environ.clear()
        os.environ.update(req["env"])
        os.chdir(req["dir"])
        module = importlib.import_module(req["module"])
        signal.setitimer(signal.ITIMER_REAL, max(limits.wall_s, 0.001))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            module.run(req["job"])
        rc = 0
    except _Deadline:
        rc, timed_out, recycle = None, True, True
    except BaseException as exc:  # noqa: BLE001 - the job's traceback is its stderr, as in a forked job
        err.write(traceback.format_exc())
        _report(req, exc, out.write)
        recycle = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        _sweep()
    bufs = [_CappedBuffer(limits.output_bytes), _CappedBuffer(limits.output_bytes)]
    for buf, text in zip(bufs, (out.getvalue(), err.getvalue()), strict=True):
        buf.feed(text.encode(errors="replace"))
    return {"returncode": rc, "stdout": bufs[0].text(), "stderr": bufs[1].text(), "timed_out": timed_out,
            "wall_s": time.monotonic() - t0, "recycle": recycle or not _fd_free(FREE_FD)}


def make_folder(req: dict[str, Any]) -> str | None:
    """Make a self-contained request's folder afresh with its files; None, or why it could not."""
    from harness.sandbox.warmfiles import JOB_PARENT, JOB_PREFIX, remove

    folder = Path(req["dir"])
    if str(folder.parent) != JOB_PARENT or not folder.name.startswith(JOB_PREFIX):
        return f"a self-contained job's folder must be {JOB_PARENT}/{JOB_PREFIX}...: {folder}"
    remove(folder)  # never follows a link: anything planted at this path goes
    try:
        os.mkdir(folder, 0o700)
        for name, text in req["files"].items():
            parts = Path(name).parts
            if not parts or Path(name).is_absolute() or ".." in parts:
                return f"sandbox file {name!r} escapes the scratch folder"
            target = folder.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
    except (OSError, ValueError) as exc:  # ValueError: text that is not UTF-8 (a lone surrogate)
        return f"could not make the job folder: {exc}"
    return None


def run_one(req: dict[str, Any], control: tuple[int, ...]) -> dict[str, Any]:
    """One job; a self-contained one in a folder made for it and removed afterwards."""
    if req.get("files") is None:
        return _run_one(req, control)
    why = make_folder(req)
    try:
        if why is not None:
            return {"returncode": 2, "stdout": "", "stderr": why, "timed_out": False, "wall_s": 0.0}
        return _run_one(req, control)
    finally:
        from harness.sandbox.warmfiles import remove

        remove(Path(req["dir"]))


def _run_one(req: dict[str, Any], control: tuple[int, ...]) -> dict[str, Any]:
    t0 = time.monotonic()
    limits = Limits(**req["limits"])
    if job_kind(req["module"]) is None:
        return {"returncode": 2, "stdout": "", "stderr": f"unknown job module {req['module']!r}",
                "timed_out": False, "wall_s": 0.0}
    _preload(req["module"])
    if job_kind(req["module"]) == "inline" and _fd_free(FREE_FD):
        return run_inline(req)
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
    _BASE["self"] = limits_of() or {}
    if "--server" in sys.argv:  # before any request is read: the server never holds one
        module = sys.argv[sys.argv.index("--server") + 1]
        _SERVER.append(forkserver.start(module, (ctl_in, ctl_out)))
        _BASE["server"] = limits_of(_SERVER[0].pid) or _BASE["self"]
    reader = os.fdopen(ctl_in, "rb")
    writer = os.fdopen(ctl_out, "wb")
    writer.write(b'{"ready": true}\n')
    writer.flush()
    for line in reader:
        req = json.loads(line)
        ans = run_one(req, (ctl_in, ctl_out))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        ans["cpu_s"] = usage.ru_utime + usage.ru_stime
        if _TAINTED:  # a job lowered this worker's or its server's limits: start afresh (10c S1)
            ans["recycle"] = True
        writer.write(json.dumps(ans).encode() + b"\n")
        writer.flush()
        if ans.get("recycle"):  # a request queued behind this job is not run here (the harness reruns it)
            break
    for server in _SERVER:
        server.close()


if __name__ == "__main__":
    main()
