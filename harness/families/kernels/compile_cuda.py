"""Compile a CUDA answer's ``load_inline`` sources without a GPU, the way load_inline would.

* cuda part: ``nvcc -c`` of ``torch/types.h + cuda.h + cuda_runtime.h + cuda_sources`` with
  torch's include paths and nvcc flags;
* cpp part: ``g++ -fsyntax-only`` of ``torch/extension.h + cpp_sources + PYBIND11_MODULE``.

Both run concurrently, each in its own sandboxed scratch folder (a :class:`Runner`; the
candidate's sources are untrusted input to the compilers); results are cached by content hash (``HWEVAL_CACHE_DIR``, default
``~/.cache/hweval``; ``HWEVAL_NVCC_CACHE=0`` disables). :func:`compile_batch` builds many answers
in one translation unit per part (one namespace each) so that CI checks every golden cheaply.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.cache import JsonCache, key_of
from harness.families.kernels.runner import Runner, as_runner
from harness.families.kernels.static.cppunits import SAFE_FLAG
from harness.families.kernels.static.cuda import InlineExtension
from harness.proc import tail
from harness.sandbox.base import ExecResult

log = logging.getLogger(__name__)

NVCC_BASE = ["-D__CUDA_NO_HALF_OPERATORS__", "-D__CUDA_NO_HALF_CONVERSIONS__",
             "-D__CUDA_NO_BFLOAT16_CONVERSIONS__", "-D__CUDA_NO_HALF2_OPERATORS__",
             "--expt-relaxed-constexpr", "--compiler-options", "-fPIC", "-std=c++20"]
_SAFE_FLAG = SAFE_FLAG  # the static check rejects any other flag (the GPU run's load_inline would use it)


@dataclass
class CudaBuild:
    ok: bool | None  # None: not run (no nvcc, or sources not statically resolvable)
    log: str = ""
    seconds: float = 0.0
    cached: bool = False
    ignored_flags: list[str] = field(default_factory=list)
    infra: bool = False  # the sandbox itself failed
    timed_out: bool = False  # the compiler ran past its limit (a timeout verdict, not a compile error)

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "log": tail(self.log, 6000), "seconds": round(self.seconds, 2),
                "cached": self.cached, "ignored_flags": self.ignored_flags}


def nvcc_path() -> str | None:
    return os.environ.get("HWEVAL_NVCC") or shutil.which("nvcc")


def _includes() -> list[str]:
    from torch.utils.cpp_extension import include_paths

    return [*include_paths(), sysconfig.get_paths()["include"]]


#: a compiler's "header not found" line: the including file, and the header it names
_MISSING = re.compile(r"^(/[^:\n]+):\d+(?::\d+)?: fatal error: ([\w./+-]+): No such file or directory", re.M)
#: one file of an "In file included from A:5,\n                 from B:7:" chain (innermost first)
_INCLUDED = re.compile(r"^(?:In file included from|\s+from) (/[^:\n]+):\d+[,:]$", re.M)
#: The toolchain headers an answer may include for which a missing dependency is this machine's
#: gap: the headers of an ordinary torch CUDA extension, by name (torch's entry headers, the CUDA
#: stream, guard, context and error helpers). A gap behind any other header the answer chose
#: (``<ATen/cudnn/Handle.h>`` needs cudnn.h, ``<c10/util/Semaphore.h>`` a queue torch does not ship,
#: ``<c10/cuda/driver_api.h>`` nvml.h) is its compile error: no problem needs it, and an answer must
#: not turn its own wrong code into an excluded infra_error by picking it (red team 12 R1, R1b).
ANSWER_HEADERS = re.compile(r"torch/(?:extension|types|torch|all|library)\.h|ATen/(?:ATen|Dispatch)\.h"
                            r"|ATen/cuda/(?:CUDAContext|CUDAContextLight|Exceptions|CUDAEvent|CUDAUtils)\.h"
                            r"|c10/cuda/(?:CUDAGuard|CUDAStream|CUDAException|CUDAFunctions|CUDAMacros)\.h")
#: macros an answer's flags may define or undefine and still have a toolchain gap counted as the
#: machine's (the half/bfloat16 switches torch's own build sets); any other ``-D``/``-U`` may steer
#: the toolchain's headers into a library this machine lacks (``-DUSE_ROCM``): the answer's error
GAP_MACROS = frozenset({"NDEBUG", "__CUDA_NO_HALF_OPERATORS__", "__CUDA_NO_HALF_CONVERSIONS__",
                        "__CUDA_NO_BFLOAT16_CONVERSIONS__", "__CUDA_NO_HALF2_OPERATORS__",
                        "__CUDA_NO_BFLOAT16_OPERATORS__"})


def _answer_include(log: str, at: int, roots: list[Path]) -> str | None:
    """The header (relative to its include root) through which the answer's source reached the
    fatal error at offset ``at``: the outermost toolchain file of the include chain printed just
    before it (gcc and nvcc print ``In file included from A:5,`` then ``from B:7:`` lines, innermost
    first); None when there is no chain (the answer included the missing header itself)."""
    head = log.rfind("In file included from ", 0, at)
    if head < 0:
        return None
    block = log[head:at]
    files = [m.group(1) for m in _INCLUDED.finditer(block)]
    if len(files) != block.count("\n"):  # not one unbroken chain ending at the error
        return None
    for path in reversed(files):  # outermost first
        resolved = Path(path).resolve()
        for root in roots:
            if resolved.is_relative_to(root):
                return str(resolved.relative_to(root))
    return None


_DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*(define|undef|include)\b", re.M)


def steers_headers(source: str) -> bool:
    """Whether ``source`` defines or undefines a macro before one of its ``#include`` lines, which can
    steer the toolchain's headers (``#define C10_USE_GLOG 1`` before ``<torch/extension.h>``)."""
    seen_define = False
    for m in _DIRECTIVE.finditer(source):
        if m.group(1) == "include" and seen_define:
            return True
        seen_define = seen_define or m.group(1) != "include"
    return False


def toolchain_gap(log: str, flags: list[str] | tuple[str, ...] = (), sources: tuple[str, ...] = ()) -> str | None:
    """Why a failed build says nothing about the answer: a header missing from this machine's
    toolchain, included by a toolchain header (in torch's include folders, as nvcc is given them) that
    the answer may include (:data:`ANSWER_HEADERS`), not by the answer itself. Example:
    ``<ATen/cuda/CUDAContext.h>`` includes ``<cusparse.h>``, which a CUDA install without the cuSPARSE
    headers lacks (honest answers round 8, F1). An answer's own include of a missing header, or of a
    toolchain header outside the list whose dependency is missing, or a gap under macros the answer's
    ``flags`` set beyond :data:`GAP_MACROS` or that its ``sources`` define before an ``#include``
    (red team 12 B3), stays the answer's compile error."""
    if any(re.match(r"-[DU]", f) and re.sub(r"^-[DU]|=.*$", "", f) not in GAP_MACROS for f in flags) \
            or any(steers_headers(src) for src in sources):
        return None
    roots = [Path(p).resolve() for p in _includes()]
    for m in _MISSING.finditer(log):
        includer, header = m.group(1), m.group(2)
        path = Path(includer).resolve()
        if not any(path.is_relative_to(root) for root in roots):
            continue
        entry = _answer_include(log, m.start(), roots) or next(
            str(path.relative_to(root)) for root in roots if path.is_relative_to(root))
        if ANSWER_HEADERS.fullmatch(entry):
            return (f"toolchain: {path.name} (a header of the toolchain, not of the answer) includes <{header}>, "
                    f"which this machine's CUDA/torch install lacks; install it to compile such answers")
    return None


def _safe(flags: list[str]) -> tuple[list[str], list[str]]:
    """(the flags the build uses, those it leaves out: unsafe ones, and architecture flags, since
    the build names its own ``-arch``)."""
    ok = [f for f in flags if _SAFE_FLAG.match(f)]
    return ok, [f for f in flags if not _SAFE_FLAG.match(f)]


def cuda_unit(ext: InlineExtension) -> str:
    head = "" if ext.no_implicit_headers else "#include <torch/types.h>\n#include <cuda.h>\n#include <cuda_runtime.h>\n"
    return head + "\n".join(ext.cuda_sources or [])


def cpp_unit(ext: InlineExtension) -> str:
    head = "" if ext.no_implicit_headers else "#include <torch/extension.h>\n"
    body = "\n".join(ext.cpp_sources or [])
    defs = "".join(f'  m.def("{f}", torch::wrap_pybind_function({f}), "{f}");\n' for f in ext.functions or [])
    module = f"PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {{\n{defs}}}\n" if ext.functions else ""
    return f"{head}{body}\n{module}"


def commands(workdir: Path, name: str, *, arch: str, cuda_flags: list[str], cxx_flags: list[str],
             cpp_dir: Path | None = None) -> tuple[list[str], list[str]]:
    """The nvcc and g++ argument vectors for ``<workdir>/<name>.cu`` and ``<cpp_dir>/<name>.cpp``
    (``cpp_dir`` defaults to ``workdir``); each runs in the folder holding its source."""
    cpp_dir = cpp_dir or workdir
    inc = [f for p in _includes() for f in ("-isystem", p)]
    defs = [f"-DTORCH_EXTENSION_NAME={re.sub(r'[^A-Za-z0-9_]', '_', name) or 'ext'}",
            "-DTORCH_API_INCLUDE_EXTENSION_H"]
    nvcc = [nvcc_path() or "nvcc", "-c", str(workdir / f"{name}.cu"), "-o", str(workdir / f"{name}.o"),
            f"-arch=sm_{arch}", *defs, *inc, *NVCC_BASE, *cuda_flags]
    gxx = [os.environ.get("CXX", "g++"), "-fsyntax-only", "-std=c++20", "-fPIC", *defs, *inc,
           *cxx_flags, str(cpp_dir / f"{name}.cpp")]
    return nvcc, gxx


def _cache_dir() -> Path | None:
    if os.environ.get("HWEVAL_NVCC_CACHE", "1") == "0":
        return None
    root = os.environ.get("HWEVAL_CACHE_DIR") or os.environ.get("HWEVAL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "hweval")
    return Path(root) / "kernels_cuda_build"


def _tool_version() -> str:
    try:
        out = subprocess.run([nvcc_path() or "nvcc", "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _cxx_version() -> str:
    try:
        out = subprocess.run([os.environ.get("CXX", "g++"), "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.split("\n", 1)[0]
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _build(workdir: Path, name: str, cu: str, cpp: str, *, arch: str, cuda_flags: list[str],
           cxx_flags: list[str], timeout_s: float, runner: Runner, use_cache: bool = True) -> CudaBuild:
    if nvcc_path() is None:
        return CudaBuild(None, "nvcc not found")
    run = as_runner(runner, gpu=False)
    nv_dir, gx_dir = workdir / "nvcc", workdir / "gxx"
    nv_dir.mkdir(parents=True, exist_ok=True)
    gx_dir.mkdir(parents=True, exist_ok=True)
    nvcc, gxx = commands(nv_dir, name, arch=arch, cuda_flags=cuda_flags, cxx_flags=cxx_flags, cpp_dir=gx_dir)
    # everything the two command lines and their compilers depend on (the scratch paths aside),
    # and the sandbox kind they run in (a container brings its own compilers)
    sandbox = getattr(getattr(run, "sandbox", None), "name", type(run).__name__)
    key = key_of(cu, cpp, name, arch, NVCC_BASE, cuda_flags, cxx_flags, _tool_version(), _includes(),
                 os.environ.get("CXX", "g++"), _cxx_version(), sandbox)
    root = _cache_dir()
    cache = JsonCache(root, label="nvcc build cache", flat=True) if root and use_cache else None
    data = cache.get(key) if cache else None
    if isinstance(data, dict) and isinstance(data.get("ok"), bool) and isinstance(data.get("log"), str) \
            and (data["ok"] or not toolchain_gap(data["log"], [*cuda_flags, *cxx_flags], (cu, cpp))):  # a toolchain gap is never a cached verdict
        return CudaBuild(data["ok"], data["log"], 0.0, cached=True)
    (nv_dir / f"{name}.cu").write_text(cu)
    (gx_dir / f"{name}.cpp").write_text(cpp)
    start = time.monotonic()
    results: dict[str, ExecResult] = {}
    path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")

    def go(tag: str, cmd: list[str], cwd: Path) -> None:
        # nvcc's intermediates stay in the scratch folder
        results[tag] = run(cmd, workdir=cwd, env={"PATH": path, "TMPDIR": str(cwd)}, timeout_s=timeout_s)

    threads = [threading.Thread(target=go, args=(t, c, d))
               for t, c, d in (("nvcc", nvcc, nv_dir), ("g++", gxx, gx_dir))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    infra = [f"{tag}: {r.infra_error}" for tag, r in results.items() if r.infra_error]
    if infra:  # the sandbox failed: not a verdict on the code, and never cached
        return CudaBuild(None, "sandbox failure: " + "; ".join(infra), time.monotonic() - start, infra=True)
    logs, ok = [], True
    for tag in ("nvcc", "g++"):
        r = results[tag]
        if r.timed_out:
            return CudaBuild(False, f"{tag} timed out after {timeout_s}s", time.monotonic() - start,
                             timed_out=True)
        if r.returncode != 0:
            ok = False
            logs.append(f"== {tag} (exit {r.returncode}) ==\n{tail(r.stderr + r.stdout, 8000)}")
    build = CudaBuild(ok, "\n".join(logs), time.monotonic() - start)
    gap = toolchain_gap(build.log, [*cuda_flags, *cxx_flags], (cu, cpp)) if not ok else None
    if gap:  # the machine's toolchain is incomplete: not a verdict on the code, and never cached
        return CudaBuild(None, gap + "\n" + build.log, build.seconds, infra=True)
    if cache is not None:
        cache.put(key, {"ok": build.ok, "log": build.log})
    return build


def compile_extension(ext: InlineExtension, workdir: Path, *, timeout_s: float = 600.0,
                      arch: str = "90", runner: Runner) -> CudaBuild:
    """Compile one answer's extension (cuda part with nvcc, cpp part syntax-checked with g++)."""
    if not ext.resolved:
        return CudaBuild(None, f"load_inline arguments not statically resolvable: {ext.unresolved}")
    cuda_flags, ignored_c = _safe(ext.extra_cuda_cflags)
    cxx_flags, ignored_x = _safe(ext.extra_cflags)
    build = _build(workdir, "candidate_ext", cuda_unit(ext), cpp_unit(ext), arch=arch,
                   cuda_flags=cuda_flags, cxx_flags=cxx_flags, timeout_s=timeout_s, runner=runner)
    build.ignored_flags = ignored_c + ignored_x
    return build


def _namespaced(tag: str, sources: list[str]) -> tuple[list[str], str]:
    includes: list[str] = []
    body: list[str] = []
    for line in "\n".join(sources).splitlines():
        (includes if line.lstrip().startswith(("#include", "#pragma once")) else body).append(line)
    return includes, f"namespace hw_{tag} {{\n" + "\n".join(body) + f"\n}}  // namespace hw_{tag}\n"


def compile_batch(exts: list[tuple[str, InlineExtension]], workdir: Path, *, timeout_s: float = 1200.0,
                  arch: str = "90", runner: Runner) -> CudaBuild:
    """Compile many extensions in one nvcc and one g++ run (each in ``namespace hw_<tag>``).

    Each ``functions`` entry is checked by taking its address. Extra flags are ignored here.
    """
    cu_inc, cu_body, cpp_inc, cpp_body, checks = [], [], [], [], []
    for tag, ext in exts:
        if not ext.resolved:
            return CudaBuild(False, f"{tag}: load_inline arguments not statically resolvable")
        inc, body = _namespaced(tag, ext.cuda_sources or [])
        cu_inc += inc
        cu_body.append(body)
        inc, body = _namespaced(tag, ext.cpp_sources or [])
        cpp_inc += inc
        cpp_body.append(body)
        checks += [f"[[maybe_unused]] static auto* hw_chk_{tag}_{i} = &hw_{tag}::{f};"
                   for i, f in enumerate(ext.functions or [])]
    head = "#include <torch/types.h>\n#include <cuda.h>\n#include <cuda_runtime.h>\n"
    cu = head + "\n".join(dict.fromkeys(cu_inc)) + "\n" + "\n".join(cu_body)
    cpp = ("#include <torch/extension.h>\n" + "\n".join(dict.fromkeys(cpp_inc)) + "\n"
           + "\n".join(cpp_body) + "\n" + "\n".join(checks) + "\n")
    return _build(workdir, "batch_ext", cu, cpp, arch=arch, cuda_flags=[], cxx_flags=[], timeout_s=timeout_s,
                  runner=runner)


#: the smallest honest extension: what every CUDA answer's build costs (torch's headers), nothing more
PROBE_SOURCE = """__global__ void hweval_probe_kernel(float* y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = 0.0f;
}
torch::Tensor hweval_probe(torch::Tensor x) {
    auto y = torch::empty_like(x);
    long long n = y.numel();
    if (n > 0) hweval_probe_kernel<<<(unsigned int)((n + 255) / 256), 256>>>(y.data_ptr<float>(), n);
    return y;
}
"""


#: an answer's build past its limit is the answer's ``timeout`` only when the minimal extension, built
#: right after it, takes at most this share of the limit (the answer then took over three times as long)
PROBE_SHARE = 1 / 3


def machine_too_slow(workdir: Path, *, timeout_s: float, arch: str, runner: Runner) -> CudaBuild | None:
    """After an answer's build ran past ``timeout_s``: the probe extension's build under the same
    limit when it runs past it too (the machine, not the answer, is slow: honest answers round 8
    F4, nvcc spent its 300 s in torch's headers on a loaded host) or takes more than
    :data:`PROBE_SHARE` of it (honest round 11 F6: an answer's build ran past 900 s while others built
    beside it, and the probe, built afterwards, took 520 s: the machine was too loaded to tell a heavy
    answer from a slow machine), else None (the timeout is the answer's: it compiles over three times
    slower than the smallest extension on this machine now)."""
    from harness.families.kernels.static.cuda import InlineExtension

    probe = InlineExtension(line=0, name="hweval_probe", cpp_sources=["torch::Tensor hweval_probe(torch::Tensor x);"],
                            cuda_sources=[PROBE_SOURCE], functions=["hweval_probe"])
    build = _build(workdir, "hweval_probe", cuda_unit(probe), cpp_unit(probe), arch=arch, cuda_flags=[], cxx_flags=[],
                   timeout_s=timeout_s, runner=runner, use_cache=False)  # timed now, never from the cache
    return build if build.timed_out or build.infra or build.seconds > PROBE_SHARE * timeout_s else None
