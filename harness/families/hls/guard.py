"""The integrity gate of a fixed kernel, before it is executed (``score.fix_at_exec``).

1. :func:`harness.families.hls.integrity.check_fix` and :func:`scan.check_text` on the text;
2. in the sandbox (through the same runner as the builds), with the kernel compile command of
   every build exactly as C-simulation runs it (:func:`csim.build_commands`, with the
   precompiled-header include where csim uses one) and the same without that include:
   ``g++ -fpch-preprocess -E`` of the fix under each (:data:`PREPROCESS`), whose kernel lines must
   be identical (``build-dependent``:
   a fix whose text depends on the build, such as ``#ifdef __SANITIZE_ADDRESS__`` or
   ``#if __has_include("hweval_hls_pch.h")``, is rejected, so the one text checked is the text
   every build compiles); then ``g++ -c -save-temps`` of the fix with the plain build's exact
   command plus ``-Wcast-qual -Werror=cast-qual``: a fix that fails only because of that flag
   (the same compile without it succeeds) breaks the ``cast`` rule: a cast that drops
   ``const``, whatever its spelling; :func:`scan.check_tokens` on the kernel's preprocessed
   lines and :func:`objcheck.check_object` on its object, against the original kernel, the
   testbench and a probe of the HLS headers (our code, compiled with the same command here once
   and cached).

A fix that does not preprocess or compile under any build is not rejected here: C-simulation
then reports its ``syntax_error``; one that preprocesses under some builds only is
``build-dependent``, and one whose gate compile times out is rejected (``compile-time``).
Verdicts are cached by content (the fix, the kernel folder, the command lines, compiler,
headers, and the source of the rule modules).
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

from harness.cache import code_digest
from harness.families.hls import integrity, lexer, objcheck, scan
from harness.families.hls.csim import (
    BUILDS,
    COMPILE_TIMEOUT_S,
    KERNEL_FILE,
    CsimInfraError,
    Runner,
    build_commands,
    compiler_version,
    ensure_pch,
    include_fingerprint,
)
from harness.families.hls.items import HlsItem
from harness.families.hls.verdict import TB_WRAPPER, tb_wrapper_for
from harness.proc import ProcResult

#: Reserved names an honest fix may use though its original does not (``assert`` expands to them).
ALLOWED_RESERVED = frozenset({"__assert_fail", "__PRETTY_FUNCTION__", "__extension__", "__func__",
                              "__ASSERT_FUNCTION"})


#: The code that computes the cached reference facts (:func:`_reference`, :func:`_includes_init`,
#: :func:`_header_externals`): its digest is in their keys, so a change to it makes them anew.
FAMILY = Path(__file__).resolve().parent


class GuardInfraError(RuntimeError):
    """The gate could not run (a tool or the sandbox failed): an ``infra_error``."""


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def _rules_source() -> bytes:
    modules = (integrity, lexer, scan, objcheck)
    return b"".join(Path(str(m.__file__)).read_bytes() for m in modules) + Path(__file__).read_bytes()


def _kernel_files(item: HlsItem) -> dict[str, bytes]:
    assert item.kernel_dir is not None
    return {h.name: h.read_bytes() for h in sorted(item.kernel_dir.glob("*.h"))}


def compile_bases(include: Path, cxx: str, cache: Path | None) -> tuple[dict[str, list[str]], str]:
    """``({label: command}, label of the plain build)``: each build's kernel compile command as
    C-simulation runs it, without ``-c kernel.cpp -o <object>`` (with the precompiled-header
    include where csim uses one: a cache and a header that compiled; label ``<build>+pch``),
    and the plain build's command without that include (label ``plain``: csim's fallback when
    a header does not compile; a text that depends on the include differs there, and one that
    depends on the flags breaks :func:`scan.check_text` or differs between the builds)."""
    out: dict[str, list[str]] = {}
    plain = "plain"
    for build in BUILDS:
        pch_dir = ensure_pch(cache, build, include, cxx) if cache is not None else None
        for label, folder in ((f"{build}+pch", pch_dir), (build, None)):
            if (label.endswith("+pch") and folder is None) or (label == build != "plain" and pch_dir is not None):
                continue
            cmd = build_commands(build, include=include, cxx=cxx, pch_dir=folder).compile_kernel
            assert cmd[-4:-2] == ["-c", KERNEL_FILE], cmd
            out[label] = cmd[:-4]
            plain = label if build == "plain" and folder is not None else plain
    return out, plain


def _reference(item: HlsItem, base: list[str], cxx: str, include: Path, cache: Path | None
               ) -> dict[str, objcheck.ObjInfo]:
    """Object facts of the original kernel (``ref``) and of the testbench (``tb``), compiled with
    ``base`` (the plain build's command, as the fix is), and the reserved names of the
    original's preprocessed lines (``reserved``, as its ``undefined``)."""
    assert item.kernel_dir is not None
    tb_src = (item.kernel_dir / "tb.cpp").read_bytes()
    wrapper = tb_wrapper_for(item.kernel_dir / "tb.cpp", tb_src.decode(errors="replace"))
    key = _digest("ref-5", code_digest(FAMILY), item.original, tb_src, wrapper, *_kernel_files(item).values(),
                  " ".join(base),
                  compiler_version(cxx), include_fingerprint(include))

    def make() -> dict[str, objcheck.ObjInfo]:
        work = Path(tempfile.mkdtemp(prefix="hweval-hls-ref-"))
        try:
            for name, data in {**_kernel_files(item), "tb.cpp": tb_src}.items():
                (work / name).write_bytes(data)
            (work / TB_WRAPPER).write_text(wrapper)
            (work / KERNEL_FILE).write_text(item.original)
            ref = objcheck.compile_info([*base, "-save-temps=obj", "-c", KERNEL_FILE, "-o", "kernel.o"], work,
                                        "kernel.o")
            tb = objcheck.compile_info([*base, "-c", TB_WRAPPER, "-o", "tb.o"], work, "tb.o")
            reserved = sorted(scan.reserved_names(scan.kernel_lines((work / "kernel.ii").read_text(errors="replace"))))
            return {"ref": ref, "tb": tb, "reserved": objcheck.ObjInfo(undefined=reserved)}
        finally:
            shutil.rmtree(work, ignore_errors=True)

    try:
        return objcheck.cached_infos(cache, key, make)
    except OSError as exc:
        raise GuardInfraError(str(exc)) from exc


def _includes_init(item: HlsItem, base: list[str], cxx: str, include: Path, cache: Path | None) -> int:
    """The size of the static initialisation the original's ``#include`` lines alone make (honest10
    F3: a fix that makes a namespace-scope ``ap_uint`` constant ``constexpr`` or local keeps only its
    headers'); compiled (trusted text) only when a fix's differs from the original's."""
    assert item.kernel_dir is not None
    text = "".join(line + "\n" for line in item.original.splitlines() if line.strip().startswith("#include"))
    key = _digest("inc-1", code_digest(FAMILY), text, *_kernel_files(item).values(), " ".join(base),
                  compiler_version(cxx),
                  include_fingerprint(include))

    def make() -> dict[str, objcheck.ObjInfo]:
        work = Path(tempfile.mkdtemp(prefix="hweval-hls-inc-"))
        try:
            for name, data in _kernel_files(item).items():
                (work / name).write_bytes(data)
            (work / "includes.cpp").write_text(text)
            return {"includes": objcheck.compile_info([*base, "-c", "includes.cpp", "-o", "includes.o"], work,
                                                      "includes.o")}
        finally:
            shutil.rmtree(work, ignore_errors=True)

    try:
        return objcheck.cached_infos(cache, key, make)["includes"].init_size
    except OSError as exc:
        raise GuardInfraError(str(exc)) from exc


def header_key(base: list[str], cxx: str, include: Path) -> str:
    """The cache key of the header probe's facts: the probe, the command, the compiler, the headers
    and the code that reads them."""
    return _digest("hdr-2", code_digest(FAMILY), objcheck.HEADER_PROBE, objcheck.MEMBER_PROBE, " ".join(base),
                   compiler_version(cxx), include_fingerprint(include))


def _header_externals(base: list[str], cxx: str, include: Path, cache: Path | None) -> frozenset[str]:
    """What the HLS headers' own code can call (:func:`objcheck.header_externals`), once per
    command, compiler and header version."""
    try:
        return objcheck.header_externals(base, cache, header_key(base, cxx, include))
    except OSError as exc:
        raise GuardInfraError(str(exc)) from exc


#: How the gate preprocesses a fix: ``-fpch-preprocess`` (what ``-save-temps`` does under a
#: precompiled header) loads the precompiled ap headers' state and writes a ``#pragma`` in place
#: of their text, so a build's ``-E`` costs about 0.01 CPU-s instead of about 0.15 (preprocessing
#: the headers' text again); the kernel's own lines, which the rules read, are the same either way.
PREPROCESS = ("-fpch-preprocess", "-E")


#: What the compiler sees of a cast that drops ``const`` (``(T *)p``, ``T(p)`` through a typedef,
#: a using-alias, ``decltype`` or a template parameter): an error in the guard's compile.
CAST_QUAL_FLAGS = ("-Wcast-qual", "-Werror=cast-qual")
_CAST_QUAL = re.compile(r"^[^\n:]*kernel\.cpp:(\d+):\d+: error: (cast [^\n]*?casts away qualifiers)", re.MULTILINE)


def _run(runner: Runner, cmd: list[str], workdir: Path) -> ProcResult:
    try:
        return runner(cmd, workdir, COMPILE_TIMEOUT_S, None)
    except CsimInfraError as exc:
        raise GuardInfraError(str(exc)) from exc


def _cast_qual(res: ProcResult, runner: Runner, base: list[str], workdir: Path) -> str | None:
    """The ``cast`` rule when the compile failed only because a cast drops ``const``: the same
    compile without :data:`CAST_QUAL_FLAGS` succeeds (decided by exit codes, so a flood of
    other diagnostics cannot hide it)."""
    if res.timed_out or not _run(runner, [*base, "-fsyntax-only", KERNEL_FILE], workdir).ok:
        return None
    m = _CAST_QUAL.search(res.stderr)
    where = f" (line {m.group(1)}: {m.group(2)[:160]})" if m else ""
    return f"cast: a cast removes `const` (it can write through a const input){where}"


def _same_text(bases: dict[str, list[str]], plain: str, lines: str | None, runner: Runner,
               workdir: Path) -> str | None:
    """The ``build-dependent`` rule: the kernel's preprocessed lines under every command in
    ``bases`` are those of ``plain`` (``lines``: None when it did not preprocess)."""
    for label, base in bases.items():
        if label == plain:
            continue
        out = f"kernel.{label.replace('+', '-')}.ii"
        res = _run(runner, [*base, *PREPROCESS, KERNEL_FILE, "-o", out], workdir)
        theirs = scan.kernel_lines((workdir / out).read_text(errors="replace")) \
            if res.ok and (workdir / out).is_file() else None
        (workdir / out).unlink(missing_ok=True)
        if res.timed_out:
            return f"compile-time: the fix did not preprocess within {COMPILE_TIMEOUT_S:g}s ({label} build)"
        if theirs != lines:
            return _differs(label, plain, lines, theirs)
    return None


def _differs(label: str, plain: str, ours: str | None, theirs: str | None) -> str:
    where = ""
    if ours is not None and theirs is not None:
        a, b = ours.split("\n"), theirs.split("\n")
        n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        where = f" (first difference in preprocessed line {n + 1})"
    what = "preprocesses differently" if theirs is not None else "does not preprocess"
    return (f"build-dependent: the fix {what} under the {_named(label)} than under the {_named(plain)}"
            f"{where}; every build must compile the same kernel text (no conditional on build flags, "
            "predefined macros or the harness's headers)")


def _named(label: str) -> str:
    build, _, pch = label.partition("+")
    return f"{build} build ({'with' if pch else 'without'} the harness's precompiled-header include)"


def _inspect_in_sandbox(fix: str, item: HlsItem, workdir: Path, runner: Runner, bases: dict[str, list[str]],
                        plain: str) -> tuple[str, objcheck.ObjInfo] | str | None:
    """The fix's preprocessed kernel lines and object facts, the rule it breaks (``cast``,
    ``build-dependent``, ``compile-time``), or None when it does not compile."""
    base = bases[plain]
    res = _run(runner, [*base, *CAST_QUAL_FLAGS, "-save-temps=obj", "-c", KERNEL_FILE, "-o", "kernel.inspect.o"],
               workdir)
    ii, obj = workdir / "kernel.inspect.ii", workdir / "kernel.inspect.o"
    lines = scan.kernel_lines(ii.read_text(errors="replace")) if ii.is_file() else None
    try:
        if res.timed_out:
            return f"compile-time: the fix did not compile within {COMPILE_TIMEOUT_S:g}s in the integrity gate"
        if not res.ok:
            cast = _cast_qual(res, runner, base, workdir)
            if cast:
                return cast
            pre = _run(runner, [*base, *PREPROCESS, KERNEL_FILE, "-o", "kernel.inspect.ii"], workdir)
            lines = scan.kernel_lines(ii.read_text(errors="replace")) if pre.ok and ii.is_file() else None
        differs = _same_text(bases, plain, lines, runner, workdir)
        if differs or not res.ok or lines is None or not obj.is_file():
            return differs
        return lines, objcheck.read_object(obj)
    except OSError as exc:
        raise GuardInfraError(str(exc)) from exc
    finally:
        for name in ("kernel.inspect.ii", "kernel.inspect.s", "kernel.inspect.o"):
            (workdir / name).unlink(missing_ok=True)


def check_fix_text(fix: str, original: str) -> str | None:
    """The text rules (no tools): the broken rule, or None."""
    return scan.check_text(fix, original) or integrity.check_fix(fix) or scan.check_raw_strings(fix)


def inspect_fix(fix: str, item: HlsItem, workdir: Path, *, runner: Runner, include: Path, cxx: str = "g++",
                cache: Path | None = None) -> str | None:
    """The rule the compiled fix breaks, or None (see the module docstring). Raises
    GuardInfraError when a tool or the sandbox failed."""
    assert item.kernel_dir is not None
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        bases, plain = compile_bases(include, cxx, cache)
    except OSError as exc:
        raise GuardInfraError(str(exc)) from exc
    key = _digest("guard-3", fix, item.original, (item.kernel_dir / "tb.cpp").read_bytes(),
                  *(_kernel_files(item).values()), _rules_source(), json.dumps(bases),
                  compiler_version(cxx), include_fingerprint(include))
    path = cache / "guard" / key[:2] / f"{key}.json" if cache is not None else None
    if path is not None and path.is_file():
        return json.loads(path.read_text())["reason"]
    infos = _reference(item, bases[plain], cxx, include, cache)
    for name, data in _kernel_files(item).items():
        (workdir / name).write_bytes(data)
    (workdir / KERNEL_FILE).write_text(fix)
    seen = _inspect_in_sandbox(fix, item, workdir, runner, bases, plain)
    reason = seen if isinstance(seen, str) else None
    if isinstance(seen, tuple):
        lines, info = seen
        allowed = set(infos["reserved"].undefined) | ALLOWED_RESERVED
        reason = scan.check_tokens(lines, allowed) or objcheck.check_object(
            info, infos["ref"], infos["tb"], objcheck.runtime_exports(cxx),
            _header_externals(bases[plain], cxx, include, cache),
            header_init=None if info.init_size == infos["ref"].init_size
            else _includes_init(item, bases[plain], cxx, include, cache))
    if path is not None and not (reason or "").startswith("compile-time"):  # a slow machine may finish next time
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"reason": reason}))
    return reason
