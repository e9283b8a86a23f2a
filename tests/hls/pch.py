"""The session's HLS cache folder, and direct g++ builds for the tests that compile many kernels
against their testbenches outside ``csim`` (the seed sweep of hls-hard, the zero-inputs attack on
every testbench).

The ap headers are most of each compile (one testbench: 8.2 s from the headers, 1.4 s with them
precompiled, on the loaded 2-core machine); they are precompiled once per flag set, as ``csim``
does for an evaluation (:data:`PCH_TEXT` included first with ``-include``), and a testbench
object is compiled once per kernel and linked with each variant.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from harness.families.hls.csim import (
    BUILD_FLAGS,
    BUILDS,
    COMMON_FLAGS,
    PCH_HEADER,
    PCH_TEXT,
    ap_include_dir,
    compiler_version,
    ensure_pch,
    include_fingerprint,
)


def session_hls_cache() -> Path:
    """``$HWEVAL_CACHE/hls``, the HLS cache of the session (and of the CLI runs it starts); with
    HWEVAL_HLS_TEST_CACHE set, that folder becomes HWEVAL_CACHE (kept between sessions)."""
    keep = os.environ.get("HWEVAL_HLS_TEST_CACHE")
    if keep:
        os.environ["HWEVAL_CACHE"] = keep
    path = Path(os.environ["HWEVAL_CACHE"]) / "hls"
    path.mkdir(parents=True, exist_ok=True)
    return path


def precompiled_headers(cache: Path, flags: Sequence[str]) -> list[str]:
    """The g++ options that include the ap headers precompiled for ``flags`` (made once under
    ``cache``, under a lock, so that test workers sharing the folder make it once)."""
    include = ap_include_dir()
    same = next((b for b in BUILDS if tuple(flags) == (*COMMON_FLAGS, *BUILD_FLAGS[b])), None)
    built = ensure_pch(cache, same, include) if same is not None else None
    if built is not None:  # the harness's own, for that build
        return [f"-I{built}", "-include", PCH_HEADER, "-I.", f"-I{include}"]
    key = hashlib.sha256("\0".join([*flags, compiler_version(), include_fingerprint(include)]).encode()).hexdigest()
    folder = cache / "test-pch" / key[:24]
    gch = folder / f"{PCH_HEADER}.gch"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not gch.is_file():
            (folder / PCH_HEADER).write_text(PCH_TEXT)
            tmp = folder / f".tmp-{os.getpid()}.gch"
            subprocess.run(["g++", *flags, f"-I{include}", "-x", "c++-header", str(folder / PCH_HEADER), "-o",
                            str(tmp)], capture_output=True, text=True, timeout=600, check=True)
            os.replace(tmp, gch)
    return [f"-I{folder}", "-include", PCH_HEADER, "-I.", f"-I{include}"]


def compile_and_link(work: Path, flags: Sequence[str], pch: Sequence[str], tb: str, kernels: Sequence[str]) -> str | None:
    """Compile ``tb`` once and each source of ``kernels`` (files in ``work``), linking ``<stem>``
    programs from them; the compiler's complaint when a step fails, else None."""
    steps = [["g++", *flags, *pch, "-c", tb, "-o", f"{tb}.o"]]
    for src in kernels:
        stem = Path(src).stem
        steps += [["g++", *flags, *pch, "-c", src, "-o", f"{stem}.o"], ["g++", *flags, f"{tb}.o", f"{stem}.o", "-o", stem]]
    for cmd in steps:
        res = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=600, check=False)
        if res.returncode:
            return f"{' '.join(cmd[-3:])}: {res.stderr[-600:]}"
    return None


def warm_cache(shared: Path, dest: Path) -> Path:
    """A new C-simulation cache folder ``dest`` holding only the precompiled ap headers of ``shared``
    (made there once, then hard-linked): an evaluation against ``dest`` still compiles and runs the
    testbench and the fix, and reuses no verdict of another test."""
    include = ap_include_dir()
    for build in BUILDS:
        src = ensure_pch(shared, build, include)
        if src is None:
            continue
        out = dest / src.relative_to(shared)
        out.mkdir(parents=True, exist_ok=True)
        for name in (PCH_HEADER, f"{PCH_HEADER}.gch"):
            try:
                os.link(src / name, out / name)
            except OSError:  # another file system (HWEVAL_HLS_TEST_CACHE)
                shutil.copyfile(src / name, out / name)
    return dest
