"""Per-run control groups: a process-count (and memory) ceiling for a whole sandboxed tree.

Resource limits (``setrlimit``) bound each process; a cgroup bounds the tree, so a fork bomb or
a hundred processes each just under the memory limit are still contained. Used when the harness
may create cgroups (root, at the root of the hierarchy); otherwise :func:`detect` returns None
and the rlimits alone apply.
"""
from __future__ import annotations

import itertools
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()


@dataclass
class RunCgroup:
    """The cgroup folders (one per v1 hierarchy, or one v2 folder) of one run."""

    dirs: list[Path]

    def attach_self(self) -> None:
        """Move the calling process here (meant for a ``preexec_fn``, before exec)."""
        for d in self.dirs:
            with open(d / "cgroup.procs", "w") as fh:
                fh.write("0")

    def pids(self) -> set[int]:
        found: set[int] = set()
        for d in self.dirs:
            try:
                found.update(int(x) for x in (d / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                pass
        return found

    def oom_killed(self) -> bool:
        for d in self.dirs:
            for name, key in (("memory.oom_control", "oom_kill "), ("memory.events", "oom_kill ")):
                try:
                    for line in (d / name).read_text().splitlines():
                        if line.startswith(key) and int(line.split()[1]) > 0:
                            return True
                except (OSError, ValueError, IndexError):
                    continue
        return False

    def destroy(self, timeout_s: float = 5.0) -> None:
        """Kill every process left in the group, then remove the folders."""
        deadline = time.monotonic() + timeout_s
        while True:
            left = self.pids()
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if time.monotonic() > deadline:
                log.warning("processes %s survived SIGKILL in %s", sorted(left), self.dirs)
                break
            time.sleep(0.01)
        for d in self.dirs:
            for _ in range(100):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)


class CgroupFactory:
    """Creates per-run cgroups under the harness's own cgroup, in the hierarchies it found."""

    def __init__(self, parents: dict[str, Path], version: int) -> None:
        self.parents = parents
        self.version = version

    def remove_stale(self) -> list[str]:
        """Remove the per-run cgroups of hweval processes that died (killing what is left)."""
        removed = []
        for parent in self.parents.values():
            for path in parent.glob("hweval-*-*"):
                pid = path.name.split("-")[1]
                if path.is_dir() and pid.isdigit() and not Path(f"/proc/{pid}").exists():
                    RunCgroup([path]).destroy(timeout_s=2)
                    if not path.exists():
                        removed.append(str(path))
        return removed

    def create(self, nproc: int, memory_mb: int) -> RunCgroup | None:
        name = f"hweval-{os.getpid()}-{next(_counter)}"
        made: list[Path] = []
        try:
            for ctrl, parent in self.parents.items():
                d = parent / name
                d.mkdir()
                made.append(d)
                if ctrl == "pids":
                    (d / "pids.max").write_text(str(nproc))
                elif ctrl == "memory" and self.version == 1:
                    (d / "memory.limit_in_bytes").write_text(str(memory_mb * 1024 * 1024))
                elif ctrl == "unified":
                    (d / "pids.max").write_text(str(nproc))
                    (d / "memory.max").write_text(str(memory_mb * 1024 * 1024))
                    (d / "memory.swap.max").write_text("0")
        except OSError as exc:
            log.debug("cgroup setup failed: %s", exc)
            RunCgroup(made).destroy()
            return None
        return RunCgroup(made)


def _own_paths() -> dict[str, str]:
    """controller -> this process's cgroup path ("unified" for v2)."""
    out: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        hid, ctrls, path = line.split(":", 2)
        if hid == "0" and ctrls == "":
            out["unified"] = path
        for c in ctrls.split(","):
            if c:
                out[c] = path
    return out


def detect() -> CgroupFactory | None:
    """A factory when this process may create cgroups with a pids limit, else None.

    Only hierarchies where this process sits at the root are used (a host, or a container with
    its own cgroup namespace): a cgroup someone else manages (a systemd unit, a job runner) is
    left alone, since a leftover child folder would keep its owner from removing it.
    """
    try:
        own = _own_paths()
    except OSError:
        return None
    if (ROOT / "pids").is_dir() and own.get("pids") == "/":
        parents = {c: ROOT / c for c in ("pids", "memory") if (ROOT / c).is_dir() and own.get(c) == "/"}
        factory = CgroupFactory(parents, 1)
    elif (ROOT / "cgroup.controllers").exists() and own.get("unified") == "/":
        try:
            enabled = (ROOT / "cgroup.subtree_control").read_text().split()
        except OSError:
            return None
        if "pids" not in enabled or "memory" not in enabled:
            return None
        factory = CgroupFactory({"unified": ROOT}, 2)
    else:
        return None
    probe = factory.create(nproc=8, memory_mb=64)
    if probe is None:
        return None
    probe.destroy()
    return factory


def procs_file_of(pid: int) -> Path | None:
    """The cgroup.procs file that lists ``pid`` (v1 pids hierarchy or v2), e.g. a container's processes."""
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        hid, ctrls, path = line.split(":", 2)
        candidates = []
        if "pids" in ctrls.split(","):
            candidates.append(Path("/sys/fs/cgroup/pids") / path.lstrip("/") / "cgroup.procs")
        if hid == "0":
            candidates.append(Path("/sys/fs/cgroup") / path.lstrip("/") / "cgroup.procs")
        for c in candidates:
            try:
                if str(pid) in c.read_text().split():
                    return c
            except OSError:
                continue
    return None

