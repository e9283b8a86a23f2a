"""``docker``: a hardened container per worker, reused between samples.

Containers run the family image (``hweval sandbox build``) with networking disabled, a read-only
root, all capabilities dropped, no-new-privileges, memory/pids/CPU limits, and /scratch and /tmp
on size-limited tmpfs. The host's tool installation (/usr, the /etc entries compilers need, the
Python installation, the virtual environment, the harness source and the evaluator's
``ro_paths``) is bind-mounted read-only at the same paths, so tool versions match ``local``.

Each sample is one ``docker exec`` as a random unprivileged uid chosen per container, under
``prlimit`` (CPU time, address space, processes, file size). Afterwards every process of that uid
is killed and /scratch, /tmp and /dev/shm are emptied, so nothing carries over to the next
sample. Files go in and out through the container's root as seen from the host
(``/proc/PID/root``) when the engine is local and the harness is root, else through ``tar`` in an
exec. Containers carry the ``hweval.sandbox`` label; ``hweval sandbox cleanup`` removes those
left behind by a process that died.
"""
from __future__ import annotations

import io
import logging
import os
import shutil
import signal
import socket
import tarfile
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.sandbox import cgroups, images, safefs
from harness.sandbox.base import ExecResult, Limits, Sandbox, harness_pythonpath, python_paths, scrubbed_env
from harness.sandbox.devices import check_devices, gpu_library_paths
from harness.sandbox.dockerio import clear_keeping, exec_stream
from harness.sandbox.local import ETC_ENTRIES
from harness.sandbox.scratch import clear_folder, copy_regular_tree, extract_regular_tar, random_uid

log = logging.getLogger(__name__)

LABEL = "hweval.sandbox"
OWNER_LABEL = "hweval.owner"
SCRATCH = "/scratch"
TMP_DIRS = (SCRATCH, "/tmp", "/dev/shm")
#: Shell run by every exec: expose the host's scratch path as a link to /scratch (so absolute
#: paths an evaluator wrote still resolve), then apply the per-sample limits and run the command.
WRAPPER = ('w="$1"; shift; case "$w" in /tmp/?*) mkdir -p "${w%/*}" 2>/dev/null && '
           'ln -sfn /scratch "$w" 2>/dev/null;; esac; exec "$@"')
RESET = ("kill -9 -1 2>/dev/null; kill -9 -1 2>/dev/null; chmod -R u+rwX /scratch /tmp /dev/shm 2>/dev/null; "
         "find /scratch /tmp /dev/shm -mindepth 1 -delete 2>/dev/null; true")


def owner_tag() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class _Warm:
    """A running container and what the host knows about it."""

    container: Any
    key: tuple[Any, ...]
    uid: int
    init_pid: int
    root: Path | None  # /proc/PID/root, when the host can reach the container's files
    procs: Path | None  # the container's cgroup.procs, when readable


class DockerSandbox(Sandbox):
    name = "docker"

    def __init__(self, image: str | None = None, cpus: float = 1.0) -> None:
        self.image_override = image or os.environ.get("HWEVAL_DOCKER_IMAGE") or None
        self.cpus = cpus
        self.image_digest: dict[str, str] | None = None
        self._client: Any = None
        self._error: str | None = None
        self._lock = threading.Lock()
        self._idle: dict[tuple[Any, ...], list[_Warm]] = {}
        self._live: list[_Warm] = []
        self._etc_dir: Path | None = None
        try:
            import docker

            self._client = docker.from_env(timeout=120)
            self._client.ping()
            self.image_digest = images.image_digests(self._client) or None
        except Exception as exc:  # noqa: BLE001 - reported per sample as infra_error, and by check()
            self._error = f"no Docker engine: {exc} (start dockerd, or pick --sandbox local)"

    # -- containers ------------------------------------------------------------------------
    def _host_mounts(self, ro_paths: Sequence[Path], uid: int) -> list[Any]:
        from docker.types import Mount

        mounts: list[Any] = []
        covered: list[str] = []

        def add(src: str, dest: str) -> None:
            mounts.append(Mount(dest, src, type="bind", read_only=True))
            covered.append(dest)

        # /usr/sbin stays the image's: docker puts its init at /sbin/docker-init (/sbin -> usr/sbin)
        for entry in sorted(os.listdir("/usr")):
            if entry != "sbin" and os.path.isdir(f"/usr/{entry}"):
                add(f"/usr/{entry}", f"/usr/{entry}")
        for entry in ETC_ENTRIES:
            if os.path.exists(f"/etc/{entry}"):
                add(os.path.realpath(f"/etc/{entry}"), f"/etc/{entry}")
        assert self._etc_dir is not None
        for name in ("passwd", "group"):
            add(str(self._etc_dir / f"{name}-{uid}"), f"/etc/{name}")
        for p in [*python_paths(), *ro_paths]:
            rp = str(Path(p).resolve())
            if not os.path.exists(rp) or any(rp == c or rp.startswith(c + "/") for c in covered):
                continue
            add(rp, rp)
        return mounts

    def _write_etc(self, uid: int) -> None:
        with self._lock:
            if self._etc_dir is None:
                self._etc_dir = Path(tempfile.mkdtemp(prefix="hweval-docker-etc-"))
                os.chmod(self._etc_dir, 0o755)
        # new files, their mode set through the descriptor (a link at the name is replaced, not followed)
        safefs.write_file(self._etc_dir / f"passwd-{uid}", (
            f"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            f"sandbox:x:{uid}:{uid}:sandbox:{SCRATCH}:/bin/sh\n").encode(), 0o644)
        safefs.write_file(self._etc_dir / f"group-{uid}", f"root:x:0:\nnogroup:x:65534:\nsandbox:x:{uid}:\n".encode(),
                          0o644)

    def _start(self, image: str, key: tuple[Any, ...], limits: Limits, ro_paths: Sequence[Path],
               devices: Sequence[str] = ()) -> _Warm:
        from docker.types import Ulimit

        uid = random_uid()
        self._write_etc(uid)
        disk = max(limits.disk_mb, 16)
        mem = limits.memory_mb + 2 * disk  # tmpfs pages are charged to the container
        container = self._client.containers.run(
            image, ["sleep", "infinity"], detach=True, init=True, user="0:0", hostname="sandbox",
            network_mode="none", read_only=True, cap_drop=["ALL"], security_opt=["no-new-privileges"],
            mem_limit=f"{mem}m", memswap_limit=f"{mem}m", pids_limit=limits.nproc + 16,
            nano_cpus=int(self.cpus * 1e9), ipc_mode="private", shm_size="64m",
            ulimits=[Ulimit(name="core", soft=0, hard=0)],
            # exec: compiled candidates (HLS testbenches, CUDA/Triton objects) run from scratch
            tmpfs={SCRATCH: f"size={disk}m,nr_inodes={16384 + 64 * disk},mode=0700,uid={uid},gid={uid},exec",
                   "/tmp": f"size={disk}m,nr_inodes={16384 + 64 * disk},mode=1777"},
            mounts=self._host_mounts([*ro_paths, *(gpu_library_paths() if devices else [])], uid),
            working_dir=SCRATCH, devices=[f"{d}:{d}:rwm" for d in devices],
            labels={LABEL: "1", OWNER_LABEL: owner_tag(), "hweval.uid": str(uid)},
        )
        container.reload()
        pid = int(container.attrs["State"]["Pid"])
        root: Path | None = Path(f"/proc/{pid}/root")
        try:
            os.listdir(f"{root}{SCRATCH}")
        except OSError:
            root = None
        return _Warm(container, key, uid, pid, root, cgroups.procs_file_of(pid))

    def _acquire(self, image: str, limits: Limits, ro_paths: Sequence[Path], devices: Sequence[str] = ()) -> _Warm:
        mounts = tuple(sorted(str(Path(p).resolve()) for p in ro_paths))
        key = (image, mounts, limits.memory_mb, limits.nproc, limits.disk_mb, tuple(sorted(devices)))
        with self._lock:
            idle = self._idle.get(key)
            if idle:
                return idle.pop()
        warm = self._start(image, key, limits, ro_paths, devices)
        with self._lock:
            self._live.append(warm)
        return warm

    def _release(self, warm: _Warm) -> None:
        with self._lock:
            self._idle.setdefault(warm.key, []).append(warm)

    def _discard(self, warm: _Warm) -> None:
        with self._lock:
            if warm in self._live:
                self._live.remove(warm)
        try:
            warm.container.remove(force=True)
        except Exception as exc:  # noqa: BLE001 - cleanup finds it later by its label
            log.warning("could not remove container %s: %s", warm.container.short_id, exc)

    # -- one sample --------------------------------------------------------------------------
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
        if self._client is None:
            return ExecResult(None, "", "", 0.0, infra_error=self._error)
        bad = check_devices(tuple(devices))
        if bad:
            return ExecResult(None, "", "", 0.0, infra_error=bad)
        image = self.image_override or images.image_name(images.profile_for(cmd))
        start = time.monotonic()
        try:
            warm = self._acquire(image, limits, ro_paths, devices)
        except Exception as exc:  # noqa: BLE001 - the sandbox could not start: infra_error
            hint = " (run `hweval sandbox build`)" if "No such image" in str(exc) or "not found" in str(exc) else ""
            return ExecResult(None, "", "", time.monotonic() - start,
                              infra_error=f"docker: cannot start a container from {image}: {exc}{hint}")
        ok = False
        try:
            self._put(warm, workdir)
            res = self._exec_sample(warm, cmd, workdir, limits, env, stdin)
            self._reset(warm)
            self._get(warm, workdir)
            self._clear(warm)
            ok = True
        except Exception as exc:  # noqa: BLE001 - the engine or container failed: infra_error
            log.debug("docker sandbox failure", exc_info=True)
            res = ExecResult(None, "", "", time.monotonic() - start, infra_error=f"docker: {exc}")
        finally:
            if ok:
                self._release(warm)
            else:
                self._discard(warm)
        res.wall_s = time.monotonic() - start
        return res

    def _sample_env(self, workdir: Path, env: Mapping[str, str] | None) -> dict[str, str]:
        full = scrubbed_env(None, Path(SCRATCH))
        full["PYTHONPATH"] = harness_pythonpath()
        for k, v in (env or {}).items():
            full[k] = v.replace(str(workdir), SCRATCH)
        return full

    def _exec_sample(self, warm: _Warm, cmd: Sequence[str], workdir: Path, limits: Limits,
                     env: Mapping[str, str] | None, stdin: bytes | None) -> ExecResult:
        mb = 1024 * 1024
        prlimit = ["prlimit", f"--as={limits.memory_mb * mb}", f"--cpu={limits.cpu_s}",
                   f"--fsize={limits.file_size_mb * mb}", f"--nproc={limits.nproc}", "--core=0", "--"]
        argv = ["/bin/sh", "-c", WRAPPER, "sh", str(workdir), *prlimit,
                *(str(c).replace(str(workdir), SCRATCH) for c in cmd)]
        return self._exec(warm, argv, self._sample_env(workdir, env), stdin, limits.wall_s, limits.output_bytes)

    def _exec(self, warm: _Warm, argv: Sequence[str], env: Mapping[str, str], stdin: bytes | None,
              wall_s: float, cap: int, raw_stdout: bytearray | None = None) -> ExecResult:
        """Run ``argv`` in the container as the sample's uid; stdout goes to ``raw_stdout`` if given."""
        return exec_stream(self._client.api, warm.container.id, f"{warm.uid}:{warm.uid}", argv, env, SCRATCH, stdin,
                           wall_s, cap, lambda: self._kill_uid(warm), raw_stdout)

    # -- processes and files between samples -------------------------------------------------
    def _uid_pids(self, warm: _Warm) -> list[int] | None:
        if warm.procs is None:
            return None
        try:
            pids = [int(x) for x in warm.procs.read_text().split()]
        except (OSError, ValueError):
            return None
        mine = []
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("Uid", "").split()[:1] == [str(warm.uid)] and not fields.get("State", "").strip().startswith("Z"):
                mine.append(pid)
        return mine

    def _kill_uid(self, warm: _Warm) -> None:
        """SIGKILL every process of the sample's uid in the container."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pids = self._uid_pids(warm)
            if pids is None:  # no view of the container's cgroup from here: ask inside
                self._exec(warm, ["/bin/sh", "-c", "kill -9 -1; kill -9 -1; true"], {}, None, 10, 4096)
                return
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.005)
        raise RuntimeError(f"processes of uid {warm.uid} survived SIGKILL")

    def _reset(self, warm: _Warm) -> None:
        self._kill_uid(warm)

    def _put(self, warm: _Warm, workdir: Path) -> None:
        if warm.root is not None:
            dest = Path(f"{warm.root}{SCRATCH}")
            shutil.copytree(workdir, dest, symlinks=True, dirs_exist_ok=True)
            for dirpath, dirnames, filenames in os.walk(dest):
                for name in [*dirnames, *filenames]:
                    os.lchown(os.path.join(dirpath, name), warm.uid, warm.uid)
            return
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            tar.add(str(workdir), arcname=".")
        res = self._exec(warm, ["tar", "-x", "-C", SCRATCH, "-f", "-"], {}, buf.getvalue(), 120, 64 * 1024)
        if res.returncode != 0:
            raise RuntimeError(f"copying files into the container failed: {res.stderr.strip()[-500:]}")

    def _get(self, warm: _Warm, workdir: Path) -> None:
        clear_folder(workdir)
        if warm.root is not None:
            copy_regular_tree(Path(f"{warm.root}{SCRATCH}"), workdir)
            return
        data = bytearray()
        res = self._exec(warm, ["tar", "-c", "-C", SCRATCH, "-f", "-", "."], {}, None, 120, 64 * 1024, data)
        if res.returncode != 0:
            raise RuntimeError(f"copying files out of the container failed: {res.stderr.strip()[-500:]}")
        extract_regular_tar(bytes(data), workdir)

    def _clear(self, warm: _Warm) -> None:
        if warm.root is not None:
            # read-only mounts can sit under /tmp (a cache, an include folder): keep them
            targets = [m.get("Destination", "") for m in (warm.container.attrs.get("Mounts") or [])]
            for d in TMP_DIRS:
                clear_keeping(Path(f"{warm.root}{d}"), d, targets)
            return
        res = self._exec(warm, ["/bin/sh", "-c", RESET], {}, None, 60, 64 * 1024)
        if res.timed_out:
            raise RuntimeError("cleaning the container between samples timed out")

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            live, self._live, self._idle = self._live, [], {}
        for warm in live:
            try:
                warm.container.remove(force=True)
            except Exception as exc:  # noqa: BLE001 - `hweval sandbox cleanup` removes it later
                log.warning("could not remove container %s: %s", warm.container.short_id, exc)
        if self._etc_dir is not None:
            shutil.rmtree(self._etc_dir, ignore_errors=True)
            self._etc_dir = None

    def check(self) -> tuple[bool, str]:
        if self._client is None:
            return False, self._error or "no Docker engine"
        image = self.image_override or images.image_name(images.DEFAULT_PROFILE)
        with tempfile.TemporaryDirectory(prefix="hweval-check-") as tmp:
            res = self.run(["/bin/sh", "-c", "echo ok; id -u"], workdir=Path(tmp), limits=Limits(wall_s=60))
        self.close()
        lines = res.stdout.split()
        if res.infra_error or not lines or lines[0] != "ok":
            return False, res.infra_error or res.stderr.strip()[-500:]
        return True, f"docker works ({image}, uid {lines[1] if len(lines) > 1 else '?'})"

