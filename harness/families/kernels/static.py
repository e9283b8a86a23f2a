"""Static (AST) checks of a kernel answer -> the list of violated rules.

A violation means the answer is ``rejected`` with the rule named. The checks are a first net;
the worker's runtime op recorder and launch counter are the second one.
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import asdict, dataclass

from harness.families.kernels import policy as P
from harness.families.kernels.static_cuda import (
    LOAD_INLINE,
    InlineExtension,
    cpp_compute_calls,
    find_load_inline,
    global_kernels,
    has_launch,
)

RULES = {
    "no_model_new": "the answer must define class ModelNew",
    "no_entry_function": "the answer must define the requested function at module level",
    "no_triton_kernel": "a Triton answer must define an @triton.jit kernel",
    "no_cuda_kernel": "a CUDA answer must define a __global__ kernel in its load_inline sources",
    "no_load_inline": "a CUDA answer must build its kernel with torch.utils.cpp_extension.load_inline",
    "no_kernel_launch": "the kernel is defined but never launched",
    "wrong_language": "the answer uses the other kernel language",
    "forbidden_import": "imports a module outside the allowed set",
    "forbidden_builtin": "uses eval/exec/open/setattr/... or getattr on a computed name",
    "dunder_access": "touches interpreter internals through a dunder attribute",
    "private_access": "touches private (_-prefixed) attributes of a library",
    "forbidden_attribute": "uses a library API outside the allowed set (e.g. triton.runtime)",
    "timer_access": "touches timers, events, synchronisation or profilers",
    "monkeypatch": "assigns to an attribute of an imported module",
    "try_except_fallback": "try/except around the kernel (a silent fallback path)",
    "reference_call": "calls the reference Model",
    "torch_compute": "computes with PyTorch outside a kernel (torch op, tensor method or operator)",
    "cuda_torch_compute": "the C++ host code computes with ATen/torch instead of a kernel",
}
_TENSOR_RESULT = P.TENSOR_METHODS_ALLOWED - {"size", "stride", "numel", "dim", "data_ptr", "item",
                                             "is_contiguous", "element_size", "tolist", "ndimension"}


_REFERENCE_HELPERS = ("get_inputs", "get_init_inputs")


@dataclass(frozen=True)
class Violation:
    rule: str
    detail: str
    line: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _decorator_path(dec: ast.expr, aliases: dict[str, str]) -> str:
    node = dec.func if isinstance(dec, ast.Call) else dec
    return _dotted(node, aliases) or ""


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """``tl.load`` -> ``triton.language.load`` when the root name is an import alias."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in aliases:
        return ".".join([aliases[node.id], *reversed(parts)])
    return None


def _maybe_tensor_args(f: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int]:
    """Positions of arguments that may hold tensors: no default, or a ``None`` default (numbers,
    strings and booleans as defaults mark scalar options such as ``alpha=1.0``)."""
    args = f.args.args
    defaults = [None] * (len(args) - len(f.args.defaults)) + list(f.args.defaults)
    return {i for i, d in enumerate(defaults)
            if d is None or (isinstance(d, ast.Constant) and d.value is None)}


class _Checker:
    def __init__(self, tree: ast.Module, lang: str, entry: str = "ModelNew", kind: str = "module") -> None:
        self.tree, self.lang = tree, lang
        self.entry, self.kind = entry, kind
        self.out: list[Violation] = []
        self.aliases: dict[str, str] = {}
        self.parents: dict[int, ast.AST] = {}
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[id(child)] = parent
        self.kernels: set[str] = set()
        self.skip: set[int] = set()  # ids of function nodes whose bodies are not torch-checked
        self.nn_modules: set[str] = set()
        self.tensor_attrs: set[str] = set()

    def add(self, rule: str, detail: str, node: ast.AST | None = None) -> None:
        self.out.append(Violation(rule, detail, getattr(node, "lineno", 0)))

    # -- pass 1: imports, kernels, __init__ -------------------------------------------------
    def collect(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self._check_module(a.name, node)
                    if a.asname:
                        self.aliases[a.asname] = a.name
                    else:
                        root = a.name.split(".")[0]
                        self.aliases[root] = root
            elif isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                if node.level:
                    self.add("forbidden_import", f"relative import from {'.' * node.level}{mod}", node)
                    continue
                self._check_module(mod, node)
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{mod}.{a.name}"
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                paths = [_decorator_path(d, self.aliases) for d in node.decorator_list]
                if "triton.jit" in paths:
                    self.kernels.add(node.name)
                    self.skip.add(id(node))
                elif node.name == "__init__":
                    self.skip.add(id(node))
                    self._collect_init(node)
                elif node.name in _REFERENCE_HELPERS and node in self.tree.body:
                    self.skip.add(id(node))  # copied get_inputs(): harmless, never called by us
            elif isinstance(node, ast.ClassDef) and node.name == "Model" and node in self.tree.body:
                self.skip.add(id(node))  # a copied reference class may stay; *using* it is rejected

    def _check_module(self, mod: str, node: ast.AST) -> None:
        allowed = mod in P.ALLOWED_IMPORTS or mod.startswith("triton.language.")
        if not allowed:
            self.add("forbidden_import", f"import of {mod!r}", node)

    def _collect_init(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for node in ast.walk(fn):
            if not isinstance(node, ast.Assign):
                continue
            for t in node.targets:
                if not (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                        and t.value.id == "self"):
                    continue
                path = _dotted(node.value.func, self.aliases) if isinstance(node.value, ast.Call) else None
                if path in ("torch.nn.Parameter", "torch.nn.parameter.Parameter") or (
                        path and path.startswith("torch.") and not path.startswith("torch.nn.")):
                    self.tensor_attrs.add(t.attr)
                elif path and path.startswith("torch.nn.") and path != "torch.nn.Module":
                    self.nn_modules.add(t.attr)

    def in_skipped(self, node: ast.AST) -> ast.AST | None:
        cur = self.parents.get(id(node))
        while cur is not None:
            if id(cur) in self.skip:
                return cur
            cur = self.parents.get(id(cur))
        return None

    # -- pass 2: rules that hold everywhere ----------------------------------------------
    def general(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Try | ast.TryStar):
                self.add("try_except_fallback", "try/except statement", node)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                self._builtin_call(node)
            elif isinstance(node, ast.Name):
                if node.id.startswith("__") and node.id not in P.DUNDER_ALLOWED:
                    self.add("dunder_access", node.id, node)
                if node.id == "Model" and isinstance(node.ctx, ast.Load):
                    self.add("reference_call", "uses the reference class Model", node)
            elif isinstance(node, ast.Attribute):
                self._attribute(node)
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
                targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
                for t in targets:
                    base = t.value if isinstance(t, ast.Attribute | ast.Subscript) else None
                    if base is not None and _dotted(base, self.aliases):
                        self.add("monkeypatch", f"assigns into {_dotted(base, self.aliases)}", node)

    def _builtin_call(self, node: ast.Call) -> None:
        name = node.func.id  # type: ignore[attr-defined]
        if name in self.aliases:
            return
        if name in P.PY_BUILTINS_FORBIDDEN:
            self.add("forbidden_builtin", f"{name}()", node)
        elif name == "getattr":
            const = len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
            if not const or (node.args and _dotted(node.args[0], self.aliases)):
                self.add("forbidden_builtin", "getattr on a module or a computed name", node)

    def _attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("__"):
            if node.attr not in P.DUNDER_ALLOWED:
                self.add("dunder_access", node.attr, node)
            return
        if node.attr.startswith("_") and not (isinstance(node.value, ast.Name) and node.value.id == "self"):
            self.add("private_access", f".{node.attr}", node)
            return
        if node.attr in P.TIMER_ATTRS and isinstance(self.parents.get(id(node)), ast.Call):
            self.add("timer_access", f".{node.attr}()", node)
            return
        if isinstance(self.parents.get(id(node)), ast.Attribute):
            return  # only judge the longest chain
        path = _dotted(node, self.aliases)
        if path:
            self._path(path, node)

    def _path(self, path: str, node: ast.AST) -> None:
        if any(path == t or path.startswith(t + ".") for t in P.TIMER_NAMES):
            self.add("timer_access", path, node)
        elif path.startswith("triton."):
            if path not in P.TRITON_ALLOWED and not path.startswith(P.TRITON_ALLOWED_PREFIXES):
                self.add("forbidden_attribute", path, node)
        elif path.startswith("torch.") and path != P.LOAD_INLINE_PATH and any(
                path == f or path.startswith(f if f.endswith("_") else f + ".") for f in P.TORCH_ALWAYS_FORBIDDEN):
            self.add("forbidden_attribute", path, node)
        elif path.startswith("torch.") and self.in_skipped(node) is None:
            if path == LOAD_INLINE or path in P.TORCH_ALLOWED or (
                    path.count(".") == 1 and path.split(".")[1] in P.DTYPE_NAMES):
                return
            self.add("torch_compute", f"{path} outside a kernel", node)

    def names(self) -> None:
        """Bare names bound by ``from torch import relu`` etc. are judged like attributes."""
        for node in ast.walk(self.tree):
            if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in self.aliases
                    and self.aliases[node.id] != node.id):
                parent = self.parents.get(id(node))
                if not isinstance(parent, ast.Attribute):
                    self._path(self.aliases[node.id], node)

    # -- pass 3: tensor compute inside checked functions ----------------------------------
    def functions(self) -> None:
        funcs = [n for n in ast.walk(self.tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                 and id(n) not in self.skip and self.in_skipped(n) is None]
        by_name = {f.name: f for f in funcs}
        seeds: dict[str, set[int]] = {f.name: set() for f in funcs}
        for f in funcs:
            if f.name == "forward":
                seeds[f.name] |= set(range(1, len(f.args.args)))
            elif self.kind == "function" and f.name == self.entry and f in self.tree.body:
                seeds[f.name] |= _maybe_tensor_args(f)
        for _ in range(3):  # propagate "this argument is a tensor" through helper calls
            for f in funcs:
                tensors = self._tensor_names(f, seeds[f.name])
                for call in (n for n in ast.walk(f) if isinstance(n, ast.Call)):
                    callee = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(
                        call.func, "id", None)
                    if callee in by_name:
                        shift = 1 if isinstance(call.func, ast.Attribute) else 0
                        for i, a in enumerate(call.args):
                            if self._is_tensor(a, tensors):
                                seeds[callee].add(i + shift)
        for f in funcs:
            self._check_function(f, self._tensor_names(f, seeds[f.name]))

    def _tensor_names(self, f: ast.FunctionDef | ast.AsyncFunctionDef, idx: set[int]) -> set[str]:
        tensors = {a.arg for i, a in enumerate(f.args.args) if i in idx}
        for _ in range(4):
            for node in ast.walk(f):
                if isinstance(node, ast.Assign) and self._is_tensor(node.value, tensors):
                    for t in node.targets:
                        for name in ast.walk(t):
                            if isinstance(name, ast.Name):
                                tensors.add(name.id)
        return tensors

    def _is_tensor(self, node: ast.AST, tensors: set[str]) -> bool:
        if isinstance(node, ast.Name):
            return node.id in tensors
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                return node.attr in self.tensor_attrs
            return node.attr in ("T", "mT") and self._is_tensor(node.value, tensors)
        if isinstance(node, ast.Subscript):
            return self._is_tensor(node.value, tensors)
        if isinstance(node, ast.BinOp):
            return self._is_tensor(node.left, tensors) or self._is_tensor(node.right, tensors)
        if isinstance(node, ast.IfExp):
            return self._is_tensor(node.body, tensors) or self._is_tensor(node.orelse, tensors)
        if isinstance(node, ast.Call):
            path = _dotted(node.func, self.aliases)
            if path and path.startswith("torch."):
                return True
            if isinstance(node.func, ast.Attribute) and not path:
                return node.func.attr in _TENSOR_RESULT and self._is_tensor(node.func.value, tensors)
        return False

    def _check_function(self, f: ast.AST, tensors: set[str]) -> None:
        def tensor(n: ast.AST) -> bool:
            return self._is_tensor(n, tensors)

        for node in ast.walk(f):
            if isinstance(node, ast.BinOp) and (tensor(node.left) or tensor(node.right)):
                self.add("torch_compute", f"tensor arithmetic ({type(node.op).__name__})", node)
            elif isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not) and tensor(node.operand):
                self.add("torch_compute", f"tensor arithmetic ({type(node.op).__name__})", node)
            elif isinstance(node, ast.Compare) and any(
                    not isinstance(op, ast.Is | ast.IsNot) for op in node.ops) and (
                    tensor(node.left) or any(tensor(c) for c in node.comparators)):
                self.add("torch_compute", "tensor comparison", node)
            elif isinstance(node, ast.AugAssign) and (tensor(node.target) or tensor(node.value)):
                self.add("torch_compute", "in-place tensor arithmetic", node)
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Subscript) and tensor(t.value) for t in node.targets):
                self.add("torch_compute", "writes a tensor slice from Python", node)
            elif isinstance(node, ast.Call):
                self._call(node, tensor)

    def _call(self, node: ast.Call, is_tensor: Callable[[ast.AST], bool]) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and not _dotted(func, self.aliases):
            recv = func.value
            if isinstance(recv, ast.Name) and recv.id == "self" and func.attr in self.nn_modules:
                self.add("torch_compute", f"calls the torch.nn module self.{func.attr}", node)
            elif func.attr in P.TENSOR_METHODS_DENIED:
                self.add("torch_compute", f".{func.attr}() outside a kernel", node)
            elif is_tensor(recv) and func.attr not in P.TENSOR_METHODS_ALLOWED:
                self.add("torch_compute", f"tensor method .{func.attr}()", node)
        elif isinstance(func, ast.Name) and func.id in P.PY_BUILTINS_ON_TENSOR and func.id not in self.aliases:
            if any(is_tensor(a) for a in node.args):
                self.add("torch_compute", f"builtin {func.id}() on a tensor", node)

    # -- language-specific requirements ----------------------------------------------------
    def language(self) -> list[InlineExtension]:
        dotted = {id(n.func): _dotted(n.func, self.aliases) or "" for n in ast.walk(self.tree)
                  if isinstance(n, ast.Call)}
        exts = find_load_inline(self.tree, dotted)
        if self.kind == "function":
            if not any(isinstance(n, ast.FunctionDef) and n.name == self.entry for n in self.tree.body):
                self.add("no_entry_function", f"function {self.entry}() not found at module level")
        elif not any(isinstance(n, ast.ClassDef) and n.name == self.entry for n in ast.walk(self.tree)):
            self.add("no_model_new", f"class {self.entry} not found")
        if self.lang == "triton":
            if exts:
                self.add("wrong_language", "load_inline in a Triton answer", None)
            if not self.kernels:
                self.add("no_triton_kernel", "no @triton.jit function")
            elif not self._launched():
                self.add("no_kernel_launch", f"{sorted(self.kernels)} never launched as kernel[grid](...)")
            return exts
        if not exts:
            self.add("no_load_inline", "no load_inline call")
        for ext in exts:
            if ext.cuda_sources is None and "cuda_sources" not in ext.unresolved:
                self.add("no_cuda_kernel", "load_inline without cuda_sources", None)
                continue
            if not ext.resolved:
                continue  # judged at compile time (GPU build)
            if not global_kernels(ext.cuda_text):
                self.add("no_cuda_kernel", "no __global__ function in cuda_sources", None)
            elif not has_launch(ext.cuda_text):
                self.add("no_kernel_launch", "no <<<...>>> launch in cuda_sources", None)
            bad = cpp_compute_calls(ext.cuda_text + "\n" + "\n".join(ext.cpp_sources or []))
            if bad:
                self.add("cuda_torch_compute", ", ".join(bad[:8]), None)
        return exts

    def _launched(self) -> bool:
        for node in ast.walk(self.tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Subscript)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in self.kernels):
                owner = self.in_skipped(node)
                if owner is None or getattr(owner, "name", "") not in self.kernels:
                    return True
        return False


def analyze(code: str, lang: str, *, entry: str = "ModelNew", kind: str = "module"
            ) -> tuple[list[Violation], list[str], list[InlineExtension]]:
    """(violations, kernel names, load_inline extensions); raises SyntaxError.

    ``kind="function"`` (TritonBench-T): the answer defines the module-level function ``entry``
    instead of class ``ModelNew``, and all of its arguments count as tensors.
    """
    if lang not in ("triton", "cuda"):
        raise ValueError(f"unknown lang {lang!r}")
    tree = ast.parse(code)
    c = _Checker(tree, lang, entry, kind)
    c.collect()
    c.general()
    c.names()
    c.functions()
    exts = c.language()
    kernels = sorted(c.kernels) if lang == "triton" else sorted(
        {k for e in exts if e.resolved for k in global_kernels(e.cuda_text)})
    seen: set[tuple[str, str, int]] = set()
    unique = []
    for v in c.out:
        if (v.rule, v.detail, v.line) not in seen:
            seen.add((v.rule, v.detail, v.line))
            unique.append(v)
    return unique, kernels, exts


def check_static(code: str, lang: str) -> list[Violation]:
    """The violated rules of ``code`` as a ``lang`` answer (empty: accepted). Raises SyntaxError."""
    return analyze(code, lang)[0]
