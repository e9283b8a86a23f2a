"""How the kernels evaluator runs its sub-processes: always through a :class:`Sandbox`.

Every process that touches a candidate (the worker phases, nvcc and g++ on the candidate's CUDA
sources) and every process that runs external reference code goes through a :class:`Runner`:
``runner(cmd, workdir=, env=, timeout_s=) -> ExecResult``, with ``workdir`` the sandbox's scratch
folder (the only writable place). The suite builds one from ``ctx.sandbox``; direct callers of
:func:`harness.families.kernels.evaluate.evaluate_kernel` (the GPU check script, unit tests of
trusted goldens) must pass one explicitly: :func:`plain_runner` (the ``none`` sandbox: limits, no
isolation) is never a default.

The family needs more room than the core's defaults: importing torch maps a lot of virtual
memory, and a CUDA context reserves address space far beyond physical memory, so on a GPU the
address-space limit is lifted (``RLIMIT_AS`` cannot bound CUDA processes; the cgroup, where the
sandbox has one, still bounds real memory).
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from harness.sandbox.base import ExecResult, Limits, Sandbox

#: RLIMIT_AS for CPU runs (torch + triton import needs ~2 GB; nvcc on torch headers ~1.5 GB RSS)
CPU_MEMORY_MB = 8192
#: On a GPU: 128 TiB, i.e. no address-space limit (a CUDA context reserves huge virtual ranges)
GPU_MEMORY_MB = 1 << 27
CPU_DISK_MB = 2048
GPU_DISK_MB = 32768


#: the family's warm job (``harness.families.kernels.sandboxed.job``), the commands it runs, and the
#: variables its fork server imports under (the module's ``SERVER_ENV``)
JOB_MODULE = "harness.families.kernels.sandboxed.job"
SERVED = ("harness.families.kernels.sandboxed.worker", "harness.families.kernels.sandboxed.checker")
SERVER_ENV = ("TRITON_INTERPRET", "TRITON_DEFAULT_FP_FUSION", "OMP_NUM_THREADS", "CUDA_VISIBLE_DEVICES",
              "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE")


def served(cmd: Sequence[str]) -> bool:
    """Whether ``cmd`` starts the worker or the checker (``python -m MODULE ...``)."""
    return len(cmd) > 2 and cmd[1] == "-m" and cmd[2] in SERVED and os.environ.get("HWEVAL_KERNEL_FORK", "on") != "off"


class Runner(Protocol):
    def __call__(self, cmd: Sequence[str], *, workdir: Path, env: Mapping[str, str],
                 timeout_s: float, stdin: bytes | None = None) -> ExecResult: ...


def kernel_limits(base: Limits, *, gpu: bool, memory_mb: int | None = None) -> Limits:
    """``base`` (ctx.limits) widened for torch/triton/nvcc processes."""
    mem = memory_mb or (GPU_MEMORY_MB if gpu else max(base.memory_mb, CPU_MEMORY_MB))
    disk = max(base.disk_mb, GPU_DISK_MB if gpu else CPU_DISK_MB)
    return replace(base, memory_mb=mem, disk_mb=disk, nproc=max(base.nproc, 512),
                   file_size_mb=max(base.file_size_mb, disk))


def cuda_home() -> Path | None:
    """The CUDA toolkit folder (CUDA_HOME, or where a real ``nvcc`` lives), if any."""
    for var in ("CUDA_HOME", "CUDA_PATH"):
        if os.environ.get(var) and Path(os.environ[var], "bin").is_dir():
            return Path(os.environ[var]).resolve()
    nvcc = shutil.which("nvcc")
    if nvcc:
        real = Path(nvcc).resolve()
        if real.parent.name == "bin" and (real.parent.parent / "include").is_dir():
            return real.parent.parent
    default = Path("/usr/local/cuda")
    return default.resolve() if default.is_dir() else None


def kernel_ro_paths() -> list[Path]:
    """Host folders the sandboxed processes read: the tools' folders, the CUDA toolkit, torch's
    and Python's include folders (the sandboxes already bind /usr and the Python installation)."""
    from harness.tools import tool_bin_dirs

    paths = list(tool_bin_dirs())
    home = cuda_home()
    if home is not None:
        paths.append(home)
    try:
        import sysconfig

        from torch.utils.cpp_extension import include_paths

        paths += [Path(p) for p in include_paths()] + [Path(sysconfig.get_paths()["include"])]
    except ImportError:
        pass
    seen: list[Path] = []
    for p in paths:
        if p.exists() and p not in seen:
            seen.append(p)
    return seen


@dataclass
class SandboxRunner:
    """Runs each command in ``sandbox`` with ``limits`` (wall time per call) and ``ro_paths``."""

    sandbox: Sandbox
    limits: Limits
    ro_paths: tuple[Path, ...] = ()

    def __call__(self, cmd: Sequence[str], *, workdir: Path, env: Mapping[str, str],
                 timeout_s: float, stdin: bytes | None = None) -> ExecResult:
        limits = replace(self.limits, wall_s=float(timeout_s),
                         cpu_s=max(self.limits.cpu_s, int(timeout_s * 2) + 60))
        if served(cmd) and self.sandbox.warm_jobs():
            return self._job(cmd, workdir, env, limits, stdin)
        return self.sandbox.run(list(cmd), workdir=workdir, limits=limits, env=dict(env),
                                ro_paths=self.ro_paths, stdin=stdin)

    def _job(self, cmd: Sequence[str], workdir: Path, env: Mapping[str, str], limits: Limits,
             stdin: bytes | None) -> ExecResult:
        """A worker or checker command as the family's warm job (its processes forked from a server
        that imported torch and triton once): on ``workdir``'s files, moved into the job (a
        sandbox that falls back to a one-shot run writes them back first); ``workdir`` then holds
        the regular files the job left."""
        from harness.sandbox.warmfiles import read_regular

        workdir = workdir.resolve()
        files, _ = read_regular(workdir)
        for name in files:  # they travel in the job; what the job leaves comes back (the checker deletes inputs)
            (workdir / name).unlink()
        job = {"argv": [str(c) for c in cmd], "workdir": str(workdir),
               "stdin": None if stdin is None else stdin.decode("latin-1")}
        server_env = {k: env[k] for k in SERVER_ENV if k in env}
        return self.sandbox.run_job(JOB_MODULE, job, workdir=workdir, files=dict(files), limits=limits, env=dict(env),
                                    ro_paths=self.ro_paths, collect=None, server_env=server_env)


def sandbox_runner(sandbox: Sandbox, base: Limits, *, gpu: bool, memory_mb: int | None = None) -> SandboxRunner:
    return SandboxRunner(sandbox, kernel_limits(base, gpu=gpu, memory_mb=memory_mb), tuple(kernel_ro_paths()))


def as_runner(runner: Runner | Sandbox | None, *, gpu: bool) -> Runner:
    """``runner`` itself, or a :class:`SandboxRunner` around a :class:`Sandbox`. There is no default:
    ``None`` is a usage error (an evaluator never falls back to running candidates unsandboxed)."""
    if runner is None:
        raise TypeError("the kernel evaluator needs a runner or sandbox (no unsandboxed default); "
                        "pass ctx.sandbox, or plain_runner() to run without isolation on purpose")
    if isinstance(runner, Sandbox):
        return sandbox_runner(runner, Limits(), gpu=gpu)
    return runner


def plain_runner(*, gpu: bool = False) -> SandboxRunner:
    """The ``none`` sandbox: resource limits and a scrubbed environment, no isolation."""
    from harness.sandbox.plain import PlainSandbox

    return SandboxRunner(PlainSandbox(), kernel_limits(Limits(), gpu=gpu))
