"""Sandbox job: run one command (``job["argv"]``) in the job's scratch folder.

The warm-worker form of ``Sandbox.run(argv)`` for callers that run a plain command many times
(``Sandbox.run_command``: the HLS C-simulation steps; and the probe the sandbox tests use to
check what a job in a warm worker can reach). The command inherits the job's stdout and stderr;
its stdin is ``job["stdin"]`` (text, each character one byte: latin-1) through a pipe, as a
one-shot sandbox gives it, or empty; the files named in ``job["executable"]`` are made executable
first (a copy of a folder's files keeps their modes so), each through a descriptor opened
without following a link: a name that is a symlink, device or anything but a regular file ends
the job with status 126 and a line naming it. Its exit status is the job's.
"""
from __future__ import annotations

import fcntl
import os
import sys
from typing import Any

from harness.jobs import read_job
from harness.sandbox.safefs import chmod_regular

#: the most stdin a command gets (a pipe of this size holds it all before the command starts)
STDIN_CAP = 1 << 20


def _stdin_pipe(data: bytes) -> None:
    """Make fd 0 a pipe holding ``data`` and at EOF after it (written whole before the exec)."""
    if len(data) > STDIN_CAP:
        raise ValueError(f"stdin of {len(data)} bytes: at most {STDIN_CAP}")
    read_fd, write_fd = os.pipe()
    if len(data) > 65536:
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, len(data))
    view = memoryview(data)
    while view:
        view = view[os.write(write_fd, view):]
    os.close(write_fd)
    if read_fd != 0:
        os.dup2(read_fd, 0)
        os.close(read_fd)


def run(job: dict[str, Any]) -> None:
    """Replace this process with the command (no Python stays behind in its process)."""
    argv = [str(a) for a in job["argv"]]
    for name in job.get("executable") or ():  # files of the folder that were executable where they came from
        try:
            chmod_regular(str(name), 0o755)  # through an O_NOFOLLOW descriptor: a link is refused, not followed
        except OSError as exc:
            sys.stderr.write(f"command_job: executable {name!r} refused: {exc}\n")
            sys.stderr.flush()
            os._exit(126)
    if job.get("stdin") is not None:
        _stdin_pipe(str(job["stdin"]).encode("latin-1"))
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvp(argv[0], argv)
    except OSError as exc:
        sys.stderr.write(f"{argv[0]}: {exc}\n")
        sys.stderr.flush()
        os._exit(127)


def main() -> None:
    run(read_job())


if __name__ == "__main__":
    main()
