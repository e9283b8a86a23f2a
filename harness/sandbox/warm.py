"""Warm bubblewrap workers: one sandbox per executor slot, many jobs each.

A one-shot sandboxed job pays a bubblewrap start, a scratch tmpfs mount, a cgroup and a fresh
Python interpreter (together 100-200 ms here) for work that often takes 30 ms. A
:class:`WarmWorker` is one bubblewrap sandbox, confined exactly as a one-shot run (same binds,
namespaces, scrubbed environment, dropped uid, no-new-privs, cgroup, rlimits), running
:mod:`harness.jobs.worker`, which takes jobs over a pipe. Each job gets a fresh scratch folder
on the worker's size-limited tmpfs (removed after the job), its own process and session with
the job's resource limits, and is killed at its wall-time limit; after each job every process
the job left is killed and ``/tmp`` and ``/dev/shm`` are emptied. The nonce travels only in the
job's request on the pipe, as it did on a one-shot job's stdin.

:class:`WarmPool` keeps idle workers by configuration (read-only paths, devices, the limits
fixed at start); a thread takes one, runs a job, gives it back. A worker that fails, times out
or has run :data:`MAX_JOBS` jobs is closed and replaced.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import queue
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from harness.sandbox.base import ExecResult, Limits, harness_pythonpath, rlimit_preexec, scrubbed_env
from harness.sandbox.scratch import TMPFS_PREFIX, chown_tree, mount_tmpfs, random_uid, umount
from harness.sandbox.warmfiles import collect as collect_files
from harness.sandbox.warmfiles import remove, write_files

if TYPE_CHECKING:
    from harness.sandbox.cgroups import RunCgroup
    from harness.sandbox.local import BubblewrapSandbox

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_JOBS = 2000  # a worker is replaced after this many jobs (nothing accumulates for ever)
MAX_IDLE = 8  # idle workers kept (over all keys); the oldest beyond this are closed
START_TIMEOUT_S = 60.0
#: how long past a job's wall-time limit the harness waits for the worker's answer
ANSWER_GRACE_S = 15.0
#: a worker is replaced once its own CPU time passes this share of its (the jobs') CPU limit
CPU_SHARE = 0.5
#: how long an idle worker being closed may take to exit by itself
CLOSE_WAIT_S = 2.0


@dataclass(frozen=True)
class WorkerKey:
    """What is fixed when a worker starts; jobs with another key get another worker."""

    ro_paths: tuple[str, ...]
    devices: tuple[str, ...]
    memory_mb: int
    nproc: int
    file_size_mb: int
    disk_mb: int
    cpu_s: int

    @classmethod
    def of(cls, limits: Limits, ro_paths: Sequence[Path], devices: Sequence[str]) -> WorkerKey:
        """The key of a job: a read-only path that does not exist (yet) is left out, as the sandbox
        leaves it out of its binds; a job that comes after it was made gets a worker that binds it."""
        paths = (_resolved(str(p)) for p in ro_paths)
        return cls(tuple(str(p) for p in paths if p.exists()), tuple(devices), limits.memory_mb,
                   limits.nproc, limits.file_size_mb, limits.disk_mb, limits.cpu_s)

    def limits(self) -> Limits:
        """The worker's own resource limits: every limit of its jobs but the wall time, so what
        an inline job starts inherits exactly a one-shot job's limits."""
        return Limits(memory_mb=self.memory_mb, nproc=self.nproc, file_size_mb=self.file_size_mb,
                      disk_mb=self.disk_mb, cpu_s=self.cpu_s)


@functools.lru_cache(maxsize=256)
def _resolved(path: str) -> Path:
    return Path(path).resolve()


def _read_line(fd: int, deadline: float) -> bytes | None:
    """One line from ``fd`` before ``deadline``; None at EOF or past the deadline."""
    buf = bytearray()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(timeout=left):
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            buf += chunk
    return bytes(buf)


class _Spawner:
    """One long-lived thread that starts every warm worker.

    bubblewrap's ``--die-with-parent`` is ``PR_SET_PDEATHSIG``, which fires when the *thread*
    that forked it ends: a worker started from an executor's thread would be killed when that
    pool shuts down (reference validation's pool, say) while the next pool still uses it. Started
    from this daemon thread, a worker dies with the harness process and not before.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Callable[[], object], Future[object]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def call(self, fn: Callable[[], T]) -> T:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="hweval-warm-spawner", daemon=True)
                self._thread.start()
        fut: Future[object] = Future()
        self._queue.put((fn, fut))
        return fut.result()  # type: ignore[return-value]

    def _loop(self) -> None:
        while True:
            fn, fut = self._queue.get()
            try:
                fut.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                fut.set_exception(exc)


_SPAWNER = _Spawner()


class WarmWorker:
    """One running bubblewrap sandbox with :mod:`harness.jobs.worker` inside."""

    def __init__(self, sandbox: BubblewrapSandbox, key: WorkerKey) -> None:
        self.sandbox, self.key = sandbox, key
        self.uid = random_uid() if sandbox.privileged else None
        self.jobs = 0
        self.spent = False  # the worker asked to be replaced, or used up its CPU share
        self.proc: subprocess.Popen[bytes] | None = None
        self.group: RunCgroup | None = None
        #: the cgroup's OOM kills after the last job (only this worker's jobs run in its cgroup)
        self.oom_seen = 0
        self.mounted = False
        self.home = Path(tempfile.mkdtemp(prefix="hweval-warm-"))
        self.root = Path(tempfile.mkdtemp(prefix=f"{TMPFS_PREFIX}{os.getpid()}-"))
        self.err_path = self.home / "worker.stderr"

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> str | None:
        """Start the sandbox; None when it answered, else why it did not."""
        sb, key = self.sandbox, self.key
        if self.uid is not None and sb._tmpfs:
            try:
                mount_tmpfs(self.root, key.disk_mb, self.uid)
                self.mounted = True
            except OSError as exc:
                log.warning("no tmpfs scratch (%s); the scratch folder is bounded per file only", exc)
                sb._tmpfs = False
        if self.uid is not None:  # the uid may enter the root but write only in its job's folder
            os.chown(self.root, 0, 0)
            os.chmod(self.root, 0o711)
        factory = sb._cgroup_factory()
        self.group = factory.create(key.nproc + 8, key.memory_mb + key.disk_mb) if factory else None
        data_fds, pipes = sb._etc_fds(self.uid)
        try:
            argv = sb._argv(self.root, self.root, [Path(p) for p in key.ro_paths], None, data_fds, self.uid,
                            max(key.disk_mb, 1), key.devices)
            env = scrubbed_env(None, self.root)
            env["PYTHONPATH"] = harness_pythonpath()
            group, base = self.group, rlimit_preexec(key.limits())

            def preexec() -> None:
                if group is not None:
                    group.attach_self()
                base()

            def spawn() -> subprocess.Popen[bytes]:
                with open(self.err_path, "wb") as err:
                    return subprocess.Popen([*argv, sys.executable, "-m", "harness.jobs.worker"], cwd="/", env=env,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                            start_new_session=True, preexec_fn=preexec,
                                            pass_fds=tuple(data_fds.values()))

            self.proc = _SPAWNER.call(spawn)
        finally:
            for fd in pipes:
                os.close(fd)
        assert self.proc.stdout is not None
        line = _read_line(self.proc.stdout.fileno(), time.monotonic() + START_TIMEOUT_S)
        if line is None or b'"ready"' not in line:
            return f"the warm sandbox did not start: {self.stderr_tail()}"
        return None

    def stderr_tail(self, n: int = 1500) -> str:
        try:
            return self.err_path.read_text(errors="replace").strip()[-n:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def close(self, graceful: bool = False) -> None:
        """Stop the sandbox. ``graceful`` (an idle worker): end its input and give it a moment to
        exit by itself, so its processes' CPU time is accounted to the harness; then kill."""
        if self.proc is not None:
            from harness.proc import kill_group

            if graceful and self.proc.stdin is not None:
                try:
                    self.proc.stdin.close()
                    self.proc.wait(timeout=CLOSE_WAIT_S)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            kill_group(self.proc)
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()
            self.proc = None
        if self.group is not None:
            self.group.destroy()
            self.group = None
        if self.mounted:
            try:
                umount(self.root)
            except OSError as exc:
                log.warning("could not unmount %s: %s", self.root, exc)
            self.mounted = False
        remove(self.root)
        shutil.rmtree(self.home, ignore_errors=True)

    # -- jobs --------------------------------------------------------------------------------
    def run_job(self, module: str, job: Mapping[str, object], *, workdir: Path,
                files: Mapping[str, str | bytes] | None, limits: Limits, env: Mapping[str, str] | None,
                collect: Sequence[str] | None) -> ExecResult | None:
        """Run ``module``'s ``run(job)`` in a fresh scratch folder; ``collect``: the files copied back
        to ``workdir`` afterwards (None: all of them). None when the worker died before answering
        (the caller then runs the job in a one-shot sandbox, which gives the verdict)."""
        from harness.sandbox.scratch import copy_regular_tree

        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        self.jobs += 1
        jobdir = self.root / f"job{self.jobs}"
        write_files(jobdir, files)
        if self.uid is not None:
            chown_tree(jobdir, self.uid)
        full_env = scrubbed_env(env, jobdir)
        full_env.setdefault("PYTHONPATH", harness_pythonpath())
        req = {"module": module, "dir": str(jobdir), "env": full_env, "job": job, "limits": asdict(limits)}
        oom_before = self.oom_seen
        start = time.monotonic()
        try:
            self.proc.stdin.write(json.dumps(req).encode() + b"\n")
            self.proc.stdin.flush()
            line = _read_line(self.proc.stdout.fileno(), start + limits.wall_s + ANSWER_GRACE_S)
        except (BrokenPipeError, OSError) as exc:
            line, why = None, str(exc)
        else:
            why = "no answer"
        try:
            if line is None:
                wall = time.monotonic() - start
                log.warning("the warm sandbox failed (%s) after %.1f s: %s", why, wall, self.stderr_tail())
                self.close()
                if wall >= limits.wall_s:
                    return ExecResult(None, "", "", wall, timed_out=True)
                return None
            ans = json.loads(line)
            res = ExecResult(ans["returncode"], ans["stdout"], ans["stderr"], ans["wall_s"],
                             timed_out=bool(ans["timed_out"]))
            self.spent = ans.get("recycle") or float(ans.get("cpu_s", 0.0)) > CPU_SHARE * self.key.cpu_s
            self.oom_seen = self._oom_count()
            if self.oom_seen > oom_before:
                res.extra["oom_killed"] = True
            if collect is None:
                copy_regular_tree(jobdir, workdir)
            else:
                collect_files(jobdir, workdir, collect)
            return res
        finally:
            self._empty_root()

    def _empty_root(self) -> None:
        """Remove the job's folder and anything else the job left beside it: the next job starts clean."""
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return
        for entry in entries:
            remove(Path(entry.path))

    def _oom_count(self) -> int:
        if self.group is None:
            return 0
        total = 0
        for d in self.group.dirs:
            for name in ("memory.events", "memory.oom_control"):
                try:
                    for line in (d / name).read_text().splitlines():
                        if line.startswith("oom_kill "):
                            total += int(line.split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        return total


class WarmPool:
    """Idle warm workers by :class:`WorkerKey`, shared by the executor's threads."""

    def __init__(self, sandbox: BubblewrapSandbox) -> None:
        self.sandbox = sandbox
        self.idle: list[WarmWorker] = []
        self.busy: set[WarmWorker] = set()
        self.lock = threading.Lock()
        self.broken = False  # a worker failed to start: this sandbox runs one-shot jobs from now on

    def run_job(self, module: str, job: Mapping[str, object], *, workdir: Path,
                files: Mapping[str, str | bytes] | None, limits: Limits, env: Mapping[str, str] | None,
                ro_paths: Sequence[Path], collect: Sequence[str] | None) -> ExecResult | None:
        """The job's result, or None when no warm worker could start or it died during the job (the
        caller then runs the job one-shot)."""
        key = WorkerKey.of(limits, ro_paths, ())
        worker = self._take(key)
        if worker is None:
            return None
        try:
            return worker.run_job(module, job, workdir=workdir, files=files, limits=limits, env=env,
                                  collect=collect)
        finally:
            self._give_back(worker)

    def _take(self, key: WorkerKey) -> WarmWorker | None:
        with self.lock:
            if self.broken:
                return None
            for i, w in enumerate(self.idle):
                if w.key == key and w.alive():
                    del self.idle[i]
                    self.busy.add(w)
                    return w
        worker = WarmWorker(self.sandbox, key)
        try:
            why = worker.start()
        except BaseException:  # e.g. ToolMissingError: the run stops, nothing is left behind
            worker.close()
            raise
        if why is not None:
            log.warning("%s; running one sandbox per job instead", why)
            worker.close()
            self.broken = True
            return None
        with self.lock:
            self.busy.add(worker)
        return worker

    def _give_back(self, worker: WarmWorker) -> None:
        with self.lock:
            self.busy.discard(worker)
            drop = [] if worker.alive() and worker.jobs < MAX_JOBS and not worker.spent else [worker]
            if not drop:
                self.idle.append(worker)
                drop, self.idle = self.idle[:-MAX_IDLE], self.idle[-MAX_IDLE:]
        for w in drop:
            w.close()

    def close(self) -> None:
        """Stop the idle workers (busy ones stop when their job is back); later jobs start new ones."""
        with self.lock:
            workers, self.idle = self.idle, []
        for w in workers:
            w.close(graceful=True)

