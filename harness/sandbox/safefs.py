"""Writes and mode changes that never follow a link at the last path component.

The harness runs as root; a folder it writes into may hold an entry that sandboxed code, a test
or an unsandboxed trusted run left there. ``open(path, "w")``, ``shutil.copyfile`` and
``os.chmod`` follow a symlink at ``path``, so a link ``hweval_judge -> /dev/null`` would make root
write to, or chmod, the link's target (issue 14: the host's /dev/null became 0755). Here:

* a file is written by removing whatever non-folder entry is at its name and creating it anew
  with ``O_CREAT | O_EXCL | O_NOFOLLOW`` (a link planted again in between makes it fail, not
  follow), its mode set through the open descriptor (``fchmod``);
* a source is read through ``O_NOFOLLOW`` and must be a regular file;
* a mode is changed through a descriptor opened with ``O_NOFOLLOW``, on regular files only.

Each failure is an ``OSError`` naming the path at fault.
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

_WRITE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def _clear_entry(path: Path) -> None:
    """Remove a file, link, FIFO... at ``path`` (never a folder, never followed)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(f"{path}: a folder is in the way of a file the harness writes")
    os.unlink(path)


def _create(path: Path) -> int:
    _clear_entry(path)
    try:
        return os.open(path, _WRITE, 0o600)
    except FileExistsError as exc:
        raise FileExistsError(f"{path}: an entry reappeared while the harness wrote it") from exc


def write_file(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` as a new regular file at ``path`` with ``mode``, whatever was there."""
    fd = _create(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def open_regular(path: Path) -> int:
    """A read-only descriptor on the regular file ``path`` (a link or anything else is refused)."""
    try:
        fd = os.open(path, _READ)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the last component is a symlink
            raise OSError(exc.errno, f"{path}: is a symbolic link, not followed") from exc
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path}: not a regular file")
    return fd


def copy_file(src: Path, dst: Path, mode: int | None = None) -> None:
    """Copy the regular file ``src`` to a new file ``dst`` (``mode``: else ``src``'s permission
    bits plus owner read/write); a link at either end is never followed."""
    rfd = open_regular(src)
    try:
        src_mode = os.fstat(rfd).st_mode
        wfd = _create(dst)
        with os.fdopen(rfd, "rb", closefd=False) as fin, os.fdopen(wfd, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fchmod(fout.fileno(), mode if mode is not None else (src_mode & 0o777) | 0o600)
    finally:
        os.close(rfd)


def chmod_regular(path: Path | str, mode: int) -> None:
    """``chmod`` the regular file ``path`` through a descriptor: a symlink, device, FIFO or
    folder at ``path`` is refused (OSError naming it), never followed."""
    fd = open_regular(Path(path))
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def make_folder(path: Path) -> None:
    """``mkdir`` that accepts an existing real folder only: a link (to a folder or not) or a file
    in the way is removed first, so nothing is written through it."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        os.mkdir(path)
        return
    if stat.S_ISDIR(st.st_mode):
        return
    os.unlink(path)
    os.mkdir(path)
