"""Prebuilt Verilator runtime objects for the sandboxed Verilator builds (harness side).

A Verilator build of a small design spends most of its time compiling Verilator's runtime
library, which does not depend on the design (:mod:`harness.families.verilog.objcache`).
:func:`prebuilt_env` builds it once, outside any sandbox, from a trusted design of our own with
the same tools, flags and environment as the jobs' builds, into
``<cache>/verilator-objs/<key>/`` (the cache folder of the run, else one private temporary
folder per process); the jobs then bind that folder read-only and let the ``OBJCACHE`` hook
copy an object whose compile command, compiler, source and headers are the recorded ones (never
one that includes a file of the build folder). Anything else compiles as before, so a verdict
never depends on it; when the prebuild fails, builds simply compile everything (logged once).
"""
from __future__ import annotations

import atexit
import fcntl
import functools
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from harness.cache import atomic_dir, key_of
from harness.families.verilog.objcache import ENTRIES, MANIFEST

log = logging.getLogger(__name__)

HOOK = Path(__file__).with_name("objcache.py")
#: a trusted design built like a job's: the same file roles (design, lint config, `resetall tail)
DESIGN = "module hweval_vobj(input wire clk, input wire [7:0] d, output reg [7:0] q);\n" \
         "  always @(posedge clk) q <= d;\nendmodule\n"
_BUILD = """
import sys
from cocotb_tools.runner import get_runner
sources, top, build = sys.argv[1:-2], sys.argv[-2], sys.argv[-1]
get_runner("verilator").build(sources=sources, hdl_toplevel=top, build_dir=build,
                              timescale=("1ns", "1ps"), log_file=build + ".log", always=True)
"""
_lock = threading.Lock()
_failed: set[str] = set()


def hook_env(folder: Path) -> dict[str, str]:
    """The variables that make a Verilator build reuse the objects in ``folder``."""
    return {"OBJCACHE": f"{sys.executable} -I -S {HOOK}", "HWEVAL_VOBJ_DIR": str(folder)}


def prebuilt_env(env: dict[str, str], extra: dict[str, str], cache_dir: Path | None) -> tuple[dict[str, str], Path | None]:
    """``env`` plus the hook variables, and the folder to bind read-only; ``(env, None)`` when
    no prebuilt objects can be had (a path with a blank, a failed prebuild).

    ``env`` is the job's environment (PATH, VERILATOR_ROOT); ``extra`` the job's fixed extra
    sources by name (the lint configuration and the tail file), built beside the design.
    """
    if " " in sys.executable or " " in str(HOOK):
        return env, None
    root = Path(cache_dir) if cache_dir is not None else _private_root()
    folder = root / "verilator-objs" / key_of(env, sorted(extra.items()), sys.executable, _tool_stamps(env))[:20]
    if " " in str(folder):
        return env, None
    if not (folder / MANIFEST).is_file():
        with _lock:
            if str(folder) in _failed or not _made(folder, env, extra):
                _failed.add(str(folder))
                return env, None
    return {**env, **hook_env(folder)}, folder


def _made(folder: Path, env: dict[str, str], extra: dict[str, str]) -> bool:
    """Whether ``folder`` holds the objects, prebuilding them under a lock beside it (one
    prebuild per cache folder, whichever processes share it)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with open(folder.with_name(folder.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return (folder / MANIFEST).is_file() or _prebuild(folder, env, extra)
    except OSError as exc:  # a read-only cache folder, say
        log.warning("Verilator runtime objects were not prebuilt (every build compiles them): %s", exc)
        return False


def _tool_stamps(env: dict[str, str]) -> list[object]:
    """What names this installation: the verilator binary and the C++ compiler, by size and time."""
    out: list[object] = []
    for name in ("verilator_bin", "verilator", "c++"):
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            st = os.stat(found)
            out.append([os.path.realpath(found), st.st_size, st.st_mtime_ns])
    return out


@functools.lru_cache(maxsize=1)
def _private_root() -> Path:
    """A temporary folder of this process, removed at exit (no cache folder given)."""
    path = Path(tempfile.mkdtemp(prefix="hweval-vobjs-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def _prebuild(folder: Path, env: dict[str, str], extra: dict[str, str]) -> bool:
    """Build the trusted design with the recording hook; True when ``folder`` holds a manifest."""
    try:
        with tempfile.TemporaryDirectory(prefix="hweval-vobj-build-") as tmp, atomic_dir(folder) as out:
            work = Path(tmp)
            names = ["design.v", *extra]
            (work / "design.v").write_text(DESIGN)
            for name, text in extra.items():
                (work / name).write_text(text)
            child = {**env, "OBJCACHE": hook_env(out)["OBJCACHE"], "HWEVAL_VOBJ_RECORD": str(out),
                     "COCOTB_LOG_LEVEL": "WARNING"}
            proc = subprocess.run([sys.executable, "-c", _BUILD, *(str(work / n) for n in names), "hweval_vobj",
                                   str(work / "build")], cwd=work, env=child, capture_output=True, text=True,
                                  timeout=600, stdin=subprocess.DEVNULL)
            if proc.returncode != 0 or not seal(out):
                raise RuntimeError(f"exit {proc.returncode}, no objects recorded: {proc.stderr[-500:]}")
    except (OSError, RuntimeError, subprocess.SubprocessError, ValueError) as exc:
        log.warning("Verilator runtime objects were not prebuilt (every build compiles them): %s", exc)
        return False
    return (folder / MANIFEST).is_file()


def seal(folder: Path) -> int:
    """Gather the entries the recording hook wrote in ``folder`` into its manifest, readable by
    any user (the sandbox may run as another); the number of objects recorded."""
    entries = sorted((folder / ENTRIES).glob("*.json")) if (folder / ENTRIES).is_dir() else []
    if not entries:
        return 0
    (folder / MANIFEST).write_text(json.dumps([json.loads(p.read_text()) for p in entries]))
    shutil.rmtree(folder / ENTRIES)
    for p in folder.iterdir():
        p.chmod(0o644)
    folder.chmod(0o755)
    return len(entries)
