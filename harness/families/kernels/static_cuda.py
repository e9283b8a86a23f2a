"""CUDA answers: find the ``load_inline`` call statically and check its C++/CUDA sources.

The Python side is read with :mod:`ast` (module-level string constants, ``+`` concatenation,
f-strings of constants, ``"sep".join([...])`` are resolved). The C++ side is scanned on a
comment- and string-stripped copy of the source.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.families.kernels.policy import CPP_NAMESPACE_ALLOWED, TENSOR_METHODS_DENIED

LOAD_INLINE = "torch.utils.cpp_extension.load_inline"
_POSITIONAL = ("name", "cpp_sources", "cuda_sources", "sycl_sources", "functions", "extra_cflags",
               "extra_cuda_cflags")
_UNRESOLVED = object()


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


def find_load_inline(tree: ast.Module, dotted: Mapping[int, str]) -> list[InlineExtension]:
    """Every ``load_inline(...)`` call; ``dotted`` maps ``id(func node)`` -> resolved dotted name."""
    consts = module_constants(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or dotted.get(id(node.func)) != LOAD_INLINE:
            continue
        args: dict[str, ast.expr] = dict(zip(_POSITIONAL, node.args, strict=False))
        args.update({k.arg: k.value for k in node.keywords if k.arg})
        ext = InlineExtension(line=node.lineno)
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
            elif key in ("extra_cflags", "extra_cuda_cflags"):
                setattr(ext, key, _as_list(value) or [])
            else:
                setattr(ext, key, _as_list(value))
        found.append(ext)
    return found


_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
_NAMESPACED = re.compile(r"\b(torch|at|c10)\s*::\s*([A-Za-z_]\w*)")
_METHOD = re.compile(r"(?:\.|->)\s*([A-Za-z_]\w*)\s*(?:<[^<>;]*>)?\s*\(")
_GLOBAL = re.compile(r"__global__\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?[\w:<>\s]*?\b([A-Za-z_]\w*)\s*\(")


def strip_cpp(src: str) -> str:
    """Source with comments removed and string/char literals blanked."""
    return _STRING.sub('""', _COMMENT.sub(" ", src))


def global_kernels(src: str) -> list[str]:
    return _GLOBAL.findall(strip_cpp(src))


def has_launch(src: str) -> bool:
    code = strip_cpp(src)
    return "<<<" in code or "cudaLaunchKernel" in code or "cudaLaunchCooperativeKernel" in code


def cpp_compute_calls(src: str) -> list[str]:
    """torch/ATen compute used from C++ host code (``at::matmul``, ``x.sum()`` ...)."""
    code = strip_cpp(src)
    bad = []
    for ns, name in _NAMESPACED.findall(code):
        if name not in CPP_NAMESPACE_ALLOWED and not re.fullmatch(r"k[A-Z]\w*", name):
            bad.append(f"{ns}::{name}")
    for name in _METHOD.findall(code):
        if name in TENSOR_METHODS_DENIED:
            bad.append(f".{name}()")
    if re.search(r"\busing\s+namespace\s+(torch|at)\b", code):
        bad.append("using namespace torch/at")
    return sorted(set(bad))
