"""Files of warm-worker jobs (:mod:`harness.sandbox.warm`): writing a job's folder, copying named
outputs back and removing what a job left, never following a link the job made."""
from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.sandbox import safefs

#: where a self-contained job's folder is made inside its worker (the sandbox's private tmpfs,
#: emptied after every job), and how its name starts
JOB_PARENT = "/tmp"
JOB_PREFIX = "hweval-job"


def _chmod_folder(path: str) -> None:
    """``chmod 700`` the folder ``path`` through a descriptor opened without following a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return  # not a folder (a link the job made): left alone
    try:
        os.fchmod(fd, 0o700)
    finally:
        os.close(fd)


def remove(path: Path) -> None:
    """Remove ``path`` (a file, link or folder tree) without following any link the job made."""
    try:
        st = os.lstat(path)
    except OSError:
        return
    if not stat.S_ISDIR(st.st_mode):
        try:
            os.unlink(path)
        except OSError:
            pass
        return

    def retry(func: object, p: str, _exc: object) -> None:  # a folder the job made unwritable
        try:
            parent = os.path.dirname(p)
            _chmod_folder(parent)
            if stat.S_ISDIR(os.lstat(p).st_mode):
                _chmod_folder(p)
                shutil.rmtree(p, ignore_errors=True)
            else:
                os.unlink(p)
        except OSError:
            pass

    shutil.rmtree(path, onerror=retry)


def write_files(jobdir: Path, files: Mapping[str, str | bytes] | None) -> None:
    """``Sandbox.write_files`` for a folder the harness just made on its own tmpfs (no link can be
    in the way, so names are checked as text instead of resolved on disk)."""
    jobdir.mkdir()
    for name, content in (files or {}).items():
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts:
            raise ValueError(f"sandbox file {name!r} escapes the scratch folder")
        target = jobdir.joinpath(*parts)
        if len(parts) > 1:
            target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)


def read_regular(folder: Path) -> tuple[dict[str, bytes], list[str]]:
    """The regular files under ``folder`` (relative name -> content; links and the like are left
    out), and the names of those with an execute bit."""
    out: dict[str, bytes] = {}
    executable: list[str] = []
    if not folder.is_dir():
        return out, executable
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if stat.S_ISDIR(os.lstat(os.path.join(dirpath, d)).st_mode)]
        for name in filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode):
                rel = os.path.relpath(path, folder)
                with open(path, "rb") as fh:
                    out[rel] = fh.read()
                if st.st_mode & 0o111:
                    executable.append(rel)
    return out, executable


def collect(jobdir: Path, workdir: Path, names: Sequence[str]) -> None:
    """Copy the named regular files back (a symlink or FIFO the job left is never followed)."""
    if names:
        workdir.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = jobdir / name
        try:
            st = os.lstat(src)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or jobdir.resolve() not in src.resolve().parents:
            continue
        safefs.copy_file(src, workdir / name)  # a link already at the destination is replaced, not followed
