"""The C-simulation runner for model answers: every command goes through the sandbox.

:func:`csim <harness.families.hls.csim.csim>` looks up its compile cache in the harness (by
content hash) and only calls the runner on a miss. This runner executes each such command with
``sandbox.run_command`` (``local``: in a warm worker, the command forked in a fresh folder with
a copy of the scratch folder's files; other sandboxes: ``sandbox.run``) in the scratch folder,
where csim has already written the kernel, the testbench files and any cached testbench object
(copied in). The ap_types include folder and the
precompiled headers are passed read-only (``ro_paths``); the sandbox copies the scratch folder's
regular files back afterwards, so a freshly compiled testbench object goes from there to the
cache before any candidate code has run.

AddressSanitizer reserves about 20 TB of shadow address space, which no ``RLIMIT_AS`` of a few
gigabytes allows: the run of the ``sanitize`` build gets an address-space limit of
:data:`ASAN_ADDRESS_SPACE_MB` instead, and ASan's own resident-memory and allocation limits
(``hard_rss_limit_mb``, ``malloc_limit_mb``) are set to the sandbox's memory limit. The cgroup
memory ceiling of that one run follows the address-space limit, so it is ASan's limit that
bounds its memory there.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.families.hls.csim import CsimInfraError, Runner
from harness.proc import ProcResult
from harness.sandbox.base import Limits, Sandbox

#: RLIMIT_AS of a run built with AddressSanitizer (its shadow memory needs ~20 TB of it).
ASAN_ADDRESS_SPACE_MB = 32 * 1024 * 1024


def _asan_env(env: Mapping[str, str], memory_mb: int) -> dict[str, str]:
    out = dict(env)
    out["ASAN_OPTIONS"] = f"{env['ASAN_OPTIONS']}:hard_rss_limit_mb={memory_mb}:malloc_limit_mb={memory_mb}"
    return out


def sandbox_runner(sandbox: Sandbox, limits: Limits, ro_paths: Sequence[Path] = ()) -> Runner:
    """A csim ``runner`` that runs each command with ``sandbox.run_command`` under ``limits`` (its wall
    time replaced by the command's own timeout). A sandbox failure raises CsimInfraError."""
    readable = [p for p in ro_paths if p is not None]

    def run(cmd: Sequence[str], cwd: Path, timeout_s: float, env: Mapping[str, str] | None,
            stdin: bytes | None = None) -> ProcResult:
        lim = dataclasses.replace(limits, wall_s=timeout_s, cpu_s=max(limits.cpu_s, int(timeout_s) + 1))
        run_env = dict(env or {})
        if "ASAN_OPTIONS" in run_env:
            run_env = _asan_env(run_env, limits.memory_mb)
            lim = dataclasses.replace(lim, memory_mb=max(limits.memory_mb, ASAN_ADDRESS_SPACE_MB))
        res = sandbox.run_command(list(cmd), workdir=cwd, limits=lim, env=run_env, stdin=stdin, ro_paths=readable)
        if res.infra_error:
            raise CsimInfraError(f"sandbox {sandbox.name}: {res.infra_error}")
        return ProcResult(res.returncode, res.stdout, res.stderr, res.wall_s, res.timed_out)

    return run
