"""The C++ toolchain C-simulation uses: the ap-types include folder, the compiler's identity,
a fingerprint of the headers, and precompiled ap headers (made once per flag set, under a lock)."""
from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib.util
import logging
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from harness.cache import code_digest
from harness.families.hls.verdict import compile_symptom
from harness.proc import run_process

log = logging.getLogger(__name__)

PCH_HEADER = "hweval_hls_pch.h"
PCH_TEXT = '#include "ap_int.h"\n#include "ap_fixed.h"\n#include "hls_stream.h"\n'
PCH_TIMEOUT_S = 120.0
_PCH_VERSION = "hls-pch-1"


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def ap_include_dir() -> Path:
    """The folder with ``ap_int.h``, ``ap_fixed.h`` and ``hls_stream.h`` shipped by hls4ml."""
    env = os.environ.get("HWEVAL_HLS_INCLUDE")
    if env:
        return Path(env)
    spec = importlib.util.find_spec("hls4ml")  # does not import the package (it needs h5py...)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("hls4ml is not installed: pass --hls-include <Vitis include folder>")
    for base in spec.submodule_search_locations:
        folder = Path(base) / "templates" / "vivado" / "ap_types"
        if (folder / "ap_int.h").is_file():
            return folder
    raise FileNotFoundError("hls4ml has no templates/vivado/ap_types/ap_int.h")


@functools.lru_cache(maxsize=8)
def compiler_version(cxx: str = "g++") -> str:
    try:
        out = subprocess.run([cxx, "--version"], capture_output=True, text=True, timeout=30, check=False)
        machine = subprocess.run([cxx, "-dumpmachine"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FileNotFoundError(f"C++ compiler {cxx!r} not usable: {exc}") from exc
    first = out.stdout.splitlines()[0] if out.stdout else ""
    return f"{first} {machine.stdout.strip()}"


@functools.lru_cache(maxsize=8)
def link_flags(cxx: str = "g++") -> tuple[str, ...]:
    """Options of every link of C-simulation's programs: ``-fuse-ld=gold`` when ``cxx`` links with
    gold (GNU binutils' other linker, beside ``ld`` wherever binutils is installed; Debian 12's
    links a testbench or kernel program with about a fifth of ``ld``'s CPU time), else none."""
    try:
        res = subprocess.run([cxx, "-fuse-ld=gold", "-Wl,--version"], capture_output=True, text=True, timeout=30,
                             check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return ("-fuse-ld=gold",) if res.returncode == 0 and res.stdout.startswith("GNU gold") else ()


@functools.lru_cache(maxsize=8)
def include_fingerprint(include: Path) -> str:
    """sha256 over the headers of ``include`` (names and contents)."""
    h = hashlib.sha256()
    for path in sorted(include.rglob("*.h")):
        h.update(str(path.relative_to(include)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def precompile_headers(cache: Path, flags: Sequence[str], include: Path, cxx: str = "g++",
                       label: str = "") -> Path | None:
    """A folder under ``cache`` holding :data:`PCH_HEADER` precompiled with ``flags`` (made once,
    under a lock, so processes sharing the folder make it once); None if it fails."""
    key = _digest(_PCH_VERSION, code_digest(__file__), "pch", " ".join(flags), compiler_version(cxx),
                  include_fingerprint(include))
    folder = cache / "pch" / key[:24]
    gch = folder / (PCH_HEADER + ".gch")
    if gch.is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if gch.is_file():
            return folder
        (folder / PCH_HEADER).write_text(PCH_TEXT)
        tmp = folder / f".tmp-{os.getpid()}.gch"
        res = run_process([cxx, *flags, f"-I{include}", "-x", "c++-header", str(folder / PCH_HEADER), "-o", str(tmp)],
                          timeout_s=PCH_TIMEOUT_S)
        if not res.ok:
            log.warning("precompiled header failed for %s: %s", label or " ".join(flags), compile_symptom(res.stderr))
            tmp.unlink(missing_ok=True)
            return None
        os.replace(tmp, gch)
    return folder
