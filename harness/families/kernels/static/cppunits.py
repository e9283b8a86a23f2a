"""The C++/CUDA translation units of a ``load_inline`` answer as the compilers see them.

Red team 6 S9: code under ``#ifdef __CUDACC__`` (which nvcc defines and the old ``cpp -undef``
pass did not), or under a macro the answer passed as ``-D`` in its flags, never appeared in the
expansion the rules read. Here each unit is preprocessed the way its build does it:

* the ``cuda_sources`` unit twice, as nvcc's host pass (``__CUDACC__``, ``__NVCC__``, torch's
  ``-D`` flags) and device pass (the same plus ``__CUDA_ARCH__``); the ``cpp_sources`` unit once,
  as g++ (none of these); each with the answer's own ``-D``/``-U`` flags for that unit and its
  ``-std`` (default ``c++20``, as torch's ``load_inline``); ``#include`` lines are dropped (system
  headers only, see below); a unit the preprocessor rejects is rejected;
* what the harness cannot model is refused (:func:`directive_problems`): a conditional
  (``#if``/``#ifdef``/``#elif`` ...) may test only the macros modelled above and macros the answer
  itself defines unconditionally before the test (never ``#undef``'d, no ``#include`` after the
  definition, no ``#``/``##`` in their bodies, transitively): not a header's or the compiler's
  (``CUDA_VERSION``, ``__GNUC__``, ``__CUDACC_VER_MAJOR__``), not ``__LINE__``/``__COUNTER__``, not
  ``__has_include``. ``#include`` names a system header ``<a/b.h>`` (no quotes, macros, ``..`` or
  absolute paths: the build folder holds the other unit); directives are those of plain C++.
* the flags (:func:`flag_problems`): only those of :data:`SAFE_FLAG` (no ``-include``,
  ``-Xcompiler``, ``-I`` ...), no ``-D``/``-U`` of reserved names, ``-std`` C++17 or later; and
  ``load_inline`` takes no other build arguments (``extra_ldflags``, ``extra_include_paths`` ...).
"""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterable

from harness.families.kernels.static.cpplex import logical_lines
from harness.proc import run_process

#: flags an answer may pass in ``extra_cflags``/``extra_cuda_cflags`` (the compile stage builds
#: with these; any other is rejected, since the GPU run's ``load_inline`` would use it)
SAFE_FLAG = re.compile(r"^(-O[0-3s]|-DNDEBUG|-D[A-Za-z_]\w*(=[\w.]*)?|-U[A-Za-z_]\w*|--?use_fast_math|"
                       r"-lineinfo|--expt-relaxed-constexpr|--expt-extended-lambda|--extended-lambda|-std=c\+\+\d\d|"
                       r"-maxrregcount=\d+|-Xptxas=[-\w,=]+|--ftz=(true|false)|--prec-div=(true|false)|"
                       r"--prec-sqrt=(true|false)|--fmad=(true|false)|-w|-Wall|"
                       # honest round 14: nvcc's single-dash and long spellings, host optimisation flags (a
                       # macro they predefine, __FAST_MATH__, __AVX2__, is no modelled one: a conditional on it
                       # is refused by :func:`directive_problems`)
                       r"-ftz=(true|false)|-?-restrict|--ptxas-options=[-\w,=]+|-res-usage|--resource-usage|"
                       r"-ffast-math|-funroll-loops|-march=native|-g0|-Xcompiler=-O[0-3])\Z")
#: architecture flags naming the architecture the device pass models (``__CUDA_ARCH__`` 900, honest
#: round 9 F8: the prompt allows architecture flags); the harness's compile sets its own instead
ARCH_FLAG = re.compile(r"^(?:(?:-arch|--gpu-architecture)=(?:sm|compute)_90a?|-gencode=arch=compute_90a?,"
                       r"code=(?:sm|compute)_90a?)\Z")
_OLD_STD = re.compile(r"^-std=c\+\+(98|03|0x|11|14|1y)$")
_RESERVED = re.compile(r"^-[DU](__|_[A-Z])")
#: torch's own half/bfloat16 switches an answer may undefine (honest round 11 O9): ``-U`` after
#: torch's ``-D`` in the same order in the build and in the preprocessing model (:func:`pass_flags`)
_UNDEF_OK = re.compile(r"^-U__CUDA_NO_(?:HALF|HALF2|BFLOAT16)_(?:OPERATORS|CONVERSIONS)__$")
#: ``-Xptxas`` as its own item: the next item is its argument, an optimisation level only
_PTXAS = frozenset({"-Xptxas", "--ptxas-options", "-Xcompiler", "--compiler-options"})
#: ``load_inline`` arguments the checker reads; any other changes the build it cannot see
BUILD_ARGS = frozenset({"name", "cpp_sources", "cuda_sources", "functions", "extra_cflags", "extra_cuda_cflags",
                        "verbose", "no_implicit_headers", "with_cuda"})
#: torch's own ``-D`` flags (``load_inline``'s common flags and ``COMMON_NVCC_FLAGS``)
TORCH_DEFINES = ("-DTORCH_API_INCLUDE_EXTENSION_H",)
NVCC_DEFINES = ("-D__CUDACC__", "-D__NVCC__", "-D__CUDA_NO_HALF_OPERATORS__", "-D__CUDA_NO_HALF_CONVERSIONS__",
                "-D__CUDA_NO_BFLOAT16_CONVERSIONS__", "-D__CUDA_NO_HALF2_OPERATORS__")
DEVICE_ARCH = "900"
#: macros whose state in each pass is modelled exactly (defined as above, or never defined there)
MODELLED = frozenset({"__CUDACC__", "__NVCC__", "__CUDA_ARCH__", "__CUDACC_RTC__", "__cplusplus",
                      "TORCH_EXTENSION_NAME", "TORCH_API_INCLUDE_EXTENSION_H", "__CUDA_NO_HALF_OPERATORS__",
                      "__CUDA_NO_HALF_CONVERSIONS__", "__CUDA_NO_BFLOAT16_CONVERSIONS__",
                      "__CUDA_NO_HALF2_OPERATORS__"})
_DIRECTIVE = re.compile(r"^\s*(?:#|%:)\s*([A-Za-z_]\w*)?(.*)$")
_ALLOWED_DIRECTIVES = frozenset({"define", "undef", "include", "if", "ifdef", "ifndef", "elif", "elifdef",
                                 "elifndef", "else", "endif", "pragma", "error", "warning", "line", None})
_HEADER = re.compile(r"\s*<([A-Za-z0-9_+\-][A-Za-z0-9_./+\-]*)>\s*")
_TOKEN = re.compile(r"\.?\d[\w.']*|[A-Za-z_$][\w$]*|%:%:|%:|##|#|.", re.S)
_DEFINE = re.compile(r"\s*([A-Za-z_$][\w$]*)(\(([^)]*)\))?(.*)$", re.S)
_CAP = 4 << 20


def flag_problems(flags: Iterable[str], args: Iterable[str]) -> list[str]:
    """Flags and ``load_inline`` arguments the checker cannot follow."""
    bad = [f"load_inline({a}=...)" for a in args if a not in BUILD_ARGS]
    flags = list(flags)
    for i, f in enumerate(flags):
        if ARCH_FLAG.match(f) or _UNDEF_OK.match(f):
            continue
        if f in _PTXAS:
            if i + 1 >= len(flags) or not re.fullmatch(r"-O[0-3]", flags[i + 1]):
                bad.append(f"flag {f!r} not followed by an optimisation level -O0..-O3")
            continue
        if not SAFE_FLAG.match(f):
            bad.append(f"flag {f[:40]!r} (not on the allowlist)")
        elif _RESERVED.match(f):
            bad.append(f"flag {f[:40]!r} (a reserved macro name)")
        elif _OLD_STD.match(f):
            bad.append(f"flag {f!r} (C++17 or later: older standards have trigraphs)")
    return bad


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if not t.isspace()]


def _idents(tokens: list[str]) -> list[str]:
    return [t for t in tokens if re.fullmatch(r"[A-Za-z_$][\w$]*", t)]


class _Macro:
    def __init__(self, line: int, conditional: bool, params: list[str] | None, body: list[str]) -> None:
        self.line, self.conditional, self.params, self.body = line, conditional, params, body


def _scan(text: str) -> tuple[list[str], dict[str, list[_Macro]], set[str], list[int], list[tuple[int, list[str]]]]:
    """(bad directives, macros, undef'd names, #include lines, conditionals with their names)."""
    bad: list[str] = []
    macros: dict[str, list[_Macro]] = {}
    undefs: set[str] = set()
    includes: list[int] = []
    conds: list[tuple[int, list[str]]] = []
    depth = 0
    for n, line in enumerate(logical_lines(text)):
        m = _DIRECTIVE.match(line)
        if m is None:
            continue
        name, rest = m.group(1), m.group(2)
        if name not in _ALLOWED_DIRECTIVES:
            bad.append(f"#{name} (not a plain C++ directive)")
        elif name == "include":
            hm = _HEADER.fullmatch(rest)
            if hm is None or ".." in hm.group(1).split("/"):
                bad.append(f"#include{rest[:40]} (only a system header <dir/name.h>)")
            includes.append(n)
        elif name == "define":
            dm = _DEFINE.match(rest)
            if dm:
                params = None if dm.group(2) is None else [p.strip() for p in dm.group(3).split(",")]
                macros.setdefault(dm.group(1), []).append(_Macro(n, depth > 0, params, _tokens(dm.group(4))))
        elif name == "undef":
            undefs.update(_idents(_tokens(rest))[:1])
        elif name in ("if", "ifdef", "ifndef"):
            depth += 1
            conds.append((n, _idents(_tokens(rest))))
        elif name in ("elif", "elifdef", "elifndef"):
            conds.append((n, _idents(_tokens(rest))))
        elif name == "endif":
            depth -= 1
    return bad, macros, undefs, includes, conds


def directive_problems(text: str, flag_defined: Iterable[str] = ()) -> list[str]:
    """What in ``text``'s directives the modelled preprocessing cannot reproduce (module doc)."""
    bad, macros, undefs, includes, conds = _scan(text)
    known = MODELLED | set(flag_defined) | {"defined", "true", "false"}
    for line, names in conds:
        todo, seen = list(names), set()
        while todo:
            name = todo.pop()
            if name in seen or name in known:
                continue
            seen.add(name)
            defs = macros.get(name, [])
            why = ("is not defined by the answer (a compiler or header macro: the build may see another value)"
                   if not defs or min(d.line for d in defs) >= line else
                   "is defined under a conditional" if any(d.conditional for d in defs) else
                   "is #undef'd" if name in undefs else
                   "is defined before an #include" if any(i > min(d.line for d in defs) for i in includes) else
                   "pastes or stringizes (# / ##)" if any(t in ("#", "##", "%:", "%:%:") for d in defs for t in d.body)
                   else "")
            if why:
                bad.append(f"a conditional tests {name}, which {why}")
                continue
            for d in defs:
                params = set(d.params or ())
                todo += [t for t in _idents(d.body) if t not in params and t not in ("__VA_ARGS__", "__VA_OPT__")]
    return sorted(set(bad))


def _std(flags: list[str]) -> str:
    stds = [f for f in flags if f.startswith("-std=")]
    return stds[-1] if stds else "-std=c++20"


def pass_flags(unit: str, flags: list[str], name: str | None) -> list[list[str]]:
    """The ``cpp`` flags of each pass of ``unit`` (``cuda``: host and device; ``cpp``: one)."""
    ext_name = re.sub(r"[^A-Za-z0-9_]", "_", name or "") or "ext"
    own = [f for f in flags if f.startswith(("-D", "-U"))]
    base = [_std(flags), f"-DTORCH_EXTENSION_NAME={ext_name}", *TORCH_DEFINES]
    if unit == "cpp":
        return [[*base, *own]]
    host = [*base, *NVCC_DEFINES, *own]
    return [host, [*base, *NVCC_DEFINES, f"-D__CUDA_ARCH__={DEVICE_ARCH}", *own]]


_INCLUDE_LINE = re.compile(r"^[ \t]*(?:#|%:)[ \t]*include\b.*$", re.M)


def expand(text: str, flags: list[str]) -> tuple[str | None, str]:
    """(``text`` after ``cpp`` with ``flags``, ``#include`` lines dropped; error message)."""
    cpp = shutil.which("cpp")
    if cpp is None:
        return None, "no C preprocessor (cpp) installed"
    try:
        res = run_process([cpp, "-P", "-nostdinc", "-E", "-x", "c++", *flags, "-"], timeout_s=20,
                          stdin=_INCLUDE_LINE.sub("", text).encode(), cap_bytes=_CAP)
    except OSError as e:
        return None, f"cpp: {e}"
    if res.timed_out or len(res.stdout) >= _CAP - 1024:
        return None, "macro expansion too large"
    if res.returncode != 0:
        err = next((ln for ln in res.stderr.splitlines() if "error" in ln), res.stderr.strip()[:200])
        return None, f"the preprocessor rejects the sources: {err[:200]}"
    return res.stdout, ""


_SPACE_TOKEN = re.compile(r"\b(__global__|__device__|__host__|struct|class|union)\b|[;{}()=]")
#: a header macro left in a function's declaration (the answer's own macros are expanded): it may add
#: ``__host__`` where the reading sees only ``__device__`` (``C10_HOST_DEVICE``, ``CUTLASS_HOST_DEVICE``,
#: ``_CCCL_HOST_DEVICE``: red team 14 s10 called a ``__device__ C10_HOST_DEVICE`` function computing on
#: tensors from host code); such a function is host code (fail closed)
HEADER_MACRO = re.compile(r"\b_*[A-Z][A-Z0-9]*_[A-Z0-9_]*\b")
_TEMPLATE_HEAD = re.compile(r"\btemplate\s*<(?:[^<>;{}]|<[^<>;{}]*>)*>|__launch_bounds__\s*\([^()]*\)")


def host_marked(declaration: str) -> bool:
    """Does a function's declaration up to its parameter list make it host code too (``__host__``, or a
    header macro: :data:`HEADER_MACRO`; template heads and launch bounds aside)?"""
    text = _TEMPLATE_HEAD.sub(" ", declaration)
    return "__host__" in text or HEADER_MACRO.search(text) is not None


def _device_body(code: str, start: int) -> tuple[int, int] | None:
    """The ``{...}`` span of the function whose declaration has ``__global__``/``__device__`` at
    ``start``, when it is device-only (no ``__host__`` in the declaration); else None."""
    begin = max(code.rfind(c, 0, start) for c in ";{}")
    head = re.sub(r"__launch_bounds__\s*\([^()]*\)", "", code[begin + 1:start])
    if "(" in head:  # not a specifier before the declarator (a parameter's, or after the parameters)
        return None
    paren, closed = 0, False
    params = re.compile(r"(?:[^;{}()]|__launch_bounds__\s*\([^()]*\))*\(").match(code, start)
    if params is None or host_marked(code[begin + 1:params.end()]):
        return None
    for m in _SPACE_TOKEN.finditer(code, begin + 1):
        tok = m.group(0)
        if tok == "__host__" or (paren == 0 and tok in (";", "=", "}")):
            return None
        paren += {"(": 1, ")": -1}.get(tok, 0)
        closed = closed or (tok == ")" and paren == 0)
        if tok == "{" and paren == 0:
            if not closed:
                return None
            depth = 0
            for j in range(m.start(), len(code)):
                depth += {"{": 1, "}": -1}.get(code[j], 0)
                if depth == 0:
                    return m.start(), j + 1
            return None
    return None


def host_code(code: str) -> str:
    """``code`` (lexed: no comments or literals) with the bodies of device-only functions
    (``__global__``, ``__device__`` without ``__host__``) blanked: code there runs on the GPU and
    cannot touch a torch tensor. A body that declares a class is kept (its members could be host
    functions that host code reaches through ``decltype``)."""
    out, last = [], 0
    for m in re.finditer(r"\b(?:__global__|__device__)\b", code):
        if m.start() < last:
            continue
        span = _device_body(code, m.start())
        if span is None or re.search(r"\b(?:struct|class|union)\b", code[span[0]:span[1]]):
            continue
        out.append(code[last:span[0]])
        out.append("{" + re.sub(r"[^\n]", " ", code[span[0] + 1:span[1] - 1]) + "}")
        last = span[1]
    return "".join(out) + code[last:]
