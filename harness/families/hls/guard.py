"""The integrity gate of a fixed kernel, before it is executed (``score.fix_at_exec``).

1. :func:`harness.families.hls.integrity.check_fix` and :func:`scan.check_text` on the text;
2. in the sandbox (through the same runner as the builds): ``g++ -c -save-temps`` of the fix
   with the plain build's flags and ``-Wcast-qual -Werror=cast-qual``, which keeps the
   preprocessed translation unit; a fix that fails only because of that flag (the same compile
   without it succeeds) breaks the ``cast`` rule: a cast that drops ``const``, whatever its
   spelling; :func:`scan.check_tokens` on the kernel's preprocessed lines and
   :func:`objcheck.check_object` on its object, against the original kernel and the testbench
   (our code, compiled here once and cached).

A fix that does not preprocess or compile is not rejected here: C-simulation then reports its
``syntax_error``. Verdicts are cached by content (the fix, the kernel folder, flags, compiler,
headers, and the source of the rule modules).
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

from harness.families.hls import integrity, objcheck, scan
from harness.families.hls.csim import (
    BUILD_FLAGS,
    COMMON_FLAGS,
    COMPILE_TIMEOUT_S,
    KERNEL_FILE,
    CsimInfraError,
    Runner,
    compiler_version,
    include_fingerprint,
)
from harness.families.hls.items import HlsItem
from harness.families.hls.verdict import TB_WRAPPER, tb_wrapper_for
from harness.proc import ProcResult

#: Reserved names an honest fix may use though its original does not (``assert`` expands to them).
ALLOWED_RESERVED = frozenset({"__assert_fail", "__PRETTY_FUNCTION__", "__extension__", "__func__",
                              "__ASSERT_FUNCTION"})
_FLAGS = (*COMMON_FLAGS, *BUILD_FLAGS["plain"])


class GuardInfraError(RuntimeError):
    """The gate could not run (a tool or the sandbox failed): an ``infra_error``."""


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def _rules_source() -> bytes:
    return b"".join(Path(str(m.__file__)).read_bytes() for m in (integrity, scan, objcheck)) + Path(__file__).read_bytes()


def _kernel_files(item: HlsItem) -> dict[str, bytes]:
    assert item.kernel_dir is not None
    return {h.name: h.read_bytes() for h in sorted(item.kernel_dir.glob("*.h"))}


def _reference(item: HlsItem, include: Path, cxx: str, cache: Path | None) -> dict[str, objcheck.ObjInfo]:
    """Object facts of the original kernel (``ref``) and of the testbench (``tb``), and the
    reserved names of the original's preprocessed lines (``reserved``, as its ``undefined``)."""
    assert item.kernel_dir is not None
    tb_src = (item.kernel_dir / "tb.cpp").read_bytes()
    wrapper = tb_wrapper_for(item.kernel_dir / "tb.cpp", tb_src.decode(errors="replace"))
    key = _digest("ref-4", item.original, tb_src, wrapper, *_kernel_files(item).values(), " ".join(_FLAGS),
                  compiler_version(cxx), include_fingerprint(include))

    def make() -> dict[str, objcheck.ObjInfo]:
        work = Path(tempfile.mkdtemp(prefix="hweval-hls-ref-"))
        try:
            for name, data in {**_kernel_files(item), "tb.cpp": tb_src}.items():
                (work / name).write_bytes(data)
            (work / TB_WRAPPER).write_text(wrapper)
            (work / KERNEL_FILE).write_text(item.original)
            inc = ["-I.", f"-I{include}"]
            ref = objcheck.compile_info([cxx, *_FLAGS, *inc, "-save-temps=obj", "-c", KERNEL_FILE, "-o", "kernel.o"],
                                        work, "kernel.o")
            tb = objcheck.compile_info([cxx, *_FLAGS, *inc, "-c", TB_WRAPPER, "-o", "tb.o"], work, "tb.o")
            reserved = sorted(scan.reserved_names(scan.kernel_lines((work / "kernel.ii").read_text(errors="replace"))))
            return {"ref": ref, "tb": tb, "reserved": objcheck.ObjInfo(undefined=reserved)}
        finally:
            shutil.rmtree(work, ignore_errors=True)

    try:
        return objcheck.cached_infos(cache, key, make)
    except OSError as exc:
        raise GuardInfraError(str(exc)) from exc


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


def _inspect_in_sandbox(fix: str, item: HlsItem, workdir: Path, runner: Runner, include: Path,
                        cxx: str) -> tuple[str, objcheck.ObjInfo] | str | None:
    """The fix's preprocessed kernel lines and object facts, the ``cast`` rule it breaks, or None
    when it does not compile."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name, data in _kernel_files(item).items():
        (workdir / name).write_bytes(data)
    (workdir / KERNEL_FILE).write_text(fix)
    base = [cxx, *_FLAGS, "-I.", f"-I{include}"]
    # one compile: -save-temps keeps the preprocessed translation unit (kernel.inspect.ii) too
    res = _run(runner, [*base, *CAST_QUAL_FLAGS, "-save-temps=obj", "-c", KERNEL_FILE, "-o", "kernel.inspect.o"],
               workdir)
    if not res.ok or not (workdir / "kernel.inspect.ii").is_file() or not (workdir / "kernel.inspect.o").is_file():
        return _cast_qual(res, runner, base, workdir) if not res.ok else None
    lines = scan.kernel_lines((workdir / "kernel.inspect.ii").read_text(errors="replace"))
    try:
        info = objcheck.read_object(workdir / "kernel.inspect.o")
    except OSError as exc:
        raise GuardInfraError(str(exc)) from exc
    finally:
        for name in ("kernel.inspect.ii", "kernel.inspect.s", "kernel.inspect.o"):
            (workdir / name).unlink(missing_ok=True)
    return lines, info


def check_fix_text(fix: str, original: str) -> str | None:
    """The text rules (no tools): the broken rule, or None."""
    return scan.check_text(fix, original) or integrity.check_fix(fix)


def inspect_fix(fix: str, item: HlsItem, workdir: Path, *, runner: Runner, include: Path, cxx: str = "g++",
                cache: Path | None = None) -> str | None:
    """The rule the compiled fix breaks, or None (see the module docstring). Raises
    GuardInfraError when a tool or the sandbox failed."""
    assert item.kernel_dir is not None
    key = _digest("guard-2", fix, item.original, (item.kernel_dir / "tb.cpp").read_bytes(),
                  *(_kernel_files(item).values()), _rules_source(),
                  " ".join(_FLAGS), compiler_version(cxx), include_fingerprint(include))
    path = cache / "guard" / key[:2] / f"{key}.json" if cache is not None else None
    if path is not None and path.is_file():
        return json.loads(path.read_text())["reason"]
    infos = _reference(item, include, cxx, cache)
    seen = _inspect_in_sandbox(fix, item, workdir, runner, include, cxx)
    reason = seen if isinstance(seen, str) else None
    if isinstance(seen, tuple):
        lines, info = seen
        allowed = set(infos["reserved"].undefined) | ALLOWED_RESERVED
        reason = scan.check_tokens(lines, allowed) or objcheck.check_object(
            info, infos["ref"], infos["tb"], objcheck.runtime_exports(cxx))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"reason": reason}))
    return reason
