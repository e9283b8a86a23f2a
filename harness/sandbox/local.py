"""``local`` (the default): bubblewrap.

The candidate sees a read-only view of the system folders it needs (/usr, /etc, the Python
installation, the harness source, the tools' folders), a fresh writable scratch folder and a
private /tmp, and nothing else: not the user's home, not the run directory, not other samples.
All namespaces are unshared (no network), the environment is scrubbed, resource limits apply,
and the whole process tree dies with the sandbox at the wall-time limit.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.errors import ToolMissingError
from harness.proc import run_process
from harness.sandbox.base import (
    ExecResult,
    Limits,
    Sandbox,
    harness_pythonpath,
    python_paths,
    rlimit_preexec,
    scrubbed_env,
)

SYSTEM_RO = ("/usr", "/etc")
SYMLINKS = (("usr/bin", "/bin"), ("usr/lib", "/lib"), ("usr/lib64", "/lib64"), ("usr/sbin", "/sbin"))
INSTALL_HINT = "install bubblewrap (apt-get install bubblewrap), or pick --sandbox docker"


class BubblewrapSandbox(Sandbox):
    name = "local"

    def __init__(self) -> None:
        self.bwrap = shutil.which("bwrap")

    def _argv(self, workdir: Path, ro_paths: Sequence[Path], status_fd: int) -> list[str]:
        if self.bwrap is None:
            raise ToolMissingError(f"bubblewrap (bwrap) not found: {INSTALL_HINT}")
        argv = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session",
                "--json-status-fd", str(status_fd)]
        for p in SYSTEM_RO:
            argv += ["--ro-bind", p, p]
        for target, link in SYMLINKS:
            if os.path.islink(link):
                argv += ["--symlink", target, link]
        seen: set[str] = set()
        for p in [*python_paths(), *ro_paths]:
            rp = str(Path(p).resolve())
            if rp in seen or rp.startswith(("/usr/", "/etc/")) or not os.path.exists(rp):
                continue
            seen.add(rp)
            argv += ["--ro-bind", rp, rp]
        argv += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                 "--bind", str(workdir), str(workdir), "--chdir", str(workdir),
                 "--hostname", "sandbox", "--"]
        return argv

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
    ) -> ExecResult:
        workdir = workdir.resolve()
        self.write_files(workdir, files)
        full_env = scrubbed_env(env, workdir)
        full_env.setdefault("PYTHONPATH", harness_pythonpath())
        rfd, wfd = os.pipe()
        try:
            argv = self._argv(workdir, ro_paths, wfd)
            base_preexec = rlimit_preexec(limits)

            def preexec() -> None:
                base_preexec()
                os.set_inheritable(wfd, True)

            res = run_process([*argv, *cmd], cwd=workdir, env=full_env, timeout_s=limits.wall_s,
                              stdin=stdin, cap_bytes=limits.output_bytes, preexec=preexec,
                              pass_fds=(wfd,))
        finally:
            os.close(wfd)
            with os.fdopen(rfd, "rb") as fh:
                status_text = fh.read().decode(errors="replace")
        out = ExecResult.from_proc(res)
        if not res.timed_out and '"child-pid"' not in status_text:
            out.infra_error = f"bubblewrap failed to start: {res.stderr.strip()[-500:]}"
        else:
            for line in status_text.splitlines():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if "exit-code" in obj:
                    out.returncode = None if res.timed_out else obj["exit-code"]
        return out

    def check(self) -> tuple[bool, str]:
        if self.bwrap is None:
            return False, f"bwrap not found: {INSTALL_HINT}"
        import tempfile

        with tempfile.TemporaryDirectory(prefix="hweval-check-") as tmp:
            res = self.run(["/bin/sh", "-c", "echo ok"], workdir=Path(tmp), limits=Limits(wall_s=20))
        if res.infra_error or res.stdout.strip() != "ok":
            return False, res.infra_error or res.stderr
        return True, "bubblewrap works"
