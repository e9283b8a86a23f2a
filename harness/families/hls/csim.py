"""C-simulation of an HLS kernel against its testbench, under three builds.

Builds (in :data:`BUILDS` order):

* ``plain``: ``-O1``, the usual Vitis-style C simulation;
* ``sanitize``: ``-fsanitize=address,undefined -fno-sanitize-recover=all`` (out-of-bounds,
  shift exponent, division by zero...). ``shift-base`` is left out because the ap_int headers
  themselves left-shift negative values on every construction, which GCC flags in C++14.
  ``-g1`` (line tables only) is what names the kernel's line in a report; full ``-g`` took about
  30% longer to compile for the same reports;
* ``pattern``: ``-O0 -ftrivial-auto-var-init=pattern`` (reads of missing initialisation give
  a recognisable garbage value instead of whatever the stack held). ``-O0`` because at ``-O1``
  GCC drops the pattern store for ap types whose default constructor reads the value.

A kernel folder holds ``tb.cpp`` and the headers it includes (``kernel.h``); the candidate's source
is written as ``kernel.cpp``. The testbench program is compiled once per build, not once for all
three (a kernel's output array starts as the testbench's bytes: an element the testbench leaves
uninitialised and the kernel never writes reads as the pattern only from the ``pattern`` build's
testbench; the ``sanitize`` build's checks the testbench's own use of the outputs), and cached; each
build's result is cached too, keyed by the sha256 of the sources, the flags, the compiler version
and the include folder's headers. Cache lookups happen here, in the harness; only a miss runs a command.
Every command line comes from :func:`build_commands` and goes through ``runner``
(``runner(cmd, cwd, timeout_s, env)``), so an evaluator runs untrusted code in its sandbox
(:mod:`harness.families.hls.sandboxed`); the default runs the command directly, which only the
suite build (our own kernels and mutants) uses.

C++ is compiled as ``-std=gnu++14``: GNU mode ignores trigraphs (``??/`` would otherwise splice
lines where a text scan does not see it). The program runs as the child of the judge
(:mod:`harness.families.hls.judge`), a trusted parent that alone holds the run's nonce (given
on its standard input) and reports the child's exit status in one sealed line; each outcome is
classified by :mod:`harness.families.hls.verdict`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harness.cache import atomic_write_bytes, code_digest
from harness.families.hls.guardbands import GUARD_MARKER
from harness.families.hls.judge import JUDGE_BINARY, ensure_judge, judge_key
from harness.families.hls.kernel_link import HOST_FILE, host_text
from harness.families.hls.tbcheck import top_of
from harness.families.hls.toolchain import (
    PCH_HEADER,
    _digest,
    ap_include_dir,
    compiler_version,
    include_fingerprint,
    link_flags,
    precompile_headers,
)
from harness.families.hls.verdict import (
    SEED_ENV,
    TB_WRAPPER,
    classify_run,
    compile_symptom,
    tb_wrapper_for,
)
from harness.proc import ProcResult, run_process, tail
from harness.sandbox import safefs, warmfiles

log = logging.getLogger(__name__)

BUILDS: tuple[str, ...] = ("plain", "sanitize", "pattern")
COMMON_FLAGS: tuple[str, ...] = ("-std=gnu++14", "-Wno-unknown-pragmas", "-Wno-trigraphs", "-pthread")
BUILD_FLAGS: dict[str, tuple[str, ...]] = {
    "plain": ("-O1",),
    "sanitize": ("-O1", "-g1", "-fno-omit-frame-pointer", "-fsanitize=address,undefined",
                 "-fno-sanitize=shift-base", "-fno-sanitize-recover=all"),
    "pattern": ("-O0", "-ftrivial-auto-var-init=pattern"),
}
#: The environment of each build's run (a runner that sees ``ASAN_OPTIONS`` knows the program
#: needs AddressSanitizer's terabytes of shadow address space).
RUN_ENV: dict[str, dict[str, str]] = {
    "plain": {},
    "sanitize": {
        "ASAN_OPTIONS": "detect_leaks=0:halt_on_error=1:abort_on_error=0:symbolize=1",
        "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=0",
    },
    "pattern": {},
}
#: Builds whose run reseeds the testbench with a fresh, unpredictable seed (``plain`` keeps the
#: testbench's default, the stimulus the suite's items were validated with).
FRESH_SEED_BUILDS: frozenset[str] = frozenset({"sanitize", "pattern"})

KERNEL_FILE = "kernel.cpp"
#: the folder (inside each build's) where the kernel compiles, with only its headers beside it
KERNEL_SOURCE_DIR = "kernel-src"
COMPILE_TIMEOUT_S = 120.0
OUTPUT_CAP = 32 * 1024
#: How a cached object (testbench program, host object) starts: this, its sha256, a newline.
_OBJECT_MAGIC = b"hweval-object sha256="
_CACHE_VERSION = "hls-csim-7"  # 7: each build in a fresh folder (a cache of 6 may hold programs built from planted files)
#: the code that builds, runs and reads each build (the family's modules): its digest is in the keys of
#: the cached programs and results, so a change to it makes them anew
_FAMILY = Path(__file__).resolve().parent



class Runner(Protocol):
    """``runner(cmd, cwd, timeout_s, env, stdin=None)`` runs one command in ``cwd``. A runner
    raises :class:`CsimInfraError` when it could not run the command at all (a sandbox failure)."""

    def __call__(self, cmd: Sequence[str], cwd: Path, timeout_s: float, env: Mapping[str, str] | None,
                 stdin: bytes | None = None) -> ProcResult: ...


class CsimInfraError(RuntimeError):
    """The command could not be run (the sandbox or a tool failed): an ``infra_error``."""


@dataclass
class BuildResult:
    """One build of a kernel with its testbench, and its run."""

    build: str
    status: str  # pass | fail | syntax_error | timeout | runtime_error | infra_error
    symptom: str = ""
    output: str = ""  # capped tail of compiler or program output
    wall_s: float = 0.0
    cached: bool = False
    timeout_s: float = 0.0  # the run's time limit (part of the cache key; a timeout is never cached)

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass
class CsimResult:
    """The builds that ran, in order; ``passed`` only when all requested builds passed."""

    builds: dict[str, BuildResult] = field(default_factory=dict)
    requested: tuple[str, ...] = BUILDS

    @property
    def passed(self) -> bool:
        return all(b in self.builds and self.builds[b].status == "pass" for b in self.requested)

    @property
    def first_failure(self) -> BuildResult | None:
        return next((r for r in self.builds.values() if r.status != "pass"), None)

    @property
    def status(self) -> str:
        bad = self.first_failure
        return bad.status if bad else ("pass" if self.passed else "infra_error")

    @property
    def symptom(self) -> str:
        bad = self.first_failure
        return f"{bad.build}: {bad.status}: {bad.symptom}" if bad else ""


@dataclass(frozen=True)
class BuildCommands:
    """The command lines of one build, run in the scratch folder: two programs, the testbench's
    (without the kernel) and the kernel's (the candidate's kernel and the harness's host ``main``,
    :mod:`harness.families.hls.kernel_link`), run side by side under the judge."""

    compile_tb: list[str]
    link_tb: list[str]
    compile_host: list[str]
    compile_kernel: list[str]
    link_kernel: list[str]
    run: list[str]
    tb_object: str
    tb_program: str
    host_object: str
    kernel_object: str


def build_commands(build: str, *, include: Path, cxx: str = "g++", pch_dir: Path | None = None) -> BuildCommands:
    """Every command of ``build``; paths are relative to the scratch folder, except ``include``.

    With ``pch_dir`` (from :func:`ensure_pch`) the ap headers come precompiled (``-include``).
    """
    flags = [*COMMON_FLAGS, *BUILD_FLAGS[build]]
    link = [*flags, *link_flags(cxx)]
    inc = ["-I.", f"-I{include}"]
    if pch_dir is not None:
        inc = [f"-I{pch_dir}", "-include", PCH_HEADER, *inc]
    tb_obj, host_obj, k_obj = f"tb.{build}.o", f"host.{build}.o", f"kernel.{build}.o"
    tb_exe, k_exe = f"hls_csim_{build}", f"hls_kernel_{build}"
    return BuildCommands(
        compile_tb=[cxx, *flags, *inc, "-c", TB_WRAPPER, "-o", tb_obj],
        link_tb=[cxx, *link, tb_obj, "-o", tb_exe],
        compile_host=[cxx, *flags, *inc, "-c", HOST_FILE, "-o", host_obj],
        compile_kernel=[cxx, *flags, *inc, "-c", KERNEL_FILE, "-o", k_obj],
        link_kernel=[cxx, *link, host_obj, k_obj, "-o", k_exe],
        run=[f"./{JUDGE_BINARY}", f"./{tb_exe}", f"./{k_exe}"],
        tb_object=tb_obj,
        tb_program=tb_exe,
        host_object=host_obj,
        kernel_object=k_obj,
    )


def ensure_pch(cache: Path, build: str, include: Path, cxx: str = "g++") -> Path | None:
    """A folder with the precompiled ap headers for ``build`` under ``cache``; None if it fails.

    Only a speed-up (the compile of a kernel drops from ~1 s to ~0.4 s): GCC falls back to the
    plain header when the precompiled one does not fit.
    """
    return precompile_headers(cache, [*COMMON_FLAGS, *BUILD_FLAGS[build]], include, cxx, label=f"{build} build")


def direct_runner(cmd: Sequence[str], cwd: Path, timeout_s: float, env: Mapping[str, str] | None,
                  stdin: bytes | None = None) -> ProcResult:
    """Runs the command directly, outside any sandbox: only for trusted code (the suite's own
    kernels and mutants); a model's answer always goes through a sandboxed runner."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return run_process(cmd, cwd=cwd, env=full_env, timeout_s=timeout_s, cap_bytes=OUTPUT_CAP, stdin=stdin)


def _tb_files(tb_path: Path) -> dict[str, bytes]:
    """The testbench's files, the harness's testbench translation unit and the kernel program's
    host translation unit (none without a top function: the testbench program then does not link)."""
    tb = tb_path.read_bytes()
    text = tb.decode(errors="replace")
    files = {"tb.cpp": tb, TB_WRAPPER: tb_wrapper_for(tb_path, text).encode()}
    top = top_of(tb_path.parent)
    if top is not None:
        files[HOST_FILE] = host_text(text, top).encode()
    for header in sorted(tb_path.parent.glob("*.h")):
        files[header.name] = header.read_bytes()
    return files


class _Cache:
    """Objects and build results under ``root`` (``tbobj/``, ``result/``), written atomically."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def _path(self, kind: str, key: str, suffix: str) -> Path | None:
        if self.root is None:
            return None
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def get_result(self, key: str) -> BuildResult | None:
        path = self._path("result", key, ".json")
        if path is None or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text())
            res = BuildResult(**data)
        except (OSError, ValueError, TypeError):
            return None
        res.cached = True
        return res

    def put_result(self, key: str, res: BuildResult) -> None:
        """Stores ``res`` unless it is an ``infra_error`` or a ``timeout``: a run (or compile) that
        ran out of time on a loaded machine must not become the answer's verdict for good, so a
        timeout is run again by the next evaluation (red team s15 rth item 7)."""
        path = self._path("result", key, ".json")
        if path is not None and res.status not in ("infra_error", "timeout"):
            atomic_write_bytes(path, json.dumps({**res.to_json(), "cached": False}).encode())

    def get_object(self, kind: str, key: str) -> bytes | None:
        """The object stored under ``key``, or None when there is none or it is not what was stored
        (its recorded sha256 differs: a truncated or changed file is built again, never used)."""
        path = self._path(kind, key, ".bin")
        if path is None:
            return None
        try:
            fd = safefs.open_regular(path)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            blob = fh.read()
        head, _, data = blob.partition(b"\n")
        if head != _OBJECT_MAGIC + hashlib.sha256(data).hexdigest().encode():
            if path.exists():
                log.warning("cached %s %s does not match its digest: built again", kind, path)
            return None
        return data

    def put_object(self, kind: str, key: str, src: Path) -> None:
        path = self._path(kind, key, ".bin")
        if path is not None:
            data = src.read_bytes()
            atomic_write_bytes(path, _OBJECT_MAGIC + hashlib.sha256(data).hexdigest().encode() + b"\n" + data)


def _build_folder(path: Path, files: Mapping[str, bytes]) -> Path:
    """A new folder at ``path`` holding only ``files``: whatever an earlier run left there (a file a
    kernel program wrote, a link, a folder) is removed first, never followed. Each build runs in a
    folder of its own, so no file written while a kernel ran is read by a later step (round 8:
    the ``plain`` run's kernel rewrote ``hweval_tb.cpp``, and the ``sanitize`` testbench program
    was compiled from it and cached)."""
    warmfiles.remove(path)
    safefs.make_folder(path)
    for name, data in files.items():
        safefs.write_file(path / name, data)
    return path


def _judge_home() -> Path:
    from harness.runner import cache_dir

    return cache_dir() / "hls"


def _trusted_parts(build: str, cmds: BuildCommands, workdir: Path, tb_key: str, cache: _Cache, runner: Runner
                   ) -> tuple[BuildResult | None, float]:
    """The testbench program and the host object, from the cache or built now (before any
    candidate code runs, so what goes to the cache is ours); a failure is the suite's
    ``infra_error``."""
    spent = 0.0
    for kind, name, steps, what in (
            ("tbexe", cmds.tb_program, (cmds.compile_tb, cmds.link_tb), "testbench program"),
            ("hostobj", cmds.host_object, (cmds.compile_host,), "kernel host")):
        cached = cache.get_object(kind, tb_key)
        if cached is not None:
            safefs.write_file(workdir / name, cached, 0o755)  # never through a link left in workdir
            continue
        for step in steps:
            res = runner(step, workdir, COMPILE_TIMEOUT_S, None)
            spent += res.wall_s
            if not res.ok:
                return BuildResult(build, "infra_error",
                                   f"{what} does not build: {compile_symptom(res.stderr)}", tail(res.stderr),
                                   spent), spent
        cache.put_object(kind, tb_key, workdir / name)
    return None, spent


def _run_build(build: str, workdir: Path, include: Path, cxx: str, timeout_s: float, tb_key: str,
               cache: _Cache, runner: Runner, pch: bool) -> BuildResult:
    pch_dir = ensure_pch(cache.root, build, include, cxx) if pch and cache.root is not None else None
    cmds = build_commands(build, include=include, cxx=cxx, pch_dir=pch_dir)
    failed, spent = _trusted_parts(build, cmds, workdir, tb_key, cache, runner)
    if failed is not None:
        return failed
    # the kernel compiles in a folder of its own holding only kernel.cpp and the kernel's headers:
    # no testbench source is there to #include (red team 8c: `#/**/include "tb.cpp"`, hidden
    # from the gate, compiled the testbench into the kernel as an oracle)
    source = workdir / KERNEL_SOURCE_DIR
    for step, cwd in ((cmds.compile_kernel, source), (cmds.link_kernel, workdir)):
        if step is cmds.link_kernel:
            safefs.copy_file(source / cmds.kernel_object, workdir / cmds.kernel_object, 0o644)
        res = runner(step, cwd, COMPILE_TIMEOUT_S, None)
        spent += res.wall_s
        if res.timed_out:
            return BuildResult(build, "timeout", f"compilation did not finish within {COMPILE_TIMEOUT_S:g}s", "", spent)
        if not res.ok:
            return BuildResult(build, "syntax_error", compile_symptom(res.stderr), tail(res.stderr), spent)
    # a new file, its mode set through its descriptor: a link at the name is removed, never followed
    safefs.copy_file(ensure_judge(cache.root or _judge_home(), cxx, compiler_version(cxx)), workdir / JUDGE_BINARY,
                     0o755)
    nonce = secrets.token_hex(16)
    env = dict(RUN_ENV[build])
    if build in FRESH_SEED_BUILDS:
        env[SEED_ENV] = str(secrets.randbelow(2**32))
    res = runner(cmds.run, workdir, timeout_s, env, (nonce + "\n").encode())
    spent += res.wall_s
    status, symptom = classify_run(res, timeout_s, nonce)
    if status == "fail":
        guard = next((ln.strip() for ln in res.stderr.splitlines() if ln.startswith(GUARD_MARKER + ":")), None)
        if guard is not None:  # the kernel program's report of a damaged guard band (kernel_link.host_text)
            status, symptom = "runtime_error", guard[len(GUARD_MARKER) + 1:].strip()[:300]
    return BuildResult(build, status, symptom, tail(res.stdout + "\n" + res.stderr), spent, timeout_s=timeout_s)


def csim(kernel_src: str, tb_path: Path, workdir: Path, *, include: Path | None = None, cache: Path | None = None,
         timeout_s: float = 10.0, builds: Sequence[str] = BUILDS, stop_on_failure: bool = False,
         cxx: str = "g++", runner: Runner | None = None, pch: bool = True) -> CsimResult:
    """Build ``kernel_src`` with the testbench at ``tb_path`` under each of ``builds`` and run it.

    ``workdir`` is a scratch folder (created); each build runs in a fresh folder under it,
    ``build-<name>``, holding only the testbench's files (see :func:`_build_folder`), and the kernel
compiles in its subfolder ``kernel-src`` beside the kernel's headers only. With
    ``stop_on_failure`` the remaining builds are skipped after the first that does not pass.
    ``pch`` uses precompiled ap headers kept in ``cache`` (only when a cache is given).
    """
    include = include or ap_include_dir()
    runner = runner or direct_runner
    store = _Cache(cache)
    workdir.mkdir(parents=True, exist_ok=True)
    files = _tb_files(tb_path)
    try:
        version, inc_fp = compiler_version(cxx), include_fingerprint(include)
    except (FileNotFoundError, OSError) as exc:
        return CsimResult({b: BuildResult(b, "infra_error", str(exc)) for b in builds}, tuple(builds))
    tb_blob = b"".join(n.encode() + b"\0" + d for n, d in sorted(files.items()))
    result = CsimResult(requested=tuple(builds))
    for build in builds:
        flags = " ".join([*COMMON_FLAGS, *BUILD_FLAGS[build], *link_flags(cxx)])  # the programs' link too
        tb_key = _digest(_CACHE_VERSION, code_digest(_FAMILY), "tb", tb_blob, flags, version, inc_fp)
        # the judge's source and flags too: a result made under another judge is not this one's; and
        # the time limit: a verdict is one of (answer, limit), so a pass measured under -S timeout=60
        # is never served under -S timeout=1 (red team s15 rth item 7)
        key = _digest(_CACHE_VERSION, "run", tb_key, kernel_src, judge_key(cxx, version), f"limit={timeout_s!r}")
        hit = store.get_result(key)
        if hit is not None and hit.status == "timeout":
            hit = None  # never stored since s15 (a loaded machine's timeout is not the answer's verdict)
        if hit is not None:
            log.debug("csim cache hit for %s build", build)
            res = hit
        else:
            try:
                folder = _build_folder(workdir / f"build-{build}", files)
                _build_folder(folder / KERNEL_SOURCE_DIR, {**{n: d for n, d in files.items() if n.endswith(".h")},
                                                           KERNEL_FILE: kernel_src.encode()})
                res = _run_build(build, folder, include, cxx, timeout_s, tb_key, store, runner, pch)
            except (OSError, CsimInfraError) as exc:
                res = BuildResult(build, "infra_error", f"{type(exc).__name__}: {exc}")
            store.put_result(key, res)
        result.builds[build] = res
        if stop_on_failure and res.status != "pass":
            break
    return result
