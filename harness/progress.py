"""Progress with counts by status: a rich bar on a terminal, plain lines otherwise.

When stderr is not a terminal (a piped or logged run), a line such as
``evaluate: 120/400 (30%) fail=20 pass=100, 35 s`` goes to stderr every ``interval_s`` seconds
(``HWEVAL_PROGRESS_INTERVAL``, default 10) and when a phase ends. ``--no-progress`` silences both.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress


def _interval() -> float:
    try:
        return max(0.0, float(os.environ.get("HWEVAL_PROGRESS_INTERVAL", "10")))
    except ValueError:
        return 10.0


class Progress:
    def __init__(self, enabled: bool | None = None) -> None:
        """``enabled``: None picks a bar on a terminal and lines otherwise; False shows nothing."""
        self.console = Console(stderr=True)
        tty = sys.stderr.isatty()
        self.enabled = tty if enabled is None else enabled
        self.lines = enabled is None and not tty
        self.interval_s = _interval()
        self._bar: RichProgress | None = None
        self._tasks: dict[str, TaskID] = {}
        self.counts: dict[str, Counter[str]] = {}
        self._totals: dict[str, tuple[int, int]] = {}  # name -> (total, done before this run)
        self._started: dict[str, float] = {}
        self._last_line = 0.0
        self._lock = threading.Lock()

    def start(self, name: str, total: int, completed: int = 0) -> None:
        self.counts[name] = Counter()
        self._totals[name] = (total, completed)
        self._started[name] = self._last_line = time.monotonic()
        if self.lines:
            self._line(name)
        if not self.enabled:
            return
        if self._bar is None:
            self._bar = RichProgress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), TextColumn("{task.fields[status]}"),
                                     console=self.console, transient=False)
            self._bar.start()
        self._tasks[name] = self._bar.add_task(name, total=total, completed=completed, status="")

    def advance(self, name: str, status: str) -> None:
        self.counts.setdefault(name, Counter())[status] += 1
        if self._bar is not None and name in self._tasks:
            text = " ".join(f"{k}={v}" for k, v in sorted(self.counts[name].items()))
            self._bar.update(self._tasks[name], advance=1, status=text)
        if self.lines and time.monotonic() - self._last_line >= self.interval_s:
            self._line(name)

    def _line(self, name: str) -> None:
        with self._lock:
            self._last_line = time.monotonic()
            total, before = self._totals.get(name, (0, 0))
            done = before + sum(self.counts.get(name, Counter()).values())
            pct = f" ({100 * done // total}%)" if total else ""
            statuses = " ".join(f"{k}={v}" for k, v in sorted(self.counts.get(name, Counter()).items()))
            elapsed = self._last_line - self._started.get(name, self._last_line)
            counts = f" {statuses}," if statuses else ""
            print(f"{name}: {done}/{total}{pct}{counts} {elapsed:.0f} s", file=sys.stderr, flush=True)

    def stop(self, name: str) -> None:
        if self.lines and name in self._totals:
            self._line(name)
        if self._bar is not None and name in self._tasks:
            self._bar.stop_task(self._tasks[name])

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
