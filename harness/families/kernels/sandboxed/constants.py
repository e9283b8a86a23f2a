"""The namespace a TritonBench test section runs in: the reference module's, never the answer's.

The test section (the operator file's code after its separator line) runs in the answer's process
against the answer's functions. It used to run in the answer's module namespace, so every other
name it read was the answer's: ``N_ELEMS = 0`` made the test draw empty inputs (red team 9b S2),
an answer's ``torch_scale`` returning zeros agreed with a zero kernel (9c S10); copying a list of
the reference's constants and helpers over the answer's left constants read inside helpers,
lambdas, classes with methods, imported helpers, tensors and int-keyed dicts to the answer (9d S1,
S5). Now :func:`section_record` cuts the reference's operator source down to the statements the
test section needs that launch no Triton kernel, and :func:`section_namespace` executes that text
as a fresh namespace and adds only the answer's *provided* names: the entry function and the
kernel-launching functions, classes and kernels of the reference that the test section names. A
launching name the answer lacks stays unbound (calling it fails the case), and none of the
reference's kernels or launchers is ever in the namespace. The reference's cases are computed in
the same kind of namespace, with the reference's own provided names.
"""
from __future__ import annotations

import ast
import linecache
import types
from collections.abc import Callable, Mapping
from typing import Any

from harness.families.kernels.sandboxed.provided import ClassWatch, watched_class
from harness.families.kernels.sandboxed.writes import SECTION_FILE

#: the key under which :func:`section_record` travels in a function problem's ``globals``
SECTION_KEY = "__hweval_section__"
_KERNEL_DECORATORS = ("jit", "autotune", "heuristics")


def decode_constant(value: Any) -> Any:
    """A module constant as JSON carried it (tuples, dicts, ranges, dtypes and devices are tagged;
    KernelBench's scaled-down shapes are plain lists)."""
    if isinstance(value, list):
        return [decode_constant(v) for v in value]
    if isinstance(value, dict) and len(value) == 1:
        (tag, inner), = value.items()
        if tag == "__tuple__":
            return tuple(decode_constant(v) for v in inner)
        if tag == "__dict__":
            return {k: decode_constant(v) for k, v in inner.items()}
        if tag == "__range__":
            return range(*inner)
        if tag in ("__dtype__", "__device__"):
            import torch

            return getattr(torch, inner) if tag == "__dtype__" else torch.device(inner)
    return value


# -- reading the operator file ----------------------------------------------------------------
def _kernel_marker(node: ast.AST) -> bool:
    """``triton.jit``/``jit``/``autotune``/``heuristics`` as a decorator or a call."""
    target = node.func if isinstance(node, ast.Call) else node
    return isinstance(target, ast.Attribute) and target.attr in _KERNEL_DECORATORS \
        or isinstance(target, ast.Name) and target.id in _KERNEL_DECORATORS


def _defines_kernel(stmt: ast.stmt) -> bool:
    """A Triton kernel is made anywhere in ``stmt`` (a decorated def, also one nested in a
    function, or ``triton.jit(fn)``)."""
    for node in ast.walk(stmt):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(map(_kernel_marker, node.decorator_list)):
            return True
        if isinstance(node, ast.Call) and _kernel_marker(node):
            return True
    return False


def _scan(node: ast.AST, lazy: bool, eager: set[str], late: set[str]) -> None:
    """Names ``node`` reads: when the statement runs (``eager``) or only when a function or lambda
    defined there is called (``late``)."""
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load):
            (late if lazy else eager).add(node.id)
        return
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        args = node.args
        heads: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            heads += [*node.decorator_list, *(a.annotation for a in (*args.posonlyargs, *args.args,
                                                                      *args.kwonlyargs) if a.annotation)]
            if node.returns is not None:
                heads.append(node.returns)
        for head in heads:
            _scan(head, lazy, eager, late)
        for part in (node.body if isinstance(node.body, list) else [node.body]):
            _scan(part, True, eager, late)
        return
    for child in ast.iter_child_nodes(node):
        _scan(child, lazy, eager, late)


def _binds(stmt: ast.stmt) -> set[str]:
    """Module-level names ``stmt`` binds (``from m import *`` binds ``*``)."""
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
            return  # its body binds its own names
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            return  # binds nothing the test reads, and must stay first: always kept
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.update((a.asname or a.name.split(".")[0]) if isinstance(node, ast.Import) else (a.asname or a.name)
                       for a in node.names)
            return
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            out.update(n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)
                       and isinstance(n.target, ast.Name))
            return
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            out.add(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(stmt)
    return out


def _section_reads(test_code: str) -> set[str]:
    """Names the test section reads: names, attribute names (``op.N_ROWS`` where it imports the
    operator file) and the names it imports (``from op import f as g`` reads ``f``)."""
    tree = ast.parse(test_code)
    reads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    reads |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    reads |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    return reads


def _launching(tree: ast.Module, reads: set[str], entry: str) -> tuple[set[int], set[str], set[str]]:
    """(statements to drop, the names they bind, the kernels' names). A statement launches when it
    makes a kernel, binds the entry, reads a launching name when it runs, or reads one inside a
    function; the last does not pass through names the test section itself reads (those come from
    the answer: a reference helper calling the entry calls the answer's)."""
    dropped: set[int] = set()
    names: set[str] = set()
    kernels: set[str] = set()
    uses: list[tuple[set[str], set[str], set[str]]] = []
    for i, stmt in enumerate(tree.body):
        eager: set[str] = set()
        late: set[str] = set()
        _scan(stmt, False, eager, late)
        binds = _binds(stmt)
        uses.append((binds, eager, late))
        if _defines_kernel(stmt):
            dropped.add(i)
            names |= binds
            kernels |= binds
    stops = (reads | {entry}) - kernels
    changed = True
    while changed:
        changed = False
        for i, (binds, eager, late) in enumerate(uses):
            if i in dropped:
                continue
            if entry in binds or eager & (names | {entry}) or (eager | late) & (names - stops):
                dropped.add(i)
                names |= binds
                changed = True
    return dropped, names, kernels


def _needed(tree: ast.Module, dropped: set[int], reads: set[str]) -> set[int]:
    """The kept statements the test section needs: those binding a name it reads or a kept
    statement needs, and every statement that binds nothing (``torch.backends...`` settings)."""
    info = []
    for stmt in tree.body:
        eager: set[str] = set()
        late: set[str] = set()
        _scan(stmt, False, eager, late)
        info.append((_binds(stmt), eager | late))
    keep = {i for i, (binds, _) in enumerate(info) if i not in dropped and (not binds or "*" in binds)}
    wanted = set(reads).union(*(info[i][1] for i in keep))
    changed = True
    while changed:
        changed = False
        for i, (binds, used) in enumerate(info):
            if i not in dropped and i not in keep and binds & wanted:
                keep.add(i)
                wanted |= used
                changed = True
    return keep


def _cut(source: str, tree: ast.Module, keep: set[int]) -> str:
    """``source`` with only the statements ``keep`` (the others blanked, so line numbers hold);
    unparsed where a kept and a dropped statement share a line (``a = 1; k = triton.jit(f)``)."""
    lines = source.splitlines()
    spans = [(min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", []))]), s.end_lineno or s.lineno)
             for s in tree.body]
    kept_lines = {n for i in keep for n in range(spans[i][0], spans[i][1] + 1)}
    gone = {n for i in range(len(spans)) if i not in keep for n in range(spans[i][0], spans[i][1] + 1)}
    if kept_lines & gone:
        return ast.unparse(ast.Module(body=[s for i, s in enumerate(tree.body) if i in keep], type_ignores=[]))
    return "\n".join("" if n + 1 in gone else line for n, line in enumerate(lines)) + "\n"


def _class_data(tree: ast.Module, provided: set[str], launching: set[str], reads: set[str]
                ) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """For each provided class the reference defines whose body binds data the test section reads
    (``VecAdd.N_ELEMS``): its body's assignments that launch nothing (``source``) and the names
    taken from them (``names``); and the names those assignments read (red team 10b S9)."""
    out: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef) or cls.name not in provided:
            continue
        body: list[ast.stmt] = []
        names: set[str] = set()
        needs: set[str] = set()
        for stmt in cls.body:
            eager: set[str] = set()
            late: set[str] = set()
            _scan(stmt, False, eager, late)
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None \
                    and not _defines_kernel(stmt) and not (eager | late) & launching:
                body.append(stmt)
                names |= _binds(stmt) & reads
                needs |= eager
        if names:
            out[cls.name] = {"source": ast.unparse(ast.Module(body=body, type_ignores=[])), "names": sorted(names)}
            used |= needs
    return out, used


def section_record(source: str, test_code: str, entry: str) -> dict[str, Any]:
    """``{SECTION_KEY: {"source", "provided", "kinds", "class_data"}}``: the reference operator
    source cut down to the statements the test section needs that launch no kernel (``source``),
    the names the answer provides (``provided``: the entry and the reference's launching names the
    test section reads), each with how the reference binds it (``kinds``: ``class`` or
    ``function``), and the reference's class-body data the section reads of a provided class
    (``class_data``, see :func:`_class_data`)."""
    tree, reads = ast.parse(source), _section_reads(test_code)
    dropped, launching, _ = _launching(tree, reads, entry)
    provided = sorted((launching & reads) | {entry})
    classes = {s.name for s in tree.body if isinstance(s, ast.ClassDef)}
    class_data, needs = _class_data(tree, set(provided), launching, reads)
    text = _cut(source, tree, _needed(tree, dropped, reads | needs))
    return {SECTION_KEY: {"source": text, "provided": provided, "entry": entry, "class_data": class_data,
                          "kinds": {n: "class" if n in classes else "function" for n in provided}}}


# -- building the namespace -------------------------------------------------------------------
def _acceptable(value: Any, kind: str) -> bool:
    """A provided name takes only a function, a method, a Triton kernel or (where the reference
    binds a class) a class: never data (a tensor, a number, a list) the test section would read, and
    never a builtin (``from torch import mul as vec_mul``: a torch op launches no Triton kernel; red
    team 10b S3)."""
    if isinstance(value, type):
        return kind == "class"
    if isinstance(value, types.FunctionType | types.MethodType):
        return True
    return type(value).__module__.split(".")[0] == "triton" and callable(value)


def _provided_class(value: Any, spec: Mapping[str, Any] | None, ns: dict[str, Any],
                    wrap: Callable[[Any], Any], watch: ClassWatch | None) -> Any:
    """A provided class as :func:`provided.watched_class` builds it, holding the reference's values
    of the class-body data the section reads (its class body's assignments run in ``ns``). Anything
    but a class unchanged."""
    if not isinstance(value, type):
        return value
    data: dict[str, Any] = {}
    if spec:
        body: dict[str, Any] = {}
        exec(compile(str(spec["source"]), SECTION_FILE, "exec", dont_inherit=True), ns, body)  # noqa: S102
        data = {k: body[k] for k in spec.get("names", []) if k in body}
    return watched_class(value, data, wrap, watch)


def section_namespace(record: Mapping[str, Any], provider: Mapping[str, Any],
                      wrap: Callable[[Any], Any] = lambda fn: fn, watch: ClassWatch | None = None) -> dict[str, Any]:
    """A fresh namespace for the test section: the record's reference source executed, then each
    provided name that ``provider`` (the answer's module, or the reference's) binds to something
    :func:`_acceptable` (the entry to any callable; plain functions, the entry and a class's methods
    through ``wrap``, which records and seeds the answer's calls; a class's ``__init__`` and data
    reads through ``watch``, :class:`provided.ClassWatch`)."""
    source = str(record.get("source", ""))
    linecache.cache[SECTION_FILE] = (len(source), None, source.splitlines(keepends=True), SECTION_FILE)
    ns: dict[str, Any] = {"__name__": "hweval_test_section"}
    exec(compile(source, SECTION_FILE, "exec", dont_inherit=True), ns)  # noqa: S102 - the reference's own code
    kinds = record.get("kinds") or {}
    for name in record.get("provided") or []:
        ns.pop(name, None)
        value = provider.get(name)
        if name == record.get("entry") and callable(value) and kinds.get(name) != "class":
            ns[name] = wrap(value)  # an entry the reference binds to a class (an autograd Function whose
            # ``apply`` the test calls) is a provided class: its methods go through ``wrap``
        elif name in provider and _acceptable(value, kinds.get(name, "function")):
            value = _provided_class(value, (record.get("class_data") or {}).get(name), ns, wrap, watch)
            if value is not None:
                ns[name] = wrap(value) if isinstance(value, types.FunctionType) else value
    ns["__name__"] = "hweval_test_section"
    return ns
