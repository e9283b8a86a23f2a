"""``local`` (the default): bubblewrap.

The candidate sees a read-only view of what it needs (/usr, a short list of /etc entries, the
Python installation, the harness source, the tools' folders), a fresh writable scratch folder
and a private /tmp, and nothing else: not the user's home, not the run directory, not other
samples. Namespaces for pids, network, IPC and hostname are unshared (no network, no process of
the host visible), the environment is scrubbed, and resource limits apply.

Where the harness runs as root, bubblewrap mounts as root and the command then drops to a
fresh, random unprivileged uid with no capabilities and no-new-privs (``setpriv``), so file
permissions protect root-only files, the per-user process limit holds, and the candidate cannot
signal the harness. The scratch folder is then a size-limited tmpfs owned by that uid, and a
per-run cgroup (where the harness owns the cgroup hierarchy) caps the process count, and memory,
of the whole tree.
When the pid namespace's first process ends, the kernel kills everything left in it, so a
daemon does not outlive its sample; the cgroup, when there is one, is emptied as well.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import weakref
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path

from harness.errors import ToolMissingError
from harness.proc import run_process
from harness.sandbox import cgroups
from harness.sandbox.base import (
    ExecResult,
    Limits,
    Sandbox,
    harness_pythonpath,
    python_paths,
    rlimit_preexec,
    scrubbed_env,
)
from harness.sandbox.devices import check_devices, gpu_library_paths
from harness.sandbox.scratch import chown_tree, random_uid, remove_stale_tmpfs, sanitize_tree, tmpfs_stage
from harness.sandbox.warmfiles import read_regular
from harness.sandbox.warmpool import WarmPool

log = logging.getLogger(__name__)

SYMLINKS = (("usr/bin", "/bin"), ("usr/lib", "/lib"), ("usr/lib64", "/lib64"), ("usr/sbin", "/sbin"))
#: The /etc entries a compiler, simulator or Python needs; the rest of /etc stays hidden.
ETC_ENTRIES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "timezone",
               "nsswitch.conf", "host.conf", "gai.conf", "protocols", "services", "mime.types",
               "os-release", "debian_version", "perl", "python3", "python3.11", "ssl/openssl.cnf")
INSTALL_HINT = "install bubblewrap (apt-get install bubblewrap), or pick --sandbox docker"
SETPRIV_HINT = "install util-linux (setpriv), needed to drop root inside the sandbox"


def _etc_files(uid: int) -> dict[str, str]:
    """Synthesised /etc files: the candidate's user exists, nothing of the host's users leaks."""
    return {
        "/etc/passwd": (f"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                        f"sandbox:x:{uid}:{uid}:sandbox:/tmp:/bin/sh\n"),
        "/etc/group": f"root:x:0:\nnogroup:x:65534:\nsandbox:x:{uid}:\n",
        "/etc/hosts": "127.0.0.1 localhost sandbox\n::1 localhost\n",
        "/etc/hostname": "sandbox\n",
    }


class _Args:
    """Builds a bubblewrap command line; creates parent folders world-traversable (0755)."""

    def __init__(self) -> None:
        self.argv: list[str] = []
        self.made: set[str] = {"/"}
        self.covered: list[str] = []

    def inside_covered(self, path: str) -> bool:
        return any(path == c or path.startswith(c.rstrip("/") + "/") for c in self.covered)

    def parents(self, path: str) -> None:
        parts = Path(path).parts[1:-1]
        cur = ""
        for part in parts:
            cur += "/" + part
            if cur in self.made or self.inside_covered(cur):
                continue
            self.argv += ["--perms", "0755", "--dir", cur]
            self.made.add(cur)

    def bind(self, src: str, dest: str, *, ro: bool = True) -> None:
        self.parents(dest)
        self.argv += ["--ro-bind" if ro else "--bind", src, dest]
        self.covered.append(dest)
        self.made.add(dest)


class BubblewrapSandbox(Sandbox):
    name = "local"

    def __init__(self) -> None:
        self.bwrap = shutil.which("bwrap")
        self.privileged = os.geteuid() == 0
        self.setpriv = shutil.which("setpriv")
        self._tmpfs = self.privileged
        self._cgroups: cgroups.CgroupFactory | None = None
        self._cgroups_checked = False
        self._lock = threading.Lock()
        #: one warm sandbox per executor slot for ``run_job`` (``HWEVAL_SANDBOX_WARM=off``: one per job)
        self.warm = os.environ.get("HWEVAL_SANDBOX_WARM", "on").lower() not in ("off", "0", "no", "false")
        self._pool = WarmPool(self)
        weakref.finalize(self, self._pool.close)

    # -- command line --------------------------------------------------------------------
    def _argv(self, workdir: Path, stage: Path, ro_paths: Sequence[Path], status_fd: int | None,
              data_fds: Mapping[str, int], uid: int | None, tmp_mb: int = 1024,
              devices: Sequence[str] = ()) -> list[str]:
        if self.bwrap is None:
            raise ToolMissingError(f"bubblewrap (bwrap) not found: {INSTALL_HINT}")
        a = _Args()
        if uid is None:  # not root: bubblewrap needs a user namespace to mount anything
            a.argv += ["--unshare-all"]
        else:  # root: no user namespace (it would map the candidate to uid 0); drop root instead
            a.argv += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        a.argv += ["--die-with-parent", "--new-session"]
        if status_fd is not None:
            a.argv += ["--json-status-fd", str(status_fd)]
        a.bind("/usr", "/usr")
        for target, link in SYMLINKS:
            if os.path.islink(link):
                a.argv += ["--symlink", target, link]
        a.argv += ["--perms", "0755", "--dir", "/etc"]
        a.made.add("/etc")
        for entry in ETC_ENTRIES:
            src = f"/etc/{entry}"
            if os.path.exists(src):
                a.bind(src, src)
        for dest, fd in data_fds.items():
            a.argv += ["--perms", "0644", "--ro-bind-data", str(fd), dest]
        size = str(tmp_mb * 1024 * 1024)
        a.argv += ["--dev", "/dev", "--perms", "1777", "--size", size, "--tmpfs", "/dev/shm", "--proc", "/proc",
                   "--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
        a.made.add("/tmp")
        for dev in devices:  # only the requested device nodes, read-write (e.g. /dev/nvidia0)
            a.argv += ["--dev-bind", dev, dev]
        libs = gpu_library_paths() if devices else []
        for p in [*python_paths(), *ro_paths, *libs]:
            rp = str(Path(p).resolve())
            if a.inside_covered(rp) or not os.path.exists(rp):
                continue
            a.bind(rp, rp)
        a.bind(str(stage), str(workdir), ro=False)
        a.argv += ["--chdir", str(workdir), "--hostname", "sandbox", "--"]
        if uid is not None:
            if self.setpriv is None:
                raise ToolMissingError(f"setpriv not found: {SETPRIV_HINT}")
            a.argv += [self.setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                       "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        return [self.bwrap, *a.argv]

    @staticmethod
    def _etc_fds(uid: int | None) -> tuple[dict[str, int], list[int]]:
        """Pipes holding the synthesised /etc files (as root only): (dest -> fd, fds to close)."""
        data_fds: dict[str, int] = {}
        if uid is not None:
            for dest, text in _etc_files(uid).items():
                r, w = os.pipe()
                os.write(w, text.encode())
                os.close(w)
                data_fds[dest] = r
        return data_fds, list(data_fds.values())

    def _cgroup_factory(self) -> cgroups.CgroupFactory | None:
        with self._lock:
            if not self._cgroups_checked:
                self._cgroups_checked = True
                self._cgroups = cgroups.detect() if self.privileged else None
                log.debug("per-run cgroups: %s", "on" if self._cgroups else "off")
                self._remove_leftovers()
        return self._cgroups

    def _remove_leftovers(self) -> None:
        """Scratch mounts and cgroups of hweval processes killed outright (SIGKILL) on this host."""
        if not self.privileged:
            return
        try:
            gone = [*map(str, remove_stale_tmpfs()), *(self._cgroups.remove_stale() if self._cgroups else [])]
        except OSError as exc:
            log.debug("could not remove leftovers: %s", exc)
            return
        if gone:
            log.info("removed %d leftovers of dead hweval processes", len(gone))

    # -- running ---------------------------------------------------------------------------
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
        workdir = workdir.resolve()
        self.write_files(workdir, files)
        bad = check_devices(tuple(devices))
        if bad:
            return ExecResult(None, "", "", 0.0, infra_error=bad)
        with self._pool.slot():  # one of the sandboxes that may run at once (see ``bound``)
            return self._run_one_shot(cmd, workdir, files, limits, env, stdin, ro_paths, devices)

    def _run_one_shot(self, cmd: Sequence[str], workdir: Path, files: Mapping[str, str | bytes] | None,
                      limits: Limits, env: Mapping[str, str] | None, stdin: bytes | None,
                      ro_paths: Sequence[Path], devices: Sequence[str]) -> ExecResult:
        full_env = scrubbed_env(env, workdir)
        full_env.setdefault("PYTHONPATH", harness_pythonpath())
        uid = random_uid() if self.privileged else None
        with ExitStack() as stack:
            stage = workdir
            if uid is not None and self._tmpfs:
                try:
                    stage = stack.enter_context(tmpfs_stage(workdir, limits.disk_mb, uid))
                except OSError as exc:
                    log.warning("no tmpfs scratch (%s); the scratch folder is bounded per file only", exc)
                    self._tmpfs = False
            if uid is not None and stage is workdir:
                chown_tree(workdir, uid)
            res = self._run_bwrap(cmd, workdir, stage, limits, full_env, stdin, ro_paths, uid, tuple(devices))
        if stage is workdir:
            sanitize_tree(workdir)
        return res

    def _run_bwrap(self, cmd: Sequence[str], workdir: Path, stage: Path, limits: Limits, env: dict[str, str],
                   stdin: bytes | None, ro_paths: Sequence[Path], uid: int | None,
                   devices: Sequence[str] = ()) -> ExecResult:
        factory = self._cgroup_factory()
        group = factory.create(limits.nproc + 8, limits.memory_mb + limits.disk_mb) if factory else None
        pipes: list[int] = []
        rfd, wfd = os.pipe()
        pipes += [rfd, wfd]
        try:
            data_fds, etc_pipes = self._etc_fds(uid)
            pipes += etc_pipes
            argv = self._argv(workdir, stage, ro_paths, wfd, data_fds, uid, max(limits.disk_mb, 1), devices)
            base_preexec = rlimit_preexec(limits)

            def preexec() -> None:
                if group is not None:
                    group.attach_self()
                base_preexec()

            res = run_process([*argv, *cmd], cwd=workdir if stage is workdir else "/", env=env,
                              timeout_s=limits.wall_s, stdin=stdin, cap_bytes=limits.output_bytes,
                              preexec=preexec, pass_fds=(wfd, *data_fds.values()))
        finally:
            os.close(wfd)
            pipes.remove(wfd)
            with os.fdopen(rfd, "rb") as fh:
                status_text = fh.read().decode(errors="replace")
            pipes.remove(rfd)
            for fd in pipes:
                os.close(fd)
            oom = group.oom_killed() if group is not None else False
            if group is not None:
                group.destroy()
        out = ExecResult.from_proc(res)
        if oom:
            out.extra["oom_killed"] = True
        if not res.timed_out and '"child-pid"' not in status_text:
            out.infra_error = f"bubblewrap failed to start: {res.stderr.strip()[-500:]}"
            return out
        for line in status_text.splitlines():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "exit-code" in obj:
                out.returncode = None if res.timed_out else obj["exit-code"]
        return out

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
        if self.bwrap is None:
            raise ToolMissingError(f"bubblewrap (bwrap) not found: {INSTALL_HINT}")
        if self.warm:
            res = self._pool.run_job(module, job, workdir=workdir.resolve(), files=files, limits=limits, env=env,
                                     ro_paths=ro_paths, collect=collect, server_env=server_env)
            if res is not None:
                return res
        return super().run_job(module, job, workdir=workdir, files=files, limits=limits, env=env,
                               ro_paths=ro_paths, collect=collect)

    def warm_jobs(self) -> bool:
        return self.warm and self.bwrap is not None and not self._pool.broken

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
        """In a warm worker (the command forked per job in a fresh folder holding a copy of
        ``workdir``'s regular files; every regular file it leaves there is copied back; a file it
        removed stays in ``workdir``), or ``run`` with ``HWEVAL_SANDBOX_WARM=off``."""
        if not self.warm:
            return self.run(cmd, workdir=workdir, limits=limits, env=env, stdin=stdin, ro_paths=ro_paths)
        files, executable = read_regular(workdir)
        job = {"argv": [str(c) for c in cmd], "stdin": None if stdin is None else stdin.decode("latin-1"),
               "executable": executable}
        return self.run_job("harness.jobs.command_job", job, workdir=workdir, files=files, limits=limits, env=env,
                            ro_paths=ro_paths, collect=None)

    def bound(self, slots: int) -> bool:
        """At most ``slots`` sandboxes at once (warm workers with a job, one-shot runs); with warm
        workers on, a self-contained job beyond them queues behind a running one (True)."""
        if not self.warm:
            return False
        self._pool.bound(slots)
        return True

    def close(self) -> None:
        self._pool.close()

    def check(self) -> tuple[bool, str]:
        if self.bwrap is None:
            return False, f"bwrap not found: {INSTALL_HINT}"
        if self.privileged and self.setpriv is None:
            return False, f"setpriv not found: {SETPRIV_HINT}"
        import tempfile

        with tempfile.TemporaryDirectory(prefix="hweval-check-") as tmp:
            res = self.run(["/bin/sh", "-c", "echo ok; id -u"], workdir=Path(tmp), limits=Limits(wall_s=20))
        lines = res.stdout.split()
        if res.infra_error or not lines or lines[0] != "ok":
            return False, res.infra_error or res.stderr.strip()[-500:]
        how = f"as uid {lines[1]}" if self.privileged and len(lines) > 1 else "in a user namespace"
        extras = [f"tmpfs scratch {'on' if self._tmpfs else 'off'}",
                  f"cgroups {'on' if self._cgroup_factory() else 'off'}"]
        return True, f"bubblewrap works ({how}; {', '.join(extras)})"
