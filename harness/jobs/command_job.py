"""Sandbox job: run one command (``job["argv"]``) in the job's scratch folder.

The warm-worker form of ``Sandbox.run(argv)`` for callers that run a plain command many times
(and the probe the sandbox tests use to check what a job in a warm worker can reach). The
command inherits the job's stdout and stderr; stdin is empty. Its exit status is the job's.
"""
from __future__ import annotations

import os
import sys
from typing import Any

from harness.jobs import read_job


def run(job: dict[str, Any]) -> None:
    """Replace this process with the command (no Python stays behind in its process)."""
    argv = [str(a) for a in job["argv"]]
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
