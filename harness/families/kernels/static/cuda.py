"""CUDA answers: find the ``load_inline`` call statically and check its C++/CUDA sources.

The Python side is read with :mod:`ast` (module-level string constants, ``+`` concatenation,
f-strings of constants, ``"sep".join([...])`` are resolved; an argument that cannot be resolved
is rejected). The C++ side is read as the compilers see it: each unit preprocessed per build pass
(:mod:`.cppunits`) and lexed (:mod:`.cpplex`); names under ``torch::`` / ``at::`` / ``c10::``
and host-code method calls must be on allowlists, and host code must not reach device memory.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.families.kernels.static.cpplex import lex, strip
from harness.families.kernels.static.cppunits import (
    directive_problems,
    expand,
    flag_problems,
    host_code,
    pass_flags,
)
from harness.families.kernels.static.cudaadl import tensor_calls
from harness.families.kernels.static.cudacopy import host_reads, symbol_lookups
from harness.families.kernels.static.cudaindirect import indirect_calls
from harness.families.kernels.static.cudaops import own_methods, tensor_operators
from harness.families.kernels.static.devint import integer_problems
from harness.families.kernels.static.devptr import DevicePointers, device_pointer_problems
from harness.families.kernels.static.devuse import device_uses
from harness.families.kernels.static.hostmem import host_memory_reach
from harness.families.kernels.static.hostptr import format_writes, pointer_problems
from harness.families.kernels.static.policy import CPP_NAMESPACE_ALLOWED, cpp_method_allowed

LOAD_INLINE = "torch.utils.cpp_extension.load_inline"
_POSITIONAL = ("name", "cpp_sources", "cuda_sources", "sycl_sources", "functions", "extra_cflags",
               "extra_cuda_cflags")
_UNRESOLVED = object()


def _lf(text: str) -> str:
    """``text`` with CR LF and lone CR made LF (a value that is no string as it is)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str) else text


@dataclass
class InlineExtension:
    line: int
    name: str | None = None
    cpp_sources: list[str] | None = None
    cuda_sources: list[str] | None = None
    functions: list[str] | None = None
    extra_cflags: list[str] = field(default_factory=list)
    extra_cuda_cflags: list[str] = field(default_factory=list)
    no_implicit_headers: bool = False
    unresolved: list[str] = field(default_factory=list)  # argument names we could not resolve
    arguments: list[str] = field(default_factory=list)  # every argument passed ("**" for **kwargs)

    def __post_init__(self) -> None:
        # GCC and nvcc end a line (and a // comment) at a lone CR; the checks read LF only, so
        # `// note\rint leak;` hid code from them and `x;\r#include "f"` a directive (red team s16 rth2,
        # the same form as HLS's): every check reads the sources with each line end made LF
        self.cpp_sources = [_lf(s) for s in self.cpp_sources] if self.cpp_sources is not None else None
        self.cuda_sources = [_lf(s) for s in self.cuda_sources] if self.cuda_sources is not None else None

    @property
    def cuda_text(self) -> str:
        return "\n".join(self.cuda_sources or [])

    @property
    def resolved(self) -> bool:
        return not self.unresolved and self.cuda_sources is not None


def module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Names assigned exactly once at module level -> their value expression."""
    seen: dict[str, ast.expr] = {}
    dup: set[str] = set()
    for stmt in tree.body:
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        for t in targets:
            if isinstance(t, ast.Name):
                (dup.add(t.id) if t.id in seen else seen.__setitem__(t.id, value))
    return {k: v for k, v in seen.items() if k not in dup}


def resolve(node: ast.expr | None, consts: Mapping[str, ast.expr], depth: int = 0) -> Any:
    """Statically evaluate strings / lists of strings / bools; ``_UNRESOLVED`` if we cannot."""
    if node is None or depth > 20:
        return _UNRESOLVED
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bool | int | type(None)):
        return node.value
    if isinstance(node, ast.Name) and node.id in consts:
        return resolve(consts[node.id], consts, depth + 1)
    if isinstance(node, ast.List | ast.Tuple):
        items = [resolve(e, consts, depth + 1) for e in node.elts]
        return _UNRESOLVED if any(i is _UNRESOLVED for i in items) else list(items)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = resolve(node.left, consts, depth + 1), resolve(node.right, consts, depth + 1)
        if a is _UNRESOLVED or b is _UNRESOLVED or type(a) is not type(b):
            return _UNRESOLVED
        return a + b
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                if v.format_spec is not None or v.conversion != -1:
                    return _UNRESOLVED
                val = resolve(v.value, consts, depth + 1)
                if val is _UNRESOLVED:
                    return _UNRESOLVED
                parts.append(str(val))
            else:
                parts.append(str(getattr(v, "value", "")))
        return "".join(parts)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
            and len(node.args) == 1 and not node.keywords):
        sep, items = resolve(node.func.value, consts, depth + 1), resolve(node.args[0], consts, depth + 1)
        if isinstance(sep, str) and isinstance(items, list) and all(isinstance(i, str) for i in items):
            return sep.join(items)
    return _UNRESOLVED


def _as_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


#: ``load_inline`` keywords that change nothing the checker reads at these values (honest round 14: the
#: KernelBench template's ``extra_ldflags=[""]``, ``is_python_module=True``, ...): no flag or path, the
#: default module, error wrapping and kept build files
_HARMLESS: dict[str, object] = {"extra_ldflags": "empty", "extra_include_paths": "empty", "is_python_module": True,
             "with_pytorch_error_handling": "bool", "keep_intermediates": "bool", "build_directory": None}


def _harmless(key: str, node: ast.expr, consts: Mapping[str, ast.expr]) -> bool:
    if key not in _HARMLESS:
        return False
    want, value = _HARMLESS[key], resolve(node, consts)
    if want == "empty":
        return value is None or value == [] or _as_list(value) is not None and not any(v.strip() for v in value)
    if want == "bool":
        return isinstance(value, bool)
    return value is want


def find_load_inline(tree: ast.Module, dotted: Mapping[int, str]) -> list[InlineExtension]:
    """Every ``load_inline(...)`` call; ``dotted`` maps ``id(func node)`` -> resolved dotted name."""
    consts = module_constants(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or dotted.get(id(node.func)) != LOAD_INLINE:
            continue
        args: dict[str, ast.expr] = dict(zip(_POSITIONAL, node.args, strict=False))
        args.update({k.arg: k.value for k in node.keywords if k.arg})
        ext = InlineExtension(line=node.lineno, arguments=[*(a for a in args if not _harmless(a, args[a], consts)),
                                                           *("**" for k in node.keywords if not k.arg)])
        if len(node.args) > len(_POSITIONAL) or any(isinstance(a, ast.Starred) for a in node.args):
            ext.arguments.append("*")
        for key in ("name", "cpp_sources", "cuda_sources", "functions", "extra_cflags",
                    "extra_cuda_cflags", "no_implicit_headers"):
            if key not in args:
                continue
            value = resolve(args[key], consts)
            if value is _UNRESOLVED:
                ext.unresolved.append(key)
                continue
            if key == "name":
                ext.name = str(value)
            elif key == "no_implicit_headers":
                ext.no_implicit_headers = bool(value)
            elif key in ("extra_cflags", "extra_cuda_cflags"):  # an empty flag adds nothing (KernelBench's [""])
                setattr(ext, key, [f for f in _as_list(value) or [] if f.strip()])
            else:
                setattr(ext, key, _as_list(value))
        found.append(ext)
    return found


_NAMESPACED = re.compile(r"\b(torch|at|c10)\s*::\s*([A-Za-z_]\w*)")
_METHOD = re.compile(r"(?:\.|->)\s*([A-Za-z_]\w*)\s*(?:<[^<>;]*>)?\s*\(")
#: a kernel's name: ``__launch_bounds__(...)`` may stand before or after the return type (honest round 9:
#: ``__global__ void __launch_bounds__(BLOCK) softmax_rows(...)`` was read as a kernel named ``__launch_bounds__``)
_GLOBAL = re.compile(r"__global__\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?[\w:<>\s]*?"
                     r"(?:__launch_bounds__\s*\([^)]*\)\s*)?\b([A-Za-z_]\w*)\s*\(")


def strip_cpp(src: str) -> str:
    """Source with comments removed and string/char literals blanked (:func:`.cpplex.strip`)."""
    return strip(src)


def global_kernels(src: str) -> list[str]:
    return _GLOBAL.findall(strip_cpp(src))


def has_launch(src: str) -> bool:
    code = strip_cpp(src)
    return "<<<" in code or "cudaLaunchKernel" in code or "cudaLaunchCooperativeKernel" in code


_USING = re.compile(r"\busing\s+(?:namespace\s+)?(?:::)?\s*(torch|at|c10)\b(?:\s*::\s*(\w+))?")
_NS_ALIAS = re.compile(r"\bnamespace\s+\w+\s*=\s*(?:::)?\s*(torch|at|c10)\b")


@dataclass
class View:
    """One build pass of one unit, preprocessed and lexed."""
    code: str  # comments and literals blanked
    host: str  # the same, bodies of device-only functions blanked too
    literals: list[str]  # decoded string literals (adjacent ones joined)


def unit_views(ext: InlineExtension) -> tuple[list[View], list[str]]:
    """(the views of every build pass of the extension's units, what stops the modelling)."""
    views: list[View] = []
    problems: list[str] = []
    units = (("cuda", ext.cuda_text, ext.extra_cuda_cflags), ("cpp", "\n".join(ext.cpp_sources or []), ext.extra_cflags))
    for unit, text, flags in units:
        if not text.strip():
            continue
        defined = [f[2:].split("=")[0] for f in flags if f.startswith("-D")]
        problems += [f"{unit}_sources: {p}" for p in directive_problems(text, defined)]
        for pf in pass_flags(unit, flags, ext.name):
            out, err = expand(text, pf)
            if out is None:
                problems.append(f"{unit}_sources: {err}")
                continue
            lexed = lex(out)
            views.append(View(lexed.code, host_code(lexed.code), lexed.literals))
    return views, sorted(set(problems))


def extension_violations(ext: InlineExtension) -> list[tuple[str, str]]:
    """(rule, detail) for every rule the extension breaks (rules ``cuda_build``,
    ``cuda_preprocessor``, ``cuda_torch_compute``, ``cuda_host_copy``, ``cuda_symbol_lookup``,
    ``cuda_host_indirect``, ``cuda_host_pointer``)."""
    build = [f"load_inline argument {a} is not a constant the checker can read" for a in ext.unresolved]
    build += flag_problems([*ext.extra_cflags, *ext.extra_cuda_cflags], ext.arguments)
    if build:
        return [("cuda_build", ", ".join(build[:4]))]
    views, problems = unit_views(ext)
    if problems:
        return [("cuda_preprocessor", ", ".join(problems[:4]))]
    out = []
    bad = cpp_compute_calls(views)
    if bad:
        out.append(("cuda_torch_compute", ", ".join(bad[:8])))
    reads = cpp_host_reads(views)
    if reads:
        out.append(("cuda_host_copy", ", ".join(reads[:8])))
    lookups = sorted({x for v in views for x in symbol_lookups(v.code)})
    if lookups:
        out.append(("cuda_symbol_lookup", ", ".join(lookups[:4])))
    indirect = indirect_calls([v.host for v in views], set(global_kernels(ext.cuda_text)))
    if indirect:
        out.append(("cuda_host_indirect", ", ".join(indirect[:6])))
    kernels = set(global_kernels(ext.cuda_text))
    pointer = sorted({p for v in views for p in [*pointer_problems(v.host, kernels), *format_writes(v.literals),
                                                 *device_uses(v.host)]})  # device memory in host code (s16 rtk c1)
    if pointer:
        out.append(("cuda_host_pointer", ", ".join(pointer[:6])))
    return out


def cpp_compute_calls(views: list[View]) -> list[str]:
    """torch/ATen compute in the C++/CUDA sources (``at::matmul``, ``x.sum()``, ``using at::relu``),
    checked on every build pass (``views``) against allowlists of names and methods; the method
    allowlist holds for host code only (device code cannot touch a tensor: CUB's ``.InclusiveSum()``)."""
    bad = []
    for view in views:
        code = view.code
        methods = {m.group(1) for m in _METHOD.finditer(view.host)
                   if not cpp_method_allowed(m.group(1), view.host[max(0, m.start() - 80):m.start()])}
        bad += [f".{name}()" for name in sorted(methods - own_methods(view.host, methods))]
        for ns, name in _NAMESPACED.findall(code):
            if name not in CPP_NAMESPACE_ALLOWED and not re.fullmatch(r"k[A-Z]\w*", name):
                bad.append(f"{ns}::{name}")
        for ns, name in _USING.findall(code):
            if not name or name not in CPP_NAMESPACE_ALLOWED:
                bad.append(f"using {ns}::{name or '*'}")
        for ns in _NS_ALIAS.findall(code):
            bad.append(f"namespace alias of {ns}")
        bad += tensor_operators(view.host)
        bad += tensor_calls(view.host)  # ADL to ATen, std:: algorithms on tensors, operator calls (rt13 K3)
    return sorted(set(bad))


#: names that let host code see device memory: a copy to the host (or of unknown direction),
#: memory both sides address (managed, pinned-and-mapped), thrust (device_vector elements read
#: on the host). Copies to the device and within it stay allowed.
_HOST_REACH = re.compile(r"\b(cudaMemcpy\w*|cudaMemcpyFromSymbol\w*|cuMemcpy\w*|cudaMallocManaged|cudaMallocHost"
                         r"|cudaHostAlloc|cudaHostRegister|cudaHostGetDevicePointer|cuMemAllocManaged|cuMemHostAlloc"
                         r"|cuMemHostRegister|cuMemHostGetDevicePointer\w*|cudaMemPrefetchAsync|cudaStreamAttachMemAsync"
                         r"|__managed__|thrust)\b")


def _call_args(code: str, start: int) -> str | None:
    """The text between the parenthesis at ``start`` (after spaces) and its match, or None."""
    i = start
    while i < len(code) and code[i].isspace():
        i += 1
    if i >= len(code) or code[i] != "(":
        return None
    depth = 0
    for j in range(i, len(code)):
        depth += {"(": 1, ")": -1}.get(code[j], 0)
        if depth == 0:
            return code[i + 1:j]
    return None


_MACRO_CALL = re.compile(r"\b([A-Z_][A-Z0-9_]*)\s*(?=\()")


def header_pastes(code: str) -> list[str]:
    """Names a header macro left unexpanded (headers are not read) could paste from the answer's
    tokens: ``C10_CONCATENATE(cudaMem, cpy)`` is ``cudaMemcpy`` to the compiler. Runs of 2-4
    identifiers in the arguments of an all-caps call that join into a name the rules ban."""
    bad = []
    for m in _MACRO_CALL.finditer(code):
        ids = re.findall(r"[A-Za-z_]\w*", _call_args(code, m.end()) or "")
        for i in range(len(ids)):
            for k in range(2, 5):
                name = "".join(ids[i:i + k])
                if i + k <= len(ids) and (_HOST_REACH.fullmatch(name) or _HOST_DEVICE.fullmatch(name)
                                          or name in ("torch", "at", "c10")):
                    bad.append(f"{name} pasted by {m.group(1)}(...)")
    return bad


def cpp_host_reads(views: list[View]) -> list[str]:
    """Ways the C++/CUDA sources let host code read device memory (then compute on the host):
    ``cudaMemcpy*`` unless a listed call form gets a literal host-to-device or device-to-device kind
    at the kind's position (:mod:`.cudacopy`),
    managed/mapped memory, thrust, and host tensors and devices (:func:`cpp_host_devices`).
    Checked on every build pass (``views``), device code included."""
    bad = []
    for code in (v.code for v in views):
        bad += host_reads(code, list(_HOST_REACH.finditer(code)))  # the kind read at its position (rt7 S3)
    bad += cpp_host_devices(views)
    bad += [p for v in views for p in header_pastes(v.code)]
    bad += [p for v in views for p in host_memory_reach(v.host)]  # the pointers decide (rt8 S3)
    for v in views:  # pointers come from device memory (rt10), and so do integers made from them (rt12)
        ptrs = DevicePointers(v.host)
        bad += device_pointer_problems(v.host, ptrs) + integer_problems(v.host, ptrs)
    return sorted(set(bad))



#: names that make a host tensor or host-visible memory, or name the CPU device (red team 4:
#: ``x.to(torch::kCPU)``, a C++ loop over the host copy, ``h.to(x.device())`` back): the CPU
#: device in every spelling, ``.cpu()``, pinned memory (a kernel may write it directly)
_HOST_DEVICE = re.compile(r"\b(kCPU|CPU|cpu|pinned_memory|pin_memory|is_pinned|\w*CUDAHost\w*|\w*PinnedMemory\w*"
                          r"|getCPUAllocator|from_blob)\b")
#: ``DeviceType`` / ``Device::Type`` only as ``::CUDA`` (``static_cast<c10::DeviceType>(0)`` is the CPU)
_DEVICE_TYPE = re.compile(r"\b(?:DeviceType|Device\s*::\s*Type)\b(?!\s*::\s*CUDA\b)")
#: a device given by value: ``Device(...)``, ``Device{...}``, ``.device(...)`` with arguments
_DEVICE_CTOR = re.compile(r"(?:\bDevice\s*(?=[({])|\.\s*device\s*(?=\())")
_DEVICE_ARG = re.compile(r"\s*(?:(?:(?:::)?\s*(?:torch|at|c10)\s*::\s*)?(?:kCUDA|DeviceType\s*::\s*CUDA)"
                         r"|[\w.\->\[\]]+?\s*(?:\.|->)\s*(?:device|get_device)\s*\(\s*\))\s*(?:,\s*\w+\s*)?")
#: ``.to(`` on a tensor converts the dtype only: a scalar-type constant, ``ScalarType::X`` or
#: ``<tensor>.scalar_type()`` / ``.dtype()``, then optional ``non_blocking``/``copy`` flags
_TO = re.compile(r"(?:\.|->)\s*to\s*(?=\()")
_DTYPE_ARG = re.compile(r"\s*(?:(?:(?:::)?\s*(?:torch|at|c10)\s*::\s*)?(?:ScalarType\s*::\s*\w+|k(?:Float|Half|BFloat16"
                        r"|Double|Int|Long|Short|Char|Byte|Bool|UInt|Float8|ComplexFloat|ComplexDouble)\w*)"
                        r"|[\w.\->\[\]]+?\s*(?:\.|->)\s*(?:scalar_type|dtype)\s*\(\s*\))\s*")
_FLAG = re.compile(r"\s*(?:/\*\s*\w+\s*=\s*\*/\s*)?(?:true|false)\s*")
#: allocation calls: at most (sizes, options, memory format); ATen's unpacked overloads take
#: (..., dtype, layout, device, pin_memory, ...) and make pinned host memory without naming it
_ALLOC = re.compile(r"\b(?:torch|at|c10)\s*::\s*(empty|empty_like|empty_strided|zeros|zeros_like|ones|ones_like"
                    r"|full|full_like)\s*(?=\()")


def _top_args(text: str | None) -> list[str]:
    """The top-level comma-separated arguments of a call's argument text."""
    if text is None:
        return []
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [*out, cur] if cur.strip() or out else []


def cpp_host_devices(views: list[View]) -> list[str]:
    """Ways the C++ names the host as a device or makes host-visible tensors: the CPU device in any
    spelling (``kCPU``, ``DeviceType::CPU``, a numeric ``DeviceType``, a string literal holding
    ``cpu``, also one built by the preprocessor), ``.cpu()``, pinned memory, a device given by
    anything but ``kCUDA``/``<tensor>.device()``, ``.to(...)`` with anything but a dtype, and
    ATen's unpacked allocation overloads."""
    bad: list[str] = []
    for code in (v.code for v in views):
        bad += [m.group(1) for m in _HOST_DEVICE.finditer(code)]
        bad += ["DeviceType other than ::CUDA" for _ in _DEVICE_TYPE.finditer(code)]
        for m in _DEVICE_CTOR.finditer(code):
            args = _call_args(code, m.end()) if code[m.end()] == "(" else code[m.end() + 1:code.find("}", m.end())]
            if args is not None and args.strip() and not _DEVICE_ARG.fullmatch(args):
                bad.append(f"a device from '{args.strip()[:40]}'")
        for m in _TO.finditer(code):
            targs = _top_args(_call_args(code, m.end()))
            if not targs or not _DTYPE_ARG.fullmatch(targs[0]) or not all(_FLAG.fullmatch(a) for a in targs[1:]):
                bad.append(f".to({', '.join(a.strip() for a in targs)[:40]}) (only a dtype)")
        for m in _ALLOC.finditer(code):
            if len(_top_args(_call_args(code, m.end()))) > 3:
                bad.append(f"{m.group(1)}(...) with dtype/layout/device/pin_memory arguments")
    bad += [f'"{s[:20]}"' for v in views for s in v.literals if "cpu" in s.lower()]
    return bad
