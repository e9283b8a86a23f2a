"""The thread that starts every warm worker (:mod:`harness.sandbox.warm`)."""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


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


SPAWNER = _Spawner()
