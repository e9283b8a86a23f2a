"""The sweep after each job of a warm worker (:mod:`harness.jobs.worker`): kill whatever the job
left behind and empty the sandbox's private temporary folders, as the end of a one-shot sandbox's
pid namespace and tmpfs did."""
from __future__ import annotations

import ctypes
import functools
import os
import resource
import shutil
import signal
from pathlib import Path

#: the worker's scratch root (its starting folder: the jobs' folders are made under it)
ROOT: list[str] = []
#: how many times the process table is read before a sweep that spares a process gives up on it
_PASSES = 50


@functools.cache
def confined() -> bool:
    """Whether this process runs as an unprivileged uid inside its own bubblewrap pid namespace.

    Only then may :func:`sweep` signal every process it can: there, that means exactly the
    sandbox's own processes. Anywhere else (a test calling ``run_one``, a root shell) it
    would reach the host's processes, so outside a sandbox nothing is swept.
    """
    try:
        init = Path("/proc/1/comm").read_text().strip()
    except OSError:
        return False
    return os.getuid() != 0 and os.geteuid() != 0 and init == "bwrap"


def _keeps_root(path: str) -> bool:
    """Whether ``path`` is the scratch root or a folder above it (the root is often under /tmp)."""
    return any(root == path or root.startswith(path.rstrip("/") + "/") for root in ROOT)


def _live_others(skip: set[int]) -> list[int]:
    """The pids of the namespace's live processes but this one, pid 1 and ``skip``."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, os.getpid()) or int(name) in skip:
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        if stat.rpartition(")")[2].split()[:1] not in (["Z"], ["X"]):
            out.append(int(name))
    return out


def kill_all(spare: int | None = None) -> bool:
    """Kill every process of this uid in this pid namespace but this one (and ``spare``, the fork
    server, which is then sent SIGCONT in case a job stopped it). True when ``spare`` survived:
    a process table that does not empty in :data:`_PASSES` reads ends with ``kill(-1)``, which
    spares nothing."""
    if spare is not None:
        skip = {spare}  # and processes it may not signal (none of the sandbox's uid)
        for _ in range(_PASSES):
            victims = _live_others(skip)
            if not victims:
                try:
                    os.kill(spare, signal.SIGCONT)
                    return True
                except (ProcessLookupError, PermissionError):
                    return False
            for pid in victims:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                except PermissionError:
                    skip.add(pid)
    try:
        os.kill(-1, signal.SIGKILL)  # every process of this uid in this pid namespace, but this one
    except (ProcessLookupError, PermissionError):
        pass
    return False


#: the resource limits a process keeps for its life (a job's own are set in its own processes)
LIMITS = tuple(getattr(resource, name) for name in (
    "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_NOFILE", "RLIMIT_AS",
    "RLIMIT_NPROC", "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_SIGPENDING") if hasattr(resource, name))


def limits_of(pid: int = 0) -> dict[int, tuple[int, int]] | None:
    """``pid``'s resource limits (0: this process), None when they cannot be read."""
    try:
        return {r: resource.prlimit(pid, r) if pid else resource.getrlimit(r) for r in LIMITS}
    except (OSError, ValueError):
        return None


def lowered(now: dict[int, tuple[int, int]] | None, base: dict[int, tuple[int, int]]) -> bool:
    """Whether any limit in ``now`` is below ``base`` (a same-uid job can lower another process's
    limits with ``prlimit``, and a lowered hard limit is inherited by everything it starts later:
    red team 10c S1); unreadable limits count as lowered."""
    if now is None:
        return True
    inf = resource.RLIM_INFINITY

    def key(v: int) -> float:
        return float("inf") if v == inf else v

    return any(key(now[r][k]) < key(base[r][k]) for r in base for k in (0, 1))


def remove_ipc() -> None:
    """Remove every System V shared-memory segment, semaphore set and message queue of the
    sandbox's IPC namespace: a warm sandbox keeps one namespace for all its jobs, so a segment a
    job made reached the next job (red team 10c S4)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for table, call in (("shm", lambda i: libc.shmctl(i, 0, None)), ("sem", lambda i: libc.semctl(i, 0, 0)),
                        ("msg", lambda i: libc.msgctl(i, 0, None))):  # 0: IPC_RMID
        try:
            rows = Path(f"/proc/sysvipc/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 1 and fields[1].isdigit():
                call(int(fields[1]))


def sweep(spare: int | None = None) -> bool:
    """Kill whatever a job left behind (sparing ``spare``) and empty the private temporary folders
    (in a sandbox only); whether ``spare`` is still there."""
    if not confined():
        return spare is not None
    kept = kill_all(spare)
    remove_ipc()
    for folder in ("/tmp", "/dev/shm"):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if _keeps_root(entry.path):
                continue  # the job folder's files are copied back afterwards, then removed by the harness
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass
    return kept
