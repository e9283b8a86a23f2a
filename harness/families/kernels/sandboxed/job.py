"""The kernels family's warm-worker job: one worker or checker run, its processes forked from a
fork server that imported torch and triton once (:mod:`harness.jobs.forkserver`).

A fresh ``python -m ...worker`` spends about 2 CPU-s importing torch and triton before it reads
its job; a process forked from a server that already imported them starts in milliseconds. The
harness (:class:`harness.families.kernels.runner.SandboxRunner`) sends a warm sandbox this job
with the command it would have run, ``{"argv", "workdir", "stdin"}``; the worker that runs it was
started with a fork server for this module, keyed by the environment the imports depend on
(``TRITON_INTERPRET``: Triton decorates its standard library once per process,
:data:`SERVER_ENV`). The job runs in its own folder, a copy of ``workdir``: paths under
``workdir`` in the command and the environment are read as the same paths under it.

* ``worker --phase P``: the worker is forked from the server with this job's stdout and stderr;
  its exit status is the job's;
* ``checker``: the checker runs in this job's process (trusted: it never imports answer code),
  reading its secret from ``stdin``, and the candidate's worker it drives is forked from the
  server, which never read a request: the answer's process holds no nonce and no seed, as the
  worker the checker starts with ``python -m`` did not.

Without a server (a worker without one, the one-shot fallback ``python -m ...job`` reading the
job on stdin), each process is started as a command, as before.

Imports: the standard library and this package; torch and triton only in :func:`preload`.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

#: set by the warm worker in a job of this module when its fork server runs
#: (a :class:`harness.jobs.forkserver.Client`: ``spawn(argv, env=, cwd=, stdin=, stdout=, stderr=)``)
FORKSERVER: Any = None
#: the variables whose value at import matters: a fork server is started (and kept) per value
SERVER_ENV = ("TRITON_INTERPRET", "TRITON_DEFAULT_FP_FUSION", "OMP_NUM_THREADS", "CUDA_VISIBLE_DEVICES",
              "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE")
_PKG = "harness.families.kernels.sandboxed"
WORKER, CHECKER = f"{_PKG}.worker", f"{_PKG}.checker"


def preload() -> None:
    """In the fork server, once: what every worker phase imports (never CUDA: it is not fork-safe)."""
    import torch  # noqa: F401
    import triton  # noqa: F401
    import triton.language  # noqa: F401

    from harness.families.kernels.sandboxed import hooks, refcases, worker, worker_function  # noqa: F401

    if os.environ.get("TRITON_INTERPRET") == "1":
        import triton.runtime.interpreter  # noqa: F401
    else:
        import triton.compiler  # noqa: F401


def serve(argv: list[str]) -> int:
    """In a process the server forked: ``argv`` is a worker command (``python -m ...worker ARGS``)."""
    if argv[1:3] != ["-m", WORKER]:
        sys.stderr.write(f"the kernels fork server runs only the worker, not {argv[1:3]}\n")
        return 2
    from harness.families.kernels.sandboxed import worker

    return worker.main(argv[3:])


def _moved(value: str, old: str, new: str) -> str:
    return new + value[len(old):] if value == old or value.startswith(old.rstrip("/") + "/") else value


class Served:
    """The candidate's worker forked by the server, as the checker drives a ``subprocess.Popen``."""

    def __init__(self, spawned: Any, stdin_w: int, stdout_r: int) -> None:
        self.spawned = spawned
        self.stdin = os.fdopen(stdin_w, "wb")
        self.stdout = os.fdopen(stdout_r, "rb")

    @property
    def returncode(self) -> int | None:
        return int(self.spawned.returncode) if self.spawned.returncode is not None else None

    def wait(self, timeout: float | None = None) -> int:
        code = self.spawned.wait(timeout)
        if code is None:
            raise subprocess.TimeoutExpired("worker", timeout or 0.0)
        return int(code)

    def kill(self) -> None:
        self.spawned.kill()


def served_worker(cmd: list[str], workdir: Path) -> Served | None:
    """The check phase's worker forked from the server with private pipes; None without a server."""
    if FORKSERVER is None:
        return None
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    try:
        spawned = FORKSERVER.spawn(cmd, env=dict(os.environ), cwd=str(workdir), stdin=in_r, stdout=out_w, stderr=2)
    finally:
        os.close(in_r)
        os.close(out_w)
    if spawned is None:
        os.close(in_w)
        os.close(out_r)
        return None
    return Served(spawned, in_w, out_r)


def _run_worker(argv: list[str]) -> int:
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        spawned = None if FORKSERVER is None else FORKSERVER.spawn(
            argv, env=dict(os.environ), cwd=os.getcwd(), stdin=null, stdout=1, stderr=2)
    finally:
        os.close(null)
    if spawned is None:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, check=False).returncode
    code = int(spawned.wait())
    return code if code >= 0 else 128 - code


def run(job: dict[str, Any]) -> None:
    """Run the job's command (see the module's docstring); the job's exit status is the command's."""
    here, there = os.getcwd(), str(job["workdir"])
    argv = [_moved(str(a), there, here) for a in job["argv"]]
    for key, value in list(os.environ.items()):
        os.environ[key] = _moved(value, there, here)
        if os.environ[key].startswith(here.rstrip("/") + "/"):
            os.makedirs(os.environ[key], exist_ok=True)  # HOME, TMPDIR, the caches: folders of the workdir
    sys.stdout.flush()
    if argv[1:3] == ["-m", CHECKER]:
        from harness.families.kernels.sandboxed import checker

        secret = str(job.get("stdin") or "").encode("latin-1")
        code = checker.main(argv[3:], secret_line=secret)
    elif argv[1:3] == ["-m", WORKER]:
        code = _run_worker(argv)
    else:
        sys.stderr.write(f"not a kernels command: {argv[:3]}\n")
        code = 2
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    """The one-shot form (a sandbox without warm workers): the job on stdin."""
    run(json.loads(sys.stdin.read()))


if __name__ == "__main__":
    main()
