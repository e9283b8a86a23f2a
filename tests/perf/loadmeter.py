"""What the machine did while one side of a benchmark ran: its wall, its own CPU time (every
process it started, through a cpuacct cgroup when this process may make one), and how busy the
rest of the machine was (the others' share of all CPUs, from /proc/stat less the side's own CPU,
and the 1-minute load average when it started).

On a machine shared with other work, a side's wall depends on that work as much as on the side;
the benchmarks print these numbers next to every wall so that a ratio can be read against them.
"""
from __future__ import annotations

import os
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CPUACCT = Path("/sys/fs/cgroup/cpuacct")
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    wall_s: float = 0.0
    cpu_s: float | None = None  # the side's own CPU time (None: no cgroup here)
    others: float | None = None  # the rest of the machine's share of all CPUs while the side ran, 0..1
    load: float = 0.0  # 1-minute load average when the side started

    def text(self) -> str:
        cpu = f", cpu {self.cpu_s:.2f} s" if self.cpu_s is not None else ""
        others = f", others {100 * self.others:.0f}% of the CPUs" if self.others is not None else ""
        return f"{self.wall_s:.2f} s (load {self.load:.1f}{others}{cpu})"


def _busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all CPUs), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / _TICK


class _Group:
    """A cpuacct cgroup holding this process (and so what it starts) while a side runs."""

    def __init__(self) -> None:
        self.path = CPUACCT / f"hweval-bench-{os.getpid()}"
        self.path.mkdir(exist_ok=True)
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def usage_s(self) -> float:
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def close(self) -> None:
        try:
            (CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
            self.path.rmdir()
        except OSError:
            pass  # a process it started still lives: removed by the next benchmark run's clean-up


def _group() -> _Group | None:
    try:
        return _Group()
    except OSError:
        return None


@contextmanager
def measure() -> Iterator[Sample]:
    """Measure the code in the ``with`` block (wall, own CPU, the rest of the machine)."""
    import time

    sample = Sample(load=os.getloadavg()[0])
    group = _group()
    cpu0 = group.usage_s() if group else 0.0
    busy0, t0 = _busy_s(), time.monotonic()
    try:
        yield sample
    finally:
        sample.wall_s = time.monotonic() - t0
        busy = _busy_s() - busy0
        if group is not None:
            sample.cpu_s = group.usage_s() - cpu0
            group.close()
            ncpu = os.cpu_count() or 1
            sample.others = max(0.0, min(1.0, (busy - sample.cpu_s) / (sample.wall_s * ncpu)))


def paired_ratios(raw: Sequence[float], ours: Sequence[float]) -> tuple[list[float], float]:
    """Per-round ratios ours/raw (each round's two sides ran back to back) and their median."""
    if len(raw) != len(ours) or not raw:
        raise ValueError(f"paired rounds needed: {len(raw)} raw walls, {len(ours)} hweval walls")
    ratios = [o / r for r, o in zip(raw, ours, strict=True)]
    return ratios, statistics.median(ratios)
