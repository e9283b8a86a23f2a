"""The warm workers of one sandbox (:mod:`harness.sandbox.warm`), shared by the executor's threads.

Workers are kept by :class:`~harness.sandbox.warm.WorkerKey`; a thread takes one, runs a job,
gives it back. With a bound on the sandboxes that run at once (:meth:`WarmPool.bound`, set by
``hweval run`` to ``--workers``), the pool never runs more than that many: a worker with a job
holds one place, as does every one-shot run of the sandbox (:meth:`WarmPool.slot`). A
self-contained job that finds every place taken is queued behind the running job of a worker
with nothing else queued (at most two jobs per worker, never behind a job whose folder the
harness still has to read), so the worker starts it as soon as the job before it ends; a thread
that needs a place of its own (any other job) stops that queueing until it gets one.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from harness.sandbox.base import ExecResult, Limits
from harness.sandbox.warm import MAX_IDLE, MAX_JOBS, WarmWorker, WorkerKey, log, self_contained

if TYPE_CHECKING:
    from harness.sandbox.local import BubblewrapSandbox

#: jobs a worker holds at most: the one it runs and one queued behind it
DEPTH = 2


class WarmPool:
    """Idle warm workers by :class:`WorkerKey`, shared by the executor's threads."""

    def __init__(self, sandbox: BubblewrapSandbox) -> None:
        self.sandbox = sandbox
        self.idle: list[WarmWorker] = []
        self.busy: set[WarmWorker] = set()
        self.lock = threading.Condition()
        self.broken = False  # a worker failed to start: this sandbox runs one-shot jobs from now on
        #: at most this many sandboxes at once (None: no bound, nothing is queued)
        self.slots: int | None = None
        self._others = 0  # places held by one-shot runs and by workers being started
        self._waiting = 0  # threads waiting for a place of their own

    def bound(self, slots: int) -> None:
        """At most ``slots`` sandboxes at once from now on; self-contained jobs beyond them queue."""
        with self.lock:
            self.slots = max(1, slots)
            self.lock.notify_all()

    def _free(self) -> bool:
        return self.slots is None or len(self.busy) + self._others < self.slots

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """A place for a one-shot run (at once without a bound)."""
        with self.lock:
            self._wait_free()
            self._others += 1
        try:
            yield
        finally:
            with self.lock:
                self._others -= 1
                self.lock.notify_all()

    def _wait_free(self) -> None:
        """Wait (holding the lock) until a place is free."""
        if self._free():
            return
        self._waiting += 1
        try:
            while not self._free():
                self.lock.wait()
        finally:
            self._waiting -= 1

    def run_job(self, module: str, job: Mapping[str, object], *, workdir: Path,
                files: Mapping[str, str | bytes] | None, limits: Limits, env: Mapping[str, str] | None,
                ro_paths: Sequence[Path], collect: Sequence[str] | None,
                server_env: Mapping[str, str] | None = None) -> ExecResult | None:
        """The job's result, or None when no warm worker could start or it died during the job (the
        caller then runs the job one-shot). With ``server_env``, on a worker with a fork server for
        ``module`` started with those variables."""
        server = () if server_env is None else (module, *sorted(f"{k}={v}" for k, v in server_env.items()))
        key = WorkerKey.of(limits, ro_paths, (), server)
        worker = self._take(key, self_contained(files, collect))
        if worker is None:
            return None
        try:
            return worker.run_job(module, job, workdir=workdir, files=files, limits=limits, env=env,
                                  collect=collect)
        finally:
            self._give_back(worker)

    def _queue_behind(self, key: WorkerKey) -> WarmWorker | None:
        """A busy worker a self-contained job may queue behind, when every place is taken."""
        if self.slots is None or self._free() or self._waiting:
            return None
        for w in self.busy:
            if (w.key == key and w.queued < DEPTH and w.contained and not w.spent and w.jobs < MAX_JOBS
                    and w.alive()):
                return w
        return None

    def _assign(self, w: WarmWorker, contained: bool) -> WarmWorker:
        w.queued += 1
        w.jobs += 1
        w.contained = contained if w.queued == 1 else w.contained and contained
        self.busy.add(w)
        return w

    def _take(self, key: WorkerKey, contained: bool) -> WarmWorker | None:
        with self.lock:
            while True:
                if self.broken:
                    return None
                if contained and (w := self._queue_behind(key)) is not None:
                    return self._assign(w, contained)
                if self._free():
                    break
                if contained and self.slots is not None and not self._waiting and any(
                        w.key == key and w.contained for w in self.busy):
                    self.lock.wait()  # a queue behind one of them opens when its job comes back
                    continue
                self._wait_free()
            for i, w in enumerate(self.idle):
                if w.key == key and w.alive():
                    del self.idle[i]
                    return self._assign(w, contained)
            self._others += 1  # the place of the worker being started
        try:
            worker = self._start(key)
        except BaseException:
            with self.lock:
                self._others -= 1
                self.lock.notify_all()
            raise
        with self.lock:  # the place passes to the worker in one step
            self._others -= 1
            self.lock.notify_all()
            return None if worker is None else self._assign(worker, contained)

    def _start(self, key: WorkerKey) -> WarmWorker | None:
        worker = WarmWorker(self.sandbox, key)
        try:
            why = worker.start()
        except BaseException:  # e.g. ToolMissingError: the run stops, nothing is left behind
            worker.close()
            raise
        if why is not None:
            log.warning("%s; running one sandbox per job instead", why)
            worker.close()
            with self.lock:
                self.broken = True
            return None
        return worker

    def _give_back(self, worker: WarmWorker) -> None:
        with self.lock:
            worker.queued -= 1
            if worker.queued > 0:  # the job queued behind this one runs on
                self.lock.notify_all()
                return
            self.busy.discard(worker)
            drop = [] if worker.alive() and worker.jobs < MAX_JOBS and not worker.spent else [worker]
            if not drop:
                self.idle.append(worker)
                drop, self.idle = self.idle[:-MAX_IDLE], self.idle[-MAX_IDLE:]
            self.lock.notify_all()
        for w in drop:
            w.close()

    def close(self) -> None:
        """Stop the idle workers (busy ones stop when their job is back); later jobs start new ones."""
        with self.lock:
            workers, self.idle = self.idle, []
        for w in workers:
            w.close(graceful=True)
