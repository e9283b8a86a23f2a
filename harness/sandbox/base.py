"""The sandbox interface (DESIGN.md, "Sandboxes")."""
from __future__ import annotations

import json
import os
import resource
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.proc import ProcResult

#: Environment variables passed through to candidate code; everything else is dropped, so API
#: keys and tokens never reach it.
SAFE_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "TERM")


@dataclass(frozen=True)
class Limits:
    wall_s: float = 60.0
    cpu_s: int = 120
    memory_mb: int = 4096
    nproc: int = 256
    output_bytes: int = 256 * 1024
    file_size_mb: int = 256
    #: Total size of the scratch folder (a size-limited tmpfs where the sandbox can make one).
    disk_mb: int = 1024


@dataclass
class ExecResult:
    """What a sandboxed command did. ``infra_error`` is set when the sandbox itself failed."""

    returncode: int | None
    stdout: str
    stderr: str
    wall_s: float
    timed_out: bool = False
    infra_error: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_proc(cls, res: ProcResult) -> ExecResult:
        return cls(res.returncode, res.stdout, res.stderr, res.wall_s, res.timed_out)


def scrubbed_env(extra: Mapping[str, str] | None, workdir: Path) -> dict[str, str]:
    env = {k: os.environ[k] for k in SAFE_ENV if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["HOME"] = str(workdir)
    env["TMPDIR"] = str(workdir)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["USER"] = env["LOGNAME"] = "sandbox"
    env.update(extra or {})
    return env


def rlimit_preexec(limits: Limits) -> Callable[[], None]:
    """A ``preexec_fn`` applying the per-process resource limits."""

    def apply() -> None:
        mem = limits.memory_mb * 1024 * 1024
        for res, val in (
            (resource.RLIMIT_AS, mem),
            (resource.RLIMIT_CPU, limits.cpu_s),
            (resource.RLIMIT_FSIZE, limits.file_size_mb * 1024 * 1024),
            (resource.RLIMIT_NPROC, limits.nproc),
            (resource.RLIMIT_CORE, 0),
        ):
            try:
                resource.setrlimit(res, (val, val))
            except (ValueError, OSError):
                pass

    return apply


def python_paths() -> list[Path]:
    """Folders a sandboxed ``python -m harness...`` needs: interpreter prefix, venv, harness source."""
    import harness

    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(sys.exec_prefix).resolve()}
    paths.add(Path(harness.__file__).resolve().parent)
    return sorted(paths)


def harness_pythonpath() -> str:
    import harness

    return str(Path(harness.__file__).resolve().parent.parent)


class Sandbox(ABC):
    """Runs a command on files in a fresh scratch folder, with limits and no network."""

    name: str = "sandbox"

    @abstractmethod
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
        """Write ``files`` into ``workdir`` (the only writable place) and run ``cmd`` there.

        ``ro_paths`` are extra host folders the command may read (tool installations).
        ``devices`` are host device nodes (e.g. :func:`harness.sandbox.devices.gpu_devices`) the
        command may open; nothing else of the host's /dev is visible. A requested device that
        is not present is an ``infra_error``.
        """

    def run_job(
        self,
        module: str,
        job: Mapping[str, object],
        *,
        workdir: Path,
        files: Mapping[str, str | bytes] | None = None,
        limits: Limits = Limits(),
        env: Mapping[str, str] | None = None,
        ro_paths: Sequence[Path] = (),
        collect: Sequence[str] | None = None,
        server_env: Mapping[str, str] | None = None,
    ) -> ExecResult:
        """Run the sandbox job ``python -m module`` (a module of :mod:`harness.jobs` with a
        ``run(job)``, or a family's ``harness.families.<family>.sandboxed.job``) on ``files``, with
        ``job`` as JSON on its stdin.

        Afterwards ``workdir`` holds the files named in ``collect`` (None: every file). This
        one-shot form starts a sandbox per job; a sandbox may keep warm workers instead
        (``local`` does: :mod:`harness.sandbox.warm`), with the same confinement per job.
        ``server_env``: the module has a fork server (:mod:`harness.jobs.forkserver`), started
        with these variables; a warm sandbox keeps one per value (the one-shot form has none).
        """
        return self.run([sys.executable, "-m", module], workdir=workdir, files=files, limits=limits, env=env,
                        stdin=json.dumps(job).encode(), ro_paths=ro_paths)

    def warm_jobs(self) -> bool:
        """Whether ``run_job`` runs jobs in warm workers (then a fork server pays off)."""
        return False

    def run_command(
        self,
        cmd: Sequence[str],
        *,
        workdir: Path,
        limits: Limits = Limits(),
        env: Mapping[str, str] | None = None,
        stdin: bytes | None = None,
        ro_paths: Sequence[Path] = (),
    ) -> ExecResult:
        """``run(cmd)`` on the files already in ``workdir``, for callers that run many short commands
        (the HLS C-simulation steps); afterwards ``workdir`` holds the regular files the command
        left. A sandbox with warm workers runs it in one (``local``:
        :mod:`harness.jobs.command_job`, the same confinement per command); this form is ``run``."""
        return self.run(cmd, workdir=workdir, limits=limits, env=env, stdin=stdin, ro_paths=ro_paths)

    def bound(self, slots: int) -> bool:
        """Run at most ``slots`` sandboxes at once from now on, however many threads call it.
        True when this sandbox does (then callers may outnumber ``slots``: ``local`` queues a
        worker's next self-contained job behind its running one); False (the default) when it
        does not, so the caller keeps its threads at ``slots``."""
        return False

    def check(self) -> tuple[bool, str]:
        """Whether this sandbox works on this machine, and why not."""
        return True, "ok"

    def close(self) -> None:
        """Release resources (containers...)."""

    @staticmethod
    def write_files(workdir: Path, files: Mapping[str, str | bytes] | None) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        for name, content in (files or {}).items():
            target = (workdir / name).resolve()
            if workdir.resolve() not in target.parents:
                raise ValueError(f"sandbox file {name!r} escapes the scratch folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
