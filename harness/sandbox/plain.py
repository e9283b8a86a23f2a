"""``none``: a plain subprocess with resource limits and a scrubbed environment, no isolation.

Only allowed with ``--allow-unsandboxed``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.proc import run_process
from harness.sandbox.base import ExecResult, Limits, Sandbox, harness_pythonpath, rlimit_preexec, scrubbed_env
from harness.sandbox.devices import check_devices


class PlainSandbox(Sandbox):
    name = "none"

    def run(
        self,
        cmd: Sequence[str],
        *,
        workdir: Path,
        files: Mapping[str, str | bytes] | None = None,
        limits: Limits = Limits(),
        env: Mapping[str, str] | None = None,
        stdin: bytes | None = None,
        ro_paths: Sequence[Path] = (),
        devices: Sequence[str] = (),
    ) -> ExecResult:
        self.write_files(workdir, files)
        bad = check_devices(tuple(devices))
        if bad:
            return ExecResult(None, "", "", 0.0, infra_error=bad)
        full_env = scrubbed_env(env, workdir)
        full_env.setdefault("PYTHONPATH", harness_pythonpath())
        res = run_process(cmd, cwd=workdir, env=full_env, timeout_s=limits.wall_s, stdin=stdin,
                          cap_bytes=limits.output_bytes, preexec=rlimit_preexec(limits))
        return ExecResult.from_proc(res)
