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

A worker answers its requests in order. A **self-contained** job (its files are text, nothing
is copied back) travels whole in its request: the worker makes its folder in the sandbox's
private ``/tmp`` just before running it (after the previous job's sweep) and removes it after, so
the harness may send it while the worker still runs an earlier job (:meth:`WarmWorker.exchange`;
the pool queues at most one such job behind a running one, see
:mod:`harness.sandbox.warmpool`). Other jobs get a folder the harness writes under the worker's
scratch root and reads back, and run only on a worker with nothing else queued.

:class:`harness.sandbox.warmpool.WarmPool` keeps idle workers by configuration (read-only paths,
devices, the limits fixed at start). A worker that fails, times out or has run
:data:`MAX_JOBS` jobs is closed and replaced.
"""
from __future__ import annotations

import functools
import itertools
import json
import logging
import os
import secrets
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.sandbox.base import ExecResult, Limits, harness_pythonpath, rlimit_preexec, scrubbed_env
from harness.sandbox.scratch import TMPFS_PREFIX, chown_tree, mount_tmpfs, random_uid, umount
from harness.sandbox.spawner import SPAWNER
from harness.sandbox.warmfiles import JOB_PARENT, JOB_PREFIX, remove, write_files
from harness.sandbox.warmfiles import collect as collect_files

if TYPE_CHECKING:
    from harness.sandbox.cgroups import RunCgroup
    from harness.sandbox.local import BubblewrapSandbox

log = logging.getLogger(__name__)

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
    #: a fork server's job module and ``NAME=value`` environment (:mod:`harness.jobs.forkserver`), or ()
    server: tuple[str, ...] = ()

    @classmethod
    def of(cls, limits: Limits, ro_paths: Sequence[Path], devices: Sequence[str],
           server: tuple[str, ...] = ()) -> WorkerKey:
        """The key of a job: a read-only path that does not exist (yet) is left out, as the sandbox
        leaves it out of its binds; a job that comes after it was made gets a worker that binds it."""
        paths = (_resolved(str(p)) for p in ro_paths)
        return cls(tuple(str(p) for p in paths if p.exists()), tuple(devices), limits.memory_mb,
                   limits.nproc, limits.file_size_mb, limits.disk_mb, limits.cpu_s, tuple(server))

    def limits(self) -> Limits:
        """The worker's own resource limits: every limit of its jobs but the wall time, so what
        an inline job starts inherits exactly a one-shot job's limits."""
        return Limits(memory_mb=self.memory_mb, nproc=self.nproc, file_size_mb=self.file_size_mb,
                      disk_mb=self.disk_mb, cpu_s=self.cpu_s)


@functools.lru_cache(maxsize=256)
def _resolved(path: str) -> Path:
    return Path(path).resolve()


def self_contained(files: Mapping[str, str | bytes] | None, collect: Sequence[str] | None) -> bool:
    """Whether a job travels whole in its request (text files, nothing copied back): the worker
    makes and removes its folder, so it may be queued behind a running job."""
    return collect is not None and not collect and all(isinstance(v, str) for v in (files or {}).values())


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
        #: jobs sent and not yet handed back (the pool's count), and whether all are self-contained
        self.queued = 0
        self.contained = True
        self._names = itertools.count(1)
        self._wlock = threading.Lock()  # one request written at a time, in the order of their numbers
        self._cond = threading.Condition()  # guards the answer state below
        self._sent = self._read = 0
        self._answers: dict[int, tuple[bytes, bool]] = {}  # request number -> (answer, OOM kill seen)
        self._walls: dict[int, float] = {}  # request number -> its wall-time limit
        self._reading = False
        self._head_since = 0.0  # when the oldest unanswered request started running
        self._rbuf = b""
        self._dead: str | None = None  # why no more answers come
        self._retired = False  # the worker asked to be replaced (it exits after that answer)
        self._close_lock = threading.Lock()

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
            server = ["--server", key.server[0]] if key.server else []
            for item in key.server[1:]:  # the server imports under these (the interpreter starts with them)
                name, _, value = item.partition("=")
                env[name] = value
            group, base = self.group, rlimit_preexec(key.limits())

            def preexec() -> None:
                if group is not None:
                    group.attach_self()
                base()

            def spawn() -> subprocess.Popen[bytes]:
                with open(self.err_path, "wb") as err:
                    return subprocess.Popen([*argv, sys.executable, "-m", "harness.jobs.worker", *server], cwd="/",
                                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                            start_new_session=True, preexec_fn=preexec,
                                            pass_fds=tuple(data_fds.values()))

            self.proc = SPAWNER.call(spawn)
        finally:
            for fd in pipes:
                os.close(fd)
        line = self._next_line(time.monotonic() + START_TIMEOUT_S)
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
        with self._close_lock:
            self._close(graceful)

    def _close(self, graceful: bool) -> None:
        with self._cond:
            self._dead = self._dead or "closed"
            self._cond.notify_all()
        if self.proc is not None:
            from harness.proc import kill_group

            if graceful and self.proc.stdin is not None:
                try:
                    with self._wlock:
                        self.proc.stdin.close()
                    self.proc.wait(timeout=CLOSE_WAIT_S)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            kill_group(self.proc)  # first: a request blocked in the pipe fails, so its writer lets go
            self.proc.wait()
            with self._cond:  # a thread reading an answer sees the end of the pipe first
                self._cond.wait_for(lambda: not self._reading, timeout=CLOSE_WAIT_S)
            with self._wlock:  # no thread writes to (or reads from) a descriptor closed under it
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
        contained = self_contained(files, collect)
        name = next(self._names)
        if contained:
            jobdir = Path(JOB_PARENT) / f"{JOB_PREFIX}{name}-{secrets.token_hex(4)}"
        else:
            self._empty_root()  # nothing a previous job left in the root (without a uid of its own)
            jobdir = self.root / f"job{name}"
            write_files(jobdir, files)
            if self.uid is not None:
                chown_tree(jobdir, self.uid)
        full_env = scrubbed_env(env, jobdir)
        full_env.setdefault("PYTHONPATH", harness_pythonpath())
        req: dict[str, object] = {"module": module, "dir": str(jobdir), "env": full_env, "job": job,
                                  "limits": asdict(limits)}
        if contained:
            req["files"] = dict(files or {})
        try:
            line, started, oom, why = self.exchange(json.dumps(req).encode() + b"\n", limits.wall_s)
            if line is None:
                wall = time.monotonic() - started if started else 0.0
                if why != "retired":
                    log.warning("the warm sandbox failed (%s) after %.1f s: %s", why, wall, self.stderr_tail())
                self.close()
                if wall >= limits.wall_s:
                    return ExecResult(None, "", "", wall, timed_out=True)
                return None
            ans = json.loads(line)
            res = ExecResult(ans["returncode"], ans["stdout"], ans["stderr"], ans["wall_s"],
                             timed_out=bool(ans["timed_out"]))
            if ans.get("recycle") or float(ans.get("cpu_s", 0.0)) > CPU_SHARE * self.key.cpu_s:
                self.spent = True
            if oom:
                res.extra["oom_killed"] = True
            if not contained:
                if collect is None:
                    from harness.sandbox.scratch import copy_regular_tree

                    copy_regular_tree(jobdir, workdir)
                else:
                    collect_files(jobdir, workdir, collect)
            return res
        finally:
            if not contained:
                self._empty_root()

    def exchange(self, request: bytes, wall_s: float) -> tuple[bytes | None, float, bool, str]:
        """Send one request and wait for its answer, which comes after those of the requests sent
        before it: (answer or None, when the job started, whether the cgroup saw an OOM kill during
        it, why no answer came). The harness waits up to the job's wall limit plus
        :data:`ANSWER_GRACE_S` from when the job started (when the answer before it came)."""
        with self._wlock:
            with self._cond:
                if self._dead is not None or self.proc is None or self.proc.stdin is None:
                    return None, 0.0, False, self._dead or "closed"
                self._sent += 1
                seq = self._sent
                self._walls[seq] = wall_s
                if seq == self._read + 1:
                    self._head_since = time.monotonic()
            try:
                self._write_all(self.proc.stdin.fileno(), request)  # waits while the pipe is full
            except (OSError, ValueError) as exc:
                with self._cond:
                    self._dead = self._dead or str(exc)
                    self._cond.notify_all()
        return self._await(seq)

    @staticmethod
    def _write_all(fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]

    def _await(self, seq: int) -> tuple[bytes | None, float, bool, str]:
        with self._cond:
            while True:
                if seq in self._answers:
                    answer, seen = self._answers.pop(seq)
                    return answer, 0.0, seen, ""
                if self._dead is not None:
                    started = self._head_since if seq == self._read + 1 else 0.0
                    return None, started, False, self._dead
                if not self._reading:
                    break
                self._cond.wait()
            self._reading = True
            target = self._read + 1
            since = self._head_since
            deadline = since + self._walls[target] + ANSWER_GRACE_S
        line: bytes | None = None
        oom = False
        try:
            line = self._next_line(deadline)
            if line is not None:
                count = self._oom_count()  # read at once: the next job has only just started
                oom, self.oom_seen = count > self.oom_seen, count
        finally:
            with self._cond:
                self._reading = False
                if line is None:
                    self._dead = self._dead or ("retired" if self._retired else "no answer")
                else:
                    self._retired = self._retired or b'"recycle": true' in line
                    self._answers[target] = (line, oom)
                    self._read = target
                    del self._walls[target]
                    self._head_since = time.monotonic()
                self._cond.notify_all()
        return self._await(seq)

    def _next_line(self, deadline: float) -> bytes | None:
        """The next line the worker wrote, before ``deadline``; None at EOF or past it."""
        proc = self.proc
        if proc is None or proc.stdout is None:
            return None
        try:
            fd = proc.stdout.fileno()
            with selectors.DefaultSelector() as sel:
                sel.register(fd, selectors.EVENT_READ)
                while b"\n" not in self._rbuf:
                    left = deadline - time.monotonic()
                    if left <= 0 or not sel.select(timeout=left):
                        return None
                    chunk = os.read(fd, 1 << 20)
                    if not chunk:
                        return None
                    self._rbuf += chunk
        except (OSError, ValueError):  # closed under it
            return None
        line, _, self._rbuf = self._rbuf.partition(b"\n")
        return line + b"\n"

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
