"""Programs that run INSIDE a sandbox, next to untrusted code.

They report through :func:`emit`: one line per stage, tagged with a per-sample nonce that the
harness passes on stdin (never in argv, env or a file), so candidate output cannot forge them.

When the trusted job code itself raises, the runner (:func:`run_main` for a one-shot job, the
warm worker for its jobs) sends one more record on that channel, :func:`job_error`:
``{"stage": "job_error", "kind": "harness" | "resource", "status", "error", "reason"}``. Kind
``resource`` (status ``runtime_error``) is an exception the answer can cause through the limits
it runs under (:func:`error_kind`); kind ``harness`` (status ``infra_error``) is anything else.
"""
from __future__ import annotations

import errno
import json
import subprocess
import sys
import traceback
from collections.abc import Callable
from typing import Any

TAG = "HWEVAL-RESULT"
#: errnos of an OSError the answer can cause through its limits: a file too large, a full scratch
#: folder or quota, no memory, too many open files, a pipe to a process that died
RESOURCE_ERRNOS = frozenset({errno.EFBIG, errno.ENOSPC, errno.EDQUOT, errno.ENOMEM, errno.EMFILE,
                             errno.ENFILE, errno.EPIPE})


def read_job() -> dict[str, Any]:
    """The job description, read once from stdin (which is then at EOF for every child)."""
    return json.loads(sys.stdin.read())


def emit(nonce: str, record: dict[str, Any]) -> None:
    sys.stdout.write(f"{TAG} {nonce} {json.dumps(record)}\n")
    sys.stdout.flush()


def parse_records(stdout: str, nonce: str) -> list[dict[str, Any]]:
    """Records printed by a job with the right nonce; anything else is ignored."""
    prefix = f"{TAG} {nonce} "
    out = []
    for line in stdout.splitlines():
        if line.startswith(prefix):
            try:
                out.append(json.loads(line[len(prefix):]))
            except json.JSONDecodeError:
                continue
    return out


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and all(cur is not seen for seen in out):
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


def _is_resource(exc: BaseException) -> bool:
    if isinstance(exc, (MemoryError, subprocess.TimeoutExpired)):
        return True
    if isinstance(exc, subprocess.CalledProcessError):  # a tool killed by a signal (a limit)
        return exc.returncode < 0
    return isinstance(exc, OSError) and exc.errno in RESOURCE_ERRNOS


def error_kind(exc: BaseException) -> str:
    """``"resource"`` when ``exc`` (or an exception it was raised from or while handling) is one
    the answer can cause through its limits; ``"harness"`` for anything else (a missing tool, a
    permission error, an import error, a bug of ours)."""
    return "resource" if any(_is_resource(e) for e in _chain(exc)) else "harness"


def job_error(exc: BaseException) -> dict[str, Any]:
    """The ``job_error`` record for an exception raised by trusted job code."""
    kind = error_kind(exc)
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].name} ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else "?"
    error = f"{type(exc).__name__}: {exc}"[:2000]
    status = "runtime_error" if kind == "resource" else "infra_error"
    return {"stage": "job_error", "kind": kind, "status": status, "error": error, "where": where,
            "reason": f"the job's own code raised {error} in {where}"}


def job_error_line(nonce: str, exc: BaseException) -> str:
    """:func:`job_error` as the sealed line :func:`emit` would print."""
    return f"{TAG} {nonce} {json.dumps(job_error(exc))}\n"


def run_main(run: Callable[[dict[str, Any]], None]) -> None:
    """A one-shot job's ``main``: read the request, ``run`` it; when the job's code raises, send
    the ``job_error`` record (with the request's nonce) and re-raise (traceback, exit 1)."""
    job = read_job()
    try:
        run(job)
    except Exception as exc:
        nonce = job.get("nonce") if isinstance(job, dict) else None
        if isinstance(nonce, str):
            try:
                sys.stdout.write(job_error_line(nonce, exc))
                sys.stdout.flush()
            except (OSError, ValueError):
                pass
        raise
