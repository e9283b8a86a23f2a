"""Scratch folders for sandboxed runs: size-limited tmpfs staging, ownership, safe copy-back.

The candidate writes only into its scratch folder. Where the harness is root, that folder is a
fresh tmpfs of ``Limits.disk_mb`` (so filling the disk fills only the tmpfs), owned by the
unprivileged uid the candidate runs as. After the run only regular files and folders are copied
back to the caller's folder: a symlink, FIFO or socket the candidate left there could make the
harness read a host file or hang when it later reads its outputs, so none comes back.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import io
import logging
import os
import secrets
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.sandbox import safefs

log = logging.getLogger(__name__)

#: Candidate uids are drawn at random from this range, one per run, so that no host user owns
#: files under them and the kernel's per-user process count (RLIMIT_NPROC) is per sample.
UID_RANGE = (0x70000000, 0x7FFF0000)
TMPFS_PREFIX = "hweval-tmpfs-"
_MS_NOSUID, _MS_NODEV = 2, 4
_MNT_DETACH = 2


def random_uid() -> int:
    return UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])


@functools.cache
def _libc() -> ctypes.CDLL:
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def mount_tmpfs(target: Path, size_mb: int, uid: int) -> None:
    """Mount a tmpfs of ``size_mb`` on ``target``, owned by ``uid`` (needs CAP_SYS_ADMIN)."""
    inodes = 16 * 1024 + 64 * max(size_mb, 1)
    opts = f"size={max(size_mb, 1)}m,nr_inodes={inodes},mode=0700,uid={uid},gid={uid}"
    rc = _libc().mount(b"tmpfs", str(target).encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, opts.encode())
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount tmpfs on {target}: {os.strerror(err)}")


def umount(target: Path) -> None:
    if _libc().umount2(str(target).encode(), _MNT_DETACH) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"umount {target}: {os.strerror(err)}")


def chown_tree(root: Path, uid: int) -> None:
    """Give ``root`` and everything under it (no symlink followed) to ``uid``."""
    os.lchown(root, uid, uid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), uid, uid)


def copy_regular_tree(src: Path, dst: Path) -> int:
    """Copy folders and regular files from ``src`` into ``dst``; skip everything else.

    Nothing is followed, at either end: a symlink, FIFO, socket or device node of ``src`` is
    left out, and an entry already at a destination name is replaced, never written through
    (:mod:`harness.sandbox.safefs`). Returns the number of entries skipped.
    """
    skipped = 0
    dst.mkdir(parents=True, exist_ok=True)
    for dirpath, dirnames, filenames in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        out_dir = dst if rel == "." else dst / rel
        for name in list(dirnames):
            try:
                is_dir = stat.S_ISDIR(os.lstat(os.path.join(dirpath, name)).st_mode)
                if is_dir:
                    safefs.make_folder(out_dir / name)  # a link already at the name is replaced, not entered
            except OSError as exc:
                if exc.errno not in UNCOPYABLE:
                    raise
                is_dir = False
            if not is_dir:  # a symlink to a folder, or a path too long: not walked, not copied
                dirnames.remove(name)
                skipped += 1
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    skipped += 1
                    continue
                safefs.copy_file(Path(path), out_dir / name)  # neither end followed; the mode set on the new file
            except OSError as exc:
                if exc.errno not in UNCOPYABLE:
                    raise
                skipped += 1
    return skipped


#: what the sandboxed code's own tree can make a copy raise (a path past PATH_MAX, too many levels
#: of links): that entry is left out, as a link is, never a harness error (red team 8 S2 made the
#: copy-back raise ENAMETOOLONG with 32 nested 200-character folders, and the sample became
#: ``infra_error``)
UNCOPYABLE = frozenset({errno.ENAMETOOLONG, errno.ELOOP})


def sanitize_tree(root: Path) -> int:
    """Remove every entry under ``root`` that is not a folder or a regular file; returns how many."""
    removed = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in list(dirnames):
            path = os.path.join(dirpath, name)
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                os.unlink(path)
                dirnames.remove(name)
                removed += 1
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)
                removed += 1
    return removed


def clear_folder(path: Path) -> None:
    for entry in os.scandir(path):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)


@contextmanager
def tmpfs_stage(workdir: Path, size_mb: int, uid: int) -> Iterator[Path]:
    """A tmpfs seeded with ``workdir``'s files; its regular files replace them afterwards."""
    stage = Path(tempfile.mkdtemp(prefix=f"{TMPFS_PREFIX}{os.getpid()}-"))
    mounted = False
    try:
        mount_tmpfs(stage, size_mb, uid)
        mounted = True
        shutil.copytree(workdir, stage, symlinks=True, dirs_exist_ok=True)
        chown_tree(stage, uid)
        yield stage
        clear_folder(workdir)
        skipped = copy_regular_tree(stage, workdir)
        if skipped:
            log.debug("left %d non-regular entries of the sandbox's scratch behind", skipped)
    finally:
        if mounted:
            umount(stage)
        os.rmdir(stage)


def stale_tmpfs_mounts() -> list[Path]:
    """Scratch tmpfs mounts left by hweval processes that are no longer alive."""
    out: list[Path] = []
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        parts = line.split()
        if len(parts) < 3 or parts[2] != "tmpfs":
            continue
        target = Path(parts[1].replace("\\040", " "))
        name = target.name
        if not name.startswith(TMPFS_PREFIX):
            continue
        pid = name[len(TMPFS_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            out.append(target)
    return out


def remove_stale_tmpfs() -> list[Path]:
    """Unmount and remove the scratch mounts of dead hweval processes (``hweval sandbox cleanup``)."""
    removed = []
    for target in stale_tmpfs_mounts():
        try:
            umount(target)
            os.rmdir(target)
            removed.append(target)
        except OSError as exc:
            log.warning("could not remove %s: %s", target, exc)
    return removed


def extract_regular_tar(data: bytes, workdir: Path) -> None:
    """Unpack folders and regular files of a tar stream into ``workdir``; nothing else."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        for member in tar:
            parts = Path(member.name).parts
            if not parts or parts[0] == "/" or ".." in parts:
                continue
            rel = Path(*[p for p in parts if p != "."]) if any(p != "." for p in parts) else None
            if rel is None:
                continue
            target = workdir / rel
            if member.isdir():
                _make_folders(workdir, rel.parts)
            elif member.isreg():
                _make_folders(workdir, rel.parts[:-1])
                fh = tar.extractfile(member)
                if fh is not None:
                    safefs.write_file(target, fh.read(), (member.mode & 0o777) | 0o600)


def _make_folders(root: Path, parts: tuple[str, ...]) -> None:
    """Make the folders ``root/parts[0]/...``; a link or file in the way is replaced, never entered."""
    cur = root
    for part in parts:
        cur = cur / part
        safefs.make_folder(cur)
