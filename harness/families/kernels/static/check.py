"""Static (AST) checks of a kernel answer -> the list of violated rules.

A violation means the answer is ``rejected`` with the rule named. The Python module is checked
against allowlists (:mod:`~harness.families.kernels.static.module`: imports, names, calls,
kernel bodies); the CUDA sources of a ``load_inline`` answer against the host-code allowlist
(:mod:`~harness.families.kernels.static.cuda`). The worker's runtime op recorder and launch
counter are defence in depth only: they run inside the candidate's process.
"""
from __future__ import annotations

import ast
import re

from harness.families.kernels.static.applyentry import reference_entry
from harness.families.kernels.static.cuda import (
    InlineExtension,
    extension_violations,
    find_load_inline,
    global_kernels,
    has_launch,
)
from harness.families.kernels.static.module import check_module
from harness.families.kernels.static.rebind import source_rebinding
from harness.families.kernels.static.scope import ModuleScope, Violation
from harness.families.kernels.static.testargs import POSITIONAL, entry_kinds, wrapper_markers

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
    "host_value": "turns a value that may be a tensor into a Python value (int(x), if x:, a grid of x ...)",
    "cuda_build": "load_inline gets an argument or flag the checker cannot read or model (computed sources, "
                  "-include, -Xcompiler other than -O, extra_ldflags ...)",
    "cuda_preprocessor": "the C++/CUDA preprocessing depends on something the checker cannot model (a header or "
                         "compiler macro in a conditional, a quoted #include ...) or fails",
    "cuda_torch_compute": "the C++ host code computes with ATen/torch instead of a kernel",
    "cuda_host_copy": "the C++ host code can read device memory (a copy to the host or of a kind the checks cannot "
                      "read, managed memory, thrust)",
    "cuda_symbol_lookup": "the C++ sources look a function up by name at run time (dlsym, dlopen, the driver's "
                          "entry points): its calls cannot be checked",
    "cuda_host_indirect": "the C++ host code can call a function it does not name (a function or member pointer, "
                          "a cast to a pointer from anything but a tensor's data_ptr, an unlisted CUDA API, asm ...)",
    "cuda_host_pointer": "the C++ host code can make a pointer from an integer or write past the memory it "
                         "allocated (a cast to a template parameter, alias or decltype, a dereference, arithmetic on "
                         "a host address, an index the checks cannot bound ...)",
    "forbidden_name": "names something the answer does not define and the allowlist does not hold",
    "forbidden_call": "calls something other than a kernel launch, an allowlisted function or its own helper",
    "forbidden_decorator": "a decorator outside the allowlist (autotune hooks, properties, caches ...)",
    "forbidden_statement": "a statement outside the allowlist (with/del/global/raise of a non-builtin ...)",
    "forbidden_syntax": "an expression form outside the allowlist (await, yield ...)",
    "forbidden_class": "a class with other bases than nn.Module, a metaclass, decorators or a live body",
    "dunder_method": "a dunder method other than __init__ (runs implicitly: __del__, __call__ ...)",
    "module_state": "state that outlives a call (self.x or module containers written outside __init__)",
    "shadowing": "rebinds an import, kernel, helper or builtin name",
    "host_object": "passes self, a module, a method, a function or a class to a kernel launch",
    "kernel_body": "a @triton.jit body names something other than tl.*, its locals, kernels and size constants",
    "unstable_source": "a name load_inline's arguments depend on is rebound, mutated or used elsewhere (the built "
                       "sources could differ from the checked ones)",
    "coding_declaration": "a PEP 263 coding declaration other than utf-8/ascii (Python would decode the file "
                          "differently from the text checked)",
    "seed_draw": "a draw from torch's generator other than one seed, torch.randint(lo, hi, (1,)), in the function "
                 "that launches the kernel",
    "too_complex": "expressions or statements nested deeper than the checks can follow",
}

#: PEP 263: a comment on line 1 or 2 matching this names the file's encoding
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
_SAME_TEXT_CODINGS = frozenset({"utf-8", "ascii"})


def coding_violations(code: str) -> list[Violation]:
    """A coding declaration on line 1 or 2 that does not name UTF-8 or ASCII. The worker compiles
    the UTF-8 text itself (:func:`~harness.families.kernels.sandboxed.worker_common.load_candidate`),
    but any other tool that opens the file (an import, :mod:`linecache`, :mod:`tokenize`) would
    honour the declaration and read other code than the one checked (red team 6 S8: UTF-7 turns
    ``+AAo-`` in a comment into a newline). Both lines are checked whatever line 1 holds."""
    import codecs
    import io

    # the first two lines however they are split (Python reads bytes up to b"\n"; str.splitlines
    # also breaks at U+2028 and form feeds), a byte-order mark aside
    text = code.removeprefix("\ufeff")
    splits = (text.split("\n"), io.StringIO(text, newline=None).readlines(), text.splitlines())
    lines = sorted({(i, line) for split in splits for i, line in enumerate(split[:2], start=1)})
    out = []
    for i, line in lines:
        m = _CODING.match(line)
        if not m:
            continue
        try:
            name = codecs.lookup(m.group(1)).name
        except LookupError:
            name = m.group(1)
        v = Violation("coding_declaration", f"coding: {m.group(1)}", i)
        if name not in _SAME_TEXT_CODINGS and v not in out:
            out.append(v)
    return out


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """``tl.load`` -> ``triton.language.load`` when the root name is an import alias."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in aliases:
        return ".".join([aliases[node.id], *reversed(parts)])
    return None


class _Checker:
    """The language requirements (a kernel, a launch, load_inline sources) over the module facts."""

    def __init__(self, tree: ast.Module, lang: str, mod: ModuleScope, out: list[Violation], entry: str,
                 kind: str) -> None:
        self.tree, self.lang, self.mod, self.out = tree, lang, mod, out
        self.entry, self.kind = entry, kind
        self.aliases = mod.aliases
        self.kernels = set(mod.kernels)

    def add(self, rule: str, detail: str, node: ast.AST | None = None) -> None:
        self.out.append(Violation(rule, detail, getattr(node, "lineno", 0)))

    # -- language-specific requirements ----------------------------------------------------
    def language(self) -> list[InlineExtension]:
        dotted = {id(n.func): _dotted(n.func, self.aliases) or "" for n in ast.walk(self.tree)
                  if isinstance(n, ast.Call)}
        exts = find_load_inline(self.tree, dotted)
        if self.kind == "function":
            if self.mod.entry_apply is None and \
                    not any(isinstance(n, ast.FunctionDef) and n.name == self.entry for n in self.tree.body):
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
            if not ext.resolved:  # the GPU run would build sources nobody checked
                self.out += [Violation(r, d, ext.line) for r, d in extension_violations(ext)]
                continue
            if not global_kernels(ext.cuda_text):
                self.add("no_cuda_kernel", "no __global__ function in cuda_sources", None)
            elif not has_launch(ext.cuda_text):
                self.add("no_kernel_launch", "no <<<...>>> launch in cuda_sources", None)
            for rule, detail in extension_violations(ext):
                self.out.append(Violation(rule, detail, ext.line))
        return exts

    def _launched(self) -> bool:
        skipped = [n for n in self.tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)
                   and (n.name in self.kernels or n.name in self.mod.references)]
        inside = {id(x) for n in skipped for x in ast.walk(n)}
        return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Subscript)
                   and isinstance(node.func.value, ast.Name)
                   and node.func.value.id in self.kernels | set(self.mod.kernel_aliases)
                   and id(node) not in inside for node in ast.walk(self.tree))


def _annotated_numbers(fn: ast.FunctionDef, skip: int) -> set[int]:
    params = [*fn.args.posonlyargs, *fn.args.args][skip:]
    return {i for i, a in enumerate(params) if isinstance(a.annotation, ast.Name)
            and a.annotation.id in ("int", "float", "bool")}


def scalar_positions(reference_source: str, cls: str = "Model", function: str | None = None,
                     test_code: str = "") -> frozenset[int | str]:
    """Positions (after ``self``) of the reference ``forward``'s arguments that the problem fills
    with plain Python numbers: parameters annotated ``int``, ``float`` or ``bool``
    (``max_seqlen: int``), and positions where ``get_inputs`` returns a number literal or a name
    bound to one (KernelBench's ``return [A, s]`` with ``s = 3.14``). With ``function``
    (TritonBench-T), the parameters of that module-level function the reference annotates so
    (``dim: int = -1``, honest round 9 F3), and those at which every call of it in the reference
    and its ``test_code`` passes a number (:func:`testargs.passed_numbers`: ``logsumexp(x, dim=0)``,
    honest round 11 F4; a string or ``None`` counts too), given by position and by name (the names
    also of keyword-only parameters: an answer may declare ``*, beta=1``, honest round 11 F4c), with
    the markers of :func:`testargs.entry_kinds` (``"*name"``, ``"*@i"``: rt11d S5, S1). The
    reference is the benchmark's, never the candidate's; an unparsable one gives none."""
    try:
        tree = ast.parse(reference_source)
    except SyntaxError:
        return frozenset()
    found: set[int | str] = set()
    if function is not None:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == function:
                found |= entry_kinds(f"{reference_source}\n{test_code}", node, _annotated_numbers(node, 0))
        applied = None if found else reference_entry(tree, function, test_code)
        if applied is not None:  # ``function = Cls.apply`` or ``Cls.apply(...)``: Cls.forward, ctx left out
            try:
                found |= entry_kinds(applied[1], applied[0], _annotated_numbers(applied[0], 0))
            except SyntaxError:
                pass
        return frozenset(found | _wrappers(tree, function, reference_source, test_code))
    forwards = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for fn in node.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == "forward":
                    found |= _annotated_numbers(fn, 1)
                    forwards.append(fn)
        if isinstance(node, ast.FunctionDef) and node.name == "get_inputs":
            found |= _number_inputs(tree, node)
    for fn in forwards:  # the other inputs may be tensors, whatever default the answer writes (rt11d S6)
        params = [*fn.args.posonlyargs, *fn.args.args][1:]
        defaults = [None] * (len(params) - len(fn.args.defaults)) + list(fn.args.defaults)
        found |= {f"{POSITIONAL}{j}" for j, d in enumerate(defaults) if j not in found and not _is_number(d)}
    return frozenset(found)


def _wrappers(tree: ast.Module, function: str, reference_source: str, test_code: str) -> set[int | str]:
    """The kinds of every other undecorated module-level function of the reference that the test
    section calls by name (``testargs.wrapper_markers``: honest round 13 H1), typed like the entry."""
    try:
        called = {c.func.id for c in ast.walk(ast.parse(test_code))
                  if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
    except SyntaxError:
        return set()
    found: set[int | str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name != function and node.name in called \
                and not node.decorator_list:
            kinds = entry_kinds(f"{reference_source}\n{test_code}", node, _annotated_numbers(node, 0))
            found |= wrapper_markers(node.name, kinds)
    return found


def _is_number(node: ast.expr | None) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float, bool)


def _number_inputs(tree: ast.Module, fn: ast.FunctionDef) -> set[int]:
    """Positions of ``get_inputs``'s returned list that hold a number: a literal, or a name that
    every assignment (module level and in ``get_inputs``) binds to a literal."""
    values: dict[str, list[ast.expr]] = {}
    for stmt in [*tree.body, *ast.walk(fn)]:
        if isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                for name in ast.walk(t):
                    if isinstance(name, ast.Name):
                        values.setdefault(name.id, []).append(
                            stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) and t is name
                            and not isinstance(stmt, ast.AugAssign) else None)  # type: ignore[arg-type]
    returns = [r.value for r in ast.walk(fn) if isinstance(r, ast.Return)]
    if len(returns) != 1 or not isinstance(returns[0], ast.List | ast.Tuple):
        return set()
    out = set()
    for i, e in enumerate(returns[0].elts):
        if isinstance(e, ast.Starred):
            break
        if _is_number(e) or (isinstance(e, ast.Name) and values.get(e.id)
                             and all(_is_number(v) for v in values[e.id])):
            out.add(i)
    return out


def analyze(code: str, lang: str, *, entry: str = "ModelNew", kind: str = "module",
            scalars: frozenset[int | str] = frozenset()) -> tuple[list[Violation], list[str], list[InlineExtension]]:
    """(violations, kernel names, load_inline extensions); raises SyntaxError.

    ``kind="function"`` (TritonBench-T): the answer defines the module-level function ``entry``
    instead of class ``ModelNew``, and its arguments count as tensors but for those with a number
    default and those at ``scalars``. ``scalars``: the positions of ``forward``'s (or the entry
    function's) arguments that the problem fills with Python numbers (:func:`scalar_positions` of
    the reference): they are sizes, whatever the answer annotates.
    """
    if lang not in ("triton", "cuda"):
        raise ValueError(f"unknown lang {lang!r}")
    tree = parse_answer(code)
    try:
        violations, mod = check_module(tree, entry=entry, kind=kind, scalars=scalars)
        c = _Checker(tree, lang, mod, [*coding_violations(code), *violations, *source_rebinding(tree, mod.aliases)],
                     entry, kind)
        exts = c.language()
    except (RecursionError, MemoryError) as exc:  # the answer's shape, never the harness's failure (rt7 S5)
        return [Violation("too_complex", f"the checks ran out of {'depth' if isinstance(exc, RecursionError) else 'memory'}"
                          " following the answer's nesting")], [], []
    kernels = sorted(c.kernels) if lang == "triton" else sorted(
        {k for e in exts if e.resolved for k in global_kernels(e.cuda_text)})
    seen: set[tuple[str, str, int]] = set()
    unique = []
    for v in c.out:
        if (v.rule, v.detail, v.line) not in seen:
            seen.add((v.rule, v.detail, v.line))
            unique.append(v)
    return unique, kernels, exts


def parse_answer(code: str) -> ast.Module:
    """``ast.parse`` of an answer; SyntaxError for anything Python cannot parse, including text nested
    so deep that the parser runs out of depth or memory (red team 7 S5: ``1+1+...+1`` 100000 times
    raised RecursionError in the harness, which was recorded as the harness's infra_error and dropped
    the wrong answer from the score; CPython cannot compile such text either)."""
    try:
        return _written_constexpr(ast.parse(code))
    except (RecursionError, MemoryError) as exc:
        raise SyntaxError(f"nested too deeply for Python's parser ({type(exc).__name__})") from exc


_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def _written_constexpr(tree: ast.Module) -> ast.Module:
    """A parameter annotated with the string ``"tl.constexpr"`` is what Triton makes of it (any
    annotation holding ``constexpr`` is a compile-time constant): the dotted name itself, so every
    rule judges the constant the compiler sees. Other strings stay strings (rejected in kernels)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and isinstance(node.annotation, ast.Constant) and \
                isinstance(node.annotation.value, str) and "constexpr" in node.annotation.value and \
                _DOTTED.fullmatch(node.annotation.value.strip()):
            expr = ast.parse(node.annotation.value.strip(), mode="eval").body
            node.annotation = ast.copy_location(expr, node.annotation)
            for sub in ast.walk(expr):
                ast.copy_location(sub, node)
    return tree


def check_static(code: str, lang: str) -> list[Violation]:
    """The violated rules of ``code`` as a ``lang`` answer (empty: accepted). Raises SyntaxError."""
    return analyze(code, lang)[0]
