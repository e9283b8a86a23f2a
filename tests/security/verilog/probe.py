"""A sandbox for tests of what holds below the integrity scan.

:class:`Probe` is the local (bubblewrap) sandbox with two test hooks: ``no_scan`` runs the
Verilog jobs with the integrity scan switched off (so a candidate may open files, and the
layers under the scan can be seen to hold on their own), and every run's scratch folder,
command line and environment are searched for the job's nonce afterwards (``leaks``).
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.sandbox.base import ExecResult, Limits, Sandbox
from harness.sandbox.local import BubblewrapSandbox

JOBS = ("harness.jobs.cocotb_job", "harness.jobs.iverilog_job")
NO_SCAN = ("import runpy, harness.jobs.verilog_check as check; check.scan = lambda *a, **k: []; "
           "runpy.run_module({module!r}, run_name='__main__', alter_sys=True)")


class Probe(Sandbox):
    name = "local"

    def __init__(self, no_scan: bool = False) -> None:
        self.inner = BubblewrapSandbox()
        self.no_scan = no_scan
        self.leaks: list[str] = []
        self.runs = 0

    def run(self, cmd: Sequence[str], *, workdir: Path, files: Mapping[str, str | bytes] | None = None,
            limits: Limits = Limits(), env: Mapping[str, str] | None = None, stdin: bytes | None = None,
            ro_paths: Sequence[Path] = ()) -> ExecResult:
        cmd = list(cmd)
        if self.no_scan and len(cmd) == 3 and cmd[1] == "-m" and cmd[2] in JOBS:
            cmd = [cmd[0], "-c", NO_SCAN.format(module=cmd[2])]
        res = self.inner.run(cmd, workdir=workdir, files=files, limits=limits, env=env, stdin=stdin,
                             ro_paths=ro_paths)
        self.runs += 1
        try:
            nonce = json.loads(stdin).get("nonce") if stdin else None
        except (ValueError, AttributeError):
            nonce = None
        if nonce:
            where = [str(p) for p in workdir.rglob("*") if p.is_file() and nonce.encode() in p.read_bytes()]
            where += ["argv"] if nonce in " ".join(cmd) else []
            where += ["env"] if any(nonce in v for v in (env or {}).values()) else []
            self.leaks += where
        return res
