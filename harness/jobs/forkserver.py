"""A warm worker's fork server: processes forked from a pre-imported interpreter that never read a job.

A job module whose processes import a lot (the kernels family's: torch and triton, about 2 CPU-s
per process) may declare ``preload()`` and ``serve(argv) -> int``. A warm worker started for it
(``python -m harness.jobs.worker --server MODULE``, see :mod:`harness.jobs.worker`) forks the
server :func:`start` at its own start, **before it reads any request**: the server imports the
module and runs ``preload()`` once, then waits on a private socket. So the server's memory, and
that of every process it forks, holds nothing of any job: no nonce, no seed of a check that ran
or runs in the worker.

A job of that module (forked by the worker per request, so it may hold its own job's secrets)
asks for a process with :meth:`Client.spawn`: argv, environment, folder and limits, and the
descriptors that become the process's stdin, stdout and stderr. The server forks it; the child
starts a session of its own, takes the job's resource limits, environment and folder, closes
every other descriptor (the server's socket included), becomes dumpable again (a plain process
of the sandbox's uid, as a started one is) and runs ``serve(argv)``; its exit status is its
process's. The server waits for it and writes ``{"pid"}`` then ``{"exit"}`` on a status pipe the
request brought. The sweep after each job (:func:`harness.jobs.worker.sweep`) kills every process
of the sandbox but the worker and the server, and wakes the server if a job stopped it; a server
that died (killed by a job, or by its CPU limit) is not replaced: later jobs start their processes
the ordinary way (:meth:`Client.spawn` answers None).

Wire: one ``SOCK_SEQPACKET`` message per request, JSON ``{"argv", "env", "dir", "limits"}`` with
four descriptors (stdin, stdout, stderr, status write end).
"""
from __future__ import annotations

import ctypes
import importlib
import json
import os
import select
import signal
import socket
import sys
from dataclasses import dataclass
from typing import Any

_PR_SET_DUMPABLE = 4
_MAX_MESSAGE = 1 << 20


@dataclass
class Server:
    """The worker's handle on its fork server."""

    pid: int
    sock: socket.socket
    module: str

    def alive(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def close(self, wait_s: float = 5.0) -> None:
        """End the server (it exits at the end of its socket) and reap it."""
        self.sock.close()
        try:
            pidfd = os.pidfd_open(self.pid)
        except OSError:
            pidfd = -1
        if pidfd >= 0:
            select.select([pidfd], [], [], wait_s)
            os.close(pidfd)
        try:
            os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def start(module: str, closing: tuple[int, ...]) -> Server:
    """Fork the server for ``module`` (the caller has read no request yet); ``closing``: the
    caller's descriptors the server must not keep (its control pipe)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            ours.close()
            for fd in closing:
                os.close(fd)
            _serve(module, theirs)
        finally:
            os._exit(0)
    theirs.close()
    return Server(pid, ours, module)


def _serve(module: str, sock: socket.socket) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        mod = importlib.import_module(module)
        getattr(mod, "preload", lambda: None)()
    except BaseException:  # noqa: BLE001 - no server: the jobs start their processes themselves
        import traceback

        traceback.print_exc()
        return
    import gc

    gc.freeze()  # what was imported stays shared with the forked processes
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 8)
        except OSError:
            return
        if not msg:
            for fd in fds:
                os.close(fd)
            return
        _fork_one(mod, msg, fds)


def _fork_one(mod: Any, msg: bytes, fds: list[int]) -> None:
    """Fork one process for a request, report its pid and, when it ends, its exit status."""
    if len(fds) != 4:
        for fd in fds:
            os.close(fd)
        return
    status = fds[3]
    try:
        req = json.loads(msg)
        pid = os.fork()
    except (ValueError, OSError):
        for fd in fds:
            os.close(fd)
        return
    if pid == 0:
        _child(mod, req, fds)
    for fd in fds[:3]:
        os.close(fd)
    _tell(status, {"pid": pid})
    _, wstatus = os.waitpid(pid, 0)
    _tell(status, {"exit": os.waitstatus_to_exitcode(wstatus)})
    os.close(status)


def _tell(fd: int, obj: dict[str, int]) -> None:
    try:
        os.write(fd, json.dumps(obj).encode() + b"\n")
    except OSError:  # the job that asked is gone
        pass


def _child(mod: Any, req: dict[str, Any], fds: list[int]) -> None:
    """In the forked process: become the job's process and run ``serve(argv)``; never returns."""
    code = 1
    try:
        os.setsid()
        for i, fd in enumerate(fds[:3]):
            os.dup2(fd, i)
        os.closerange(3, 1 << 16)  # the server's socket, the status pipe, anything else it held
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the process ends with the job
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)
        except (OSError, AttributeError):
            pass
        from harness.sandbox.base import Limits, rlimit_preexec

        rlimit_preexec(Limits(**req["limits"]))()
        os.environ.clear()
        os.environ.update(req["env"])
        os.chdir(req["dir"])
        if "tempfile" in sys.modules:  # its folder is read once per process: this job's TMPDIR
            setattr(sys.modules["tempfile"], "tempdir", None)  # noqa: B010
        sys.argv = [str(a) for a in req["argv"]]
        sys.path[0] = req["dir"]  # as ``python -m`` started in the job's folder
        code = int(mod.serve(list(sys.argv)) or 0)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - the traceback is the process's stderr
        import traceback

        traceback.print_exc()
    finally:
        _finish(code)


def _finish(code: int) -> None:
    """End as an interpreter ends (other threads joined, ``atexit`` handlers run: an answer's
    handler runs as it would in a started process), then exit without returning into the server."""
    import atexit
    import threading

    try:
        threading._shutdown()  # type: ignore[attr-defined]
    except BaseException:  # noqa: BLE001, S110 - as the interpreter's own shutdown, it ends anyway
        pass
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


class Spawned:
    """A process the server forked for this job (not this process's child): its pid, its status."""

    def __init__(self, pid: int, status_fd: int) -> None:
        self.pid, self._fd, self._buf = pid, status_fd, b""
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int | None:
        """Its exit status (a negative signal number, as subprocess gives); None at ``timeout``.
        A server that died before it could tell gives -9."""
        while self.returncode is None:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self._fd, 4096)
            self._buf += chunk
            if not chunk:
                self.returncode = -signal.SIGKILL
            elif b"\n" in self._buf:
                line = self._buf.split(b"\n", 1)[0]
                self.returncode = int(json.loads(line).get("exit", -signal.SIGKILL))
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


class Client:
    """A job's way to its worker's server (the job holds the socket; nothing it starts does)."""

    def __init__(self, fd: int, limits: dict[str, Any]) -> None:
        self.sock = socket.socket(fileno=fd)
        self.limits = limits  # the job's: its processes get them too

    def spawn(self, argv: list[str], *, env: dict[str, str], cwd: str, stdin: int, stdout: int,
              stderr: int) -> Spawned | None:
        """Have the server fork a process running ``serve(argv)``; None when there is no server."""
        r, w = os.pipe()
        msg = json.dumps({"argv": argv, "env": env, "dir": cwd, "limits": self.limits}).encode()
        try:
            socket.send_fds(self.sock, [msg], [stdin, stdout, stderr, w])
        except OSError:
            os.close(r)
            return None
        finally:
            os.close(w)
        first = b""
        while not first.endswith(b"\n"):
            chunk = os.read(r, 1)
            if not chunk:
                os.close(r)
                return None
            first += chunk
        return Spawned(int(json.loads(first)["pid"]), r)
