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
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from harness.families.hls.csim import (
    BUILDS,
    PCH_HEADER,
    ap_include_dir,
    ensure_pch,
    include_fingerprint,
    precompile_headers,
)
from harness.families.hls.guard import _header_externals, compile_bases, header_key
from harness.families.hls.items import HlsItem
from harness.families.hls.toolchain import link_flags


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
    ``cache`` by the harness's own :func:`~harness.families.hls.csim.precompile_headers`)."""
    include = ap_include_dir()
    folder = precompile_headers(cache, flags, include)
    assert folder is not None, f"the ap headers do not precompile with {' '.join(flags)}"
    return [f"-I{folder}", "-include", PCH_HEADER, "-I.", f"-I{include}"]


def passes_with_seed(exe: Path, seed: int | None) -> bool:
    """Whether program ``exe`` (built by :func:`compile_and_link`) prints ``TB PASS`` and exits 0, with
    the harness's stimulus seed variable set to ``seed`` (unset for None: the default stimulus)."""
    from harness.families.hls.csim import SEED_ENV

    env = {k: v for k, v in os.environ.items() if k != SEED_ENV}
    if seed is not None:
        env[SEED_ENV] = str(seed)
    res = subprocess.run(f"./{exe.name} 3>/dev/null", shell=True, cwd=exe.parent, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    return res.returncode == 0 and "TB PASS" in res.stdout


def compile_and_link(work: Path, flags: Sequence[str], pch: Sequence[str], tb: str, kernels: Sequence[str]) -> str | None:
    """Compile ``tb`` once and each source of ``kernels`` (files in ``work``), linking ``<stem>``
    programs from them (testbench and kernel in one program: ``-DHWEVAL_IN_PROCESS``, see
    harness/families/hls/tbcheck.py) with C-simulation's linker; the compiler's complaint when a
    step fails, else None."""
    flags = (*flags, "-DHWEVAL_IN_PROCESS")
    steps = [["g++", *flags, *pch, "-c", tb, "-o", f"{tb}.o"]]
    for src in kernels:
        stem = Path(src).stem
        steps += [["g++", *flags, *pch, "-c", src, "-o", f"{stem}.o"],
                  ["g++", *flags, *link_flags("g++"), f"{tb}.o", f"{stem}.o", "-o", stem]]
    for cmd in steps:
        res = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=600, check=False)
        if res.returncode:
            return f"{' '.join(cmd[-3:])}: {res.stderr[-600:]}"
    return None


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # another file system (HWEVAL_HLS_TEST_CACHE)
        shutil.copyfile(src, dst)


#: The C-simulation cache's folders of trusted parts: each testbench program and host object
#: (keyed by the testbench's files, the flags, the compiler and the headers; built before any
#: candidate code of the build runs, and stored with their sha256) and the judge.
TRUSTED_PARTS = ("tbexe", "hostobj", "judge")


def warm_cache(shared: Path, dest: Path, *, trusted_parts: bool = False, header_probe: bool = True) -> Path:
    """A new C-simulation cache folder ``dest`` holding only the precompiled ap headers of ``shared``
    and the gate's header probe (both made there once, then hard-linked; ``header_probe=False``: the
    headers alone, for a test that runs no gate): an evaluation against
    ``dest`` still compiles and runs the testbench and the fix, and reuses no verdict of another test.

    With ``trusted_parts`` the :data:`TRUSTED_PARTS` folders of ``dest`` are ``shared``'s (symbolic
    links): a testbench program or host object one test (or the suite's build) made is not built
    again by the next, as in a run whose cache already holds them; the fix is still compiled, linked
    and run. Not for a test of how those parts are built or stored (tests/security/test_hls_files_rt8.py).
    """
    include = ap_include_dir()
    if trusted_parts:
        dest.mkdir(parents=True, exist_ok=True)
        for sub in TRUSTED_PARTS:
            (shared / sub).mkdir(exist_ok=True)
            (dest / sub).symlink_to(shared / sub, target_is_directory=True)
    for build in BUILDS:
        src = ensure_pch(shared, build, include)
        if src is None:
            continue
        for name in (PCH_HEADER, f"{PCH_HEADER}.gch"):
            _link(src / name, dest / src.relative_to(shared) / name)
    if header_probe:
        _link_header_probe(shared, dest, include)
    return dest


def _probe_file(cache: Path, include: Path) -> tuple[list[str], Path]:
    """The gate's plain compile command with ``cache``, and the file its header probe is cached in
    (the key of :func:`harness.families.hls.guard._header_externals`)."""
    bases, plain = compile_bases(include, "g++", cache)
    key = header_key(bases[plain], "g++", include)
    return bases[plain], cache / "objinfo" / f"{key[:40]}.json"


def share_header_probe(cache: Path, include: Path) -> None:
    """The session's header probe (below) also under the key of ``include``, a copy of the ap
    headers (same files, another folder: only the ``-I`` of the command differs)."""
    assert include_fingerprint(include) == include_fingerprint(ap_include_dir()), f"{include} is not a copy"
    _link_header_probe(cache, cache, ap_include_dir(), include)


def _link_header_probe(shared: Path, dest: Path, include: Path, dest_include: Path | None = None) -> None:
    """The gate's header probe (the undefined symbols of the ap headers' own code: a compile that
    instantiates the ap types, about 20 s on an idle machine, 60 s loaded) made once in ``shared``
    and linked into ``dest`` under dest's key: the two commands differ only in the folder of the
    precompiled header, whose files are the same (hard-linked above), or of the same headers
    (``dest_include``). Checked: the gate then finds it in ``dest`` (a changed key would make it
    compile the probe again and fail here)."""
    base, src = _probe_file(shared, include)
    src.parent.mkdir(parents=True, exist_ok=True)
    with open(src.parent / "probe.lock", "w") as lock:  # the xdist workers share ``shared``: one compiles
        fcntl.flock(lock, fcntl.LOCK_EX)
        _header_externals(base, "g++", include, shared)
    dest_include = dest_include or include
    dest_base, dst = _probe_file(dest, dest_include)
    _link(src, dst)
    before = set((dest / "objinfo").iterdir())
    _header_externals(dest_base, "g++", dest_include, dest)
    assert set((dest / "objinfo").iterdir()) == before, "the gate's header-probe key changed: update tests/hls/pch.py"


def kernel_items(kernels_dir: Path, names: Sequence[str], dest: Path, cache: Path) -> dict[str, HlsItem]:
    """The items of only the kernels ``names`` of ``kernels_dir``, as the suite's build makes them
    (:func:`~harness.families.hls.build.build_items` on ``dest``, a folder holding copies of just
    those kernels), by id: a test that needs one kernel's items does not build the whole suite.
    The C-simulation results go to ``cache`` (keyed by content, not folder), so a whole-suite build
    with the same cache reuses them."""
    from harness.families.hls.build import build_items

    for name in names:
        if not (dest / name).is_dir():
            shutil.copytree(kernels_dir / name, dest / name)
    return {it.id: it for it in build_items(dest, cache_dir=cache, jobs=2)}
