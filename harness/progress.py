"""Progress bars with counts by status (rich), quiet when not on a terminal."""
from __future__ import annotations

import sys
from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.progress import TaskID


class Progress:
    def __init__(self, enabled: bool | None = None) -> None:
        self.console = Console(stderr=True)
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: RichProgress | None = None
        self._tasks: dict[str, TaskID] = {}
        self.counts: dict[str, Counter[str]] = {}

    def start(self, name: str, total: int, completed: int = 0) -> None:
        self.counts[name] = Counter()
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

    def stop(self, name: str) -> None:
        if self._bar is not None and name in self._tasks:
            self._bar.stop_task(self._tasks[name])

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
