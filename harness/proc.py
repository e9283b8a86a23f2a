"""The process runner every tool wrapper and sandbox uses.

Guarantees: the whole process group is killed on timeout; stdout and stderr are drained
concurrently until EOF (nothing is lost when a process exits early, no pipe dead-lock); output
is capped keeping its head and tail; exit status and wall time are recorded.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CAP = 64 * 1024


@dataclass
class ProcResult:
    returncode: int | None  # None when killed at the timeout
    stdout: str
    stderr: str
    wall_s: float
    timed_out: bool = False
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


class _CappedBuffer:
    """Keeps the first and last ``cap/2`` bytes of a stream; counts what was dropped."""

    def __init__(self, cap: int) -> None:
        self.half = max(cap // 2, 1)
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def feed(self, chunk: bytes) -> None:
        room = self.half - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            if len(self.tail) > self.half:
                cut = len(self.tail) - self.half
                self.dropped += cut
                del self.tail[:cut]

    def text(self) -> str:
        mid = f"\n... [{self.dropped} bytes dropped] ...\n".encode() if self.dropped else b""
        return bytes(self.head + mid + self.tail).decode("utf-8", errors="replace")


def _drain(stream, buf: _CappedBuffer) -> None:
    try:
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                break
            buf.feed(chunk)
    finally:
        stream.close()


#: processes started by run_process and not yet reaped, for kill_all (Ctrl-C)
_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()
_stopping = False


class Stopping(RuntimeError):
    """hweval is exiting (Ctrl-C): no new tool process is started."""


def kill_all() -> None:
    """Kill the process group of every tool process still running, and refuse new ones.

    Called on Ctrl-C before hweval exits without waiting for its threads: each process runs in
    its own session (no terminal signal reaches it), so without this it would outlive hweval."""
    global _stopping
    with _live_lock:
        _stopping = True
        procs = list(_live)
    for proc in procs:
        kill_group(proc)


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group of ``proc`` (it was started in its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_process(
    cmd: Sequence[str],
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout_s: float | None = None,
    stdin: bytes | None = None,
    cap_bytes: int = DEFAULT_CAP,
    preexec: Callable[[], None] | None = None,
    pass_fds: Sequence[int] = (),
) -> ProcResult:
    """Run ``cmd`` in a new session; kill its whole group at ``timeout_s``."""
    start = time.monotonic()
    with _live_lock:
        if _stopping:
            raise Stopping(f"not starting {cmd[0] if cmd else 'a process'}: hweval is stopping")
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=dict(env) if env is not None else None,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            preexec_fn=preexec, pass_fds=tuple(pass_fds),
        )
        _live.add(proc)
    try:
        return _supervise(proc, start, timeout_s, stdin, cap_bytes)
    finally:
        with _live_lock:
            _live.discard(proc)


def _supervise(proc: subprocess.Popen[bytes], start: float, timeout_s: float | None, stdin: bytes | None,
               cap_bytes: int) -> ProcResult:
    out, err = _CappedBuffer(cap_bytes), _CappedBuffer(cap_bytes)
    threads = [threading.Thread(target=_drain, args=(proc.stdout, out), daemon=True),
               threading.Thread(target=_drain, args=(proc.stderr, err), daemon=True)]
    for t in threads:
        t.start()
    if stdin is not None and proc.stdin is not None:
        try:
            proc.stdin.write(stdin)
            proc.stdin.close()
        except BrokenPipeError:
            pass
    # A blocking wait in a thread: Popen.wait(timeout) polls with sleeps of up to 50 ms.
    waiter = threading.Thread(target=proc.wait, daemon=True)
    waiter.start()
    waiter.join(timeout_s)
    timed_out = waiter.is_alive()
    if timed_out:
        kill_group(proc)
        proc.wait()
    # Children that outlive the leader keep the pipes open: kill the group, then drain.
    kill_group(proc)
    for t in threads:
        t.join(timeout=5)
    return ProcResult(
        returncode=None if timed_out else proc.returncode,
        stdout=out.text(), stderr=err.text(), wall_s=time.monotonic() - start,
        timed_out=timed_out, truncated=bool(out.dropped or err.dropped),
    )


def tail(text: str, n: int = 4000) -> str:
    """The last ``n`` characters, for log tails stored in run files."""
    return text if len(text) <= n else "..." + text[-n:]
