"""A warm worker's fork server (harness/jobs/forkserver.py) in the real bubblewrap sandbox.

The jobs here are command jobs on a worker started with a server for ``harness.jobs.command_job``
(a module without ``preload``/``serve``: the server only waits), so each job can look at the
sandbox's processes: the sweep after a job kills what it left but spares the server, no job's
command holds the server's socket, and a job that kills the server leaves later jobs working.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.sandbox.base import Limits
from tests.kernels.helpers import bwrap_usable

pytestmark = pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")

MODULE = "harness.jobs.command_job"
#: the sandbox's processes other than the command's own shell: "pid cmdline" lines
PS = ('for d in /proc/[0-9]*; do p=${d#/proc/}; [ "$p" = "$$" ] && continue; '
      'c=$(tr "\\0" " " < $d/cmdline 2>/dev/null); [ -n "$c" ] && echo "$p $c"; done; '
      'echo sockets: $(ls -l /proc/$$/fd | grep -c socket)')


def _run(sandbox, tmp_path: Path, script: str) -> str:  # noqa: ANN001 - a BubblewrapSandbox
    job = {"argv": ["/bin/sh", "-c", script], "stdin": None, "executable": []}
    res = sandbox.run_job(MODULE, job, workdir=tmp_path / "w", files={"x.txt": "x"}, limits=Limits(wall_s=30),
                          collect=[], server_env={"SPEEDK": "1"})
    assert res.returncode == 0 and not res.timed_out, (res.returncode, res.stderr)
    return res.stdout


def _servers(out: str) -> list[str]:
    """The pids of the worker and its server (pid 1, bubblewrap, has the same words in its argv)."""
    return [line.split()[0] for line in out.splitlines()
            if "--server" in line and "bwrap" not in line.split()[1] and "harness.jobs.worker" in line]


def test_the_sweep_spares_the_server_and_a_killed_server_is_not_needed(tmp_path: Path) -> None:
    from harness.sandbox.local import BubblewrapSandbox

    sandbox = BubblewrapSandbox()
    try:
        first = _run(sandbox, tmp_path, "sleep 300 >/dev/null 2>&1 & " + PS)
        workers = _servers(first)
        assert len(workers) == 2, first  # the worker and its server (same command line)
        second = _run(sandbox, tmp_path, PS)
        assert _servers(second) == workers, second  # the same server: spared
        assert "sleep 300" not in second, second  # what the first job left was killed
        assert "sockets: 0" in second, second  # the job's command holds no socket (the server's is private)
        server = max(workers, key=int)  # forked by the worker, so the later pid
        _run(sandbox, tmp_path, f"kill -9 {server}; echo killed")
        after = _run(sandbox, tmp_path, PS)
        assert server not in _servers(after) and len(_servers(after)) == 1, after
    finally:
        sandbox.close()
