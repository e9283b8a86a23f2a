"""``@triton.jit`` kernels: their decorators and their bodies (``tl.*`` only).

Under ``TRITON_INTERPRET=1`` a kernel body is plain Python, so a body that named ``torch`` (or a
module-level tensor) would compute with PyTorch on the CPU; on a GPU it would not compile. The
body may name only its parameters and locals, ``triton.language`` (any alias), other kernels,
module-level size constants and a few builtins; of ``triton.language`` only the listed API
names (:mod:`~harness.families.kernels.static.tl`), never a module reached through it.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from harness.families.kernels.static import allow as A
from harness.families.kernels.static import tl as TL

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body
    from harness.families.kernels.static.scope import Fn, ModuleScope, Report

SIZE, OPAQUE = 0, 1
_FORBIDDEN_NODES = (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom,
                    ast.Global, ast.Nonlocal, ast.Try, ast.With, ast.AsyncWith, ast.Delete, ast.Yield,
                    ast.YieldFrom, ast.Await, ast.Raise, ast.AsyncFor)


def decorator_path(b: Body, dec: ast.expr) -> str:
    return b.alias_path(dec.func if isinstance(dec, ast.Call) else dec) or ""


def is_kernel_def(aliases: dict[str, str], node: ast.AST) -> bool:
    if not isinstance(node, ast.FunctionDef):
        return False
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        parts: list[str] = []
        while isinstance(target, ast.Attribute):
            parts.append(target.attr)
            target = target.value
        if isinstance(target, ast.Name) and target.id in aliases:
            if ".".join([aliases[target.id], *reversed(parts)]) == "triton.jit":
                return True
    return False


def check_decorators(b: Body, fn: ast.FunctionDef) -> None:
    """``triton.jit`` (innermost), ``triton.autotune`` without hooks, ``triton.heuristics`` with lambdas."""
    for dec in fn.decorator_list:
        path = decorator_path(b, dec)
        call = dec if isinstance(dec, ast.Call) else None
        if path == "triton.jit":
            bad = [k.arg for k in (call.keywords if call else []) if k.arg not in A.JIT_KEYWORDS]
            if bad or (call and call.args):
                b.bad("forbidden_decorator", f"triton.jit({bad[0] if bad else '...'})", dec)
        elif path == "triton.autotune" and call is not None:
            bad = [k.arg for k in call.keywords if k.arg not in A.AUTOTUNE_KEYWORDS]
            if bad or len(call.args) > 2:
                b.bad("forbidden_decorator", f"triton.autotune({bad[0] if bad else '...'}=...) runs Python", dec)
            for a in [*call.args, *(k.value for k in call.keywords)]:
                b.expr(a)
        elif path == "triton.heuristics" and call is not None and len(call.args) == 1 and not call.keywords \
                and isinstance(call.args[0], ast.Dict):
            for key, value in zip(call.args[0].keys, call.args[0].values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(value, ast.Name) and value.id in b.mod.functions:
                    _named_heuristic(b.mod.functions[value.id], fn.name)
                    continue
                if not (isinstance(key, ast.Constant) and isinstance(value, ast.Lambda)):
                    b.bad("forbidden_decorator", "triton.heuristics values must be lambdas or module-level functions",
                          dec)
                    continue
                b.defaults(value.args)
                b.mod.nested(value, None, meta=True, meta_of=fn.name)
        else:
            b.bad("forbidden_decorator", f"@{path or ast.unparse(dec)[:40]} on a kernel", dec)
    b.defaults(fn.args, fn.returns)


def _named_heuristic(hfn: Fn, kernel: str) -> None:
    """``@triton.heuristics({"BLOCK": _block})`` with ``def _block(args): ...`` of the module (honest
    round 12 H7): checked as such a lambda is, its first parameter the launch metadata of ``kernel``
    (as for a named grid function, :func:`.calls.launch`)."""
    hfn.seeded, hfn.meta_of, hfn.sized = True, kernel, True
    hfn.param_kinds = [OPAQUE] + [SIZE] * (len(hfn.all_params) - 1)


def _kernel_path(mod: ModuleScope, node: ast.expr, local: set[str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in mod.aliases and node.id not in local:
        return ".".join([mod.aliases[node.id], *reversed(parts)])
    return None


def check_kernel_body(mod: ModuleScope, fn: ast.FunctionDef, rep: Report, device_helper: bool = False) -> None:
    a = fn.args
    local = {p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]}
    local |= {p.arg for p in (a.vararg, a.kwarg) if p is not None}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            local.add(node.id)
    where = f"kernel {fn.name}"
    inner = {id(n.value) for n in ast.walk(fn) if isinstance(n, ast.Attribute)}
    for stmt in fn.body:
        for node in ast.walk(stmt):
            if isinstance(node, _FORBIDDEN_NODES):
                rep.add("kernel_body", f"{type(node).__name__} in {where}", node)
            elif isinstance(node, ast.Attribute):
                if node.attr.startswith("_"):
                    rep.add("dunder_access" if node.attr.startswith("__") else "private_access",
                            f".{node.attr} in {where}", node)
                elif id(node) not in inner:
                    _kernel_chain(mod, node, local, where, rep)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if not (id(node) in inner and node.id in mod.aliases and node.id not in local):
                    _kernel_name(mod, node, local, where, rep)  # an import alias under a chain: judged whole
            elif isinstance(node, ast.Call):
                _kernel_call(mod, node, local, where, rep)
    if not device_helper:
        _host_objects(fn, where, rep)
        _param_attributes(fn, where, rep)
    for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
        if arg.annotation is not None:
            path = _kernel_path(mod, arg.annotation, set())
            if path is None or not TL.kernel_path_ok(path):
                rep.add("kernel_body", f"annotation {ast.unparse(arg.annotation)[:30]} in {where}", arg)
            elif path.rsplit(".", 1)[-1] == "constexpr" and not ast.unparse(arg.annotation).endswith("constexpr"):
                # Triton sees the object (a constexpr parameter); the size/tensor rules read the
                # written name, so a renamed import would let a tensor reach the compiler
                rep.add("kernel_body", f"tl.constexpr written as {ast.unparse(arg.annotation)[:30]} in {where} "
                        "(write tl.constexpr)", arg)


def _kernel_chain(mod: ModuleScope, node: ast.Attribute, local: set[str], where: str, rep: Report) -> None:
    """A whole attribute chain: ``<listed module>.<listed name>`` then Triton value attributes;
    on a local value, Triton value attributes only (never a module reached through a value)."""
    path = _kernel_path(mod, node, local)
    if path is not None:
        if not TL.kernel_path_ok(path):
            rep.add("kernel_body", f"{path} in {where} (not a listed triton.language API)", node)
        return
    parts: list[str] = []
    base: ast.expr = node
    while isinstance(base, ast.Attribute):
        parts.append(base.attr)
        base = base.value
    bad = [p for p in parts if p not in TL.KERNEL_VALUE_ATTRS]
    if bad:
        rep.add("kernel_body", f".{bad[-1]} in {where} (not an attribute of Triton values)", node)


def _kernel_call(mod: ModuleScope, node: ast.Call, local: set[str], where: str, rep: Report) -> None:
    """A kernel body calls only ``tl.*`` API names, other kernels, listed builtins and methods of
    values (their names judged as attributes): never a local, a parameter, a module-level value
    (``FULL = torch.full``), an index or a call result."""
    f = node.func
    if isinstance(f, ast.Attribute):
        return  # a tl.* path or a method of a value: the chain check judges its names
    ok = False
    if isinstance(f, ast.Name) and f.id not in local:
        name = f.id
        ok = (name in mod.kernels or (name in mod.aliases and TL.kernel_path_ok(mod.aliases[name]))
              or (name in A.KERNEL_BUILTINS and name not in mod.consts) or not _defined(mod, name))
        if name in ("min", "max") and any(k.arg == "key" for k in node.keywords):
            ok = False  # a callback
    if not ok:
        rep.add("kernel_body", f"{where} calls {ast.unparse(f)[:40]} (only tl.*, kernels, builtins, methods)", node)


def _kernel_name(mod: ModuleScope, node: ast.Name, local: set[str], where: str, rep: Report) -> None:
    name = node.id
    if name in local or name in mod.kernels:
        return
    if name in mod.aliases:
        path = mod.aliases[name]
        if not TL.kernel_path_ok(path):
            rep.add("kernel_body", f"{path} in {where} (not a listed triton.language API)", node)
        return
    if name in mod.consts and mod.consts[name] == SIZE and name not in mod.functions:
        return
    if name in A.KERNEL_BUILTINS and name not in mod.consts:
        return
    if not _defined(mod, name):
        return  # a NameError when the kernel compiles: a compile error, not a rule
    rep.add("kernel_body", f"{name} in {where} (not a parameter, local, tl.* or size constant)", node)


def _defined(mod: ModuleScope, name: str) -> bool:
    """Is ``name`` bound anywhere the kernel could see it (module level or builtins)?"""
    import builtins

    return (name in mod.consts or name in mod.functions or name in mod.classes or name in mod.references
            or name in mod.exts or hasattr(builtins, name) or any(
                isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                for n in ast.walk(mod.tree)))


def _carries(node: ast.AST | None, raw: set[str]) -> bool:
    """Does ``node`` hold a raw parameter as it is? Through names, displays, conditionals and
    arithmetic with nothing but constants (``D + []``, ``D * 1``); never through a call (``tl.*``
    returns Triton values), a comparison, or arithmetic with a Triton value (``offs % M``)."""
    if isinstance(node, ast.Name):
        return node.id in raw
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_carries(e, raw) for e in node.elts)
    if isinstance(node, ast.Dict):
        return any(_carries(e, raw) for e in [*node.keys, *node.values])
    if isinstance(node, ast.IfExp):
        return _carries(node.body, raw) or _carries(node.orelse, raw)
    if isinstance(node, ast.BoolOp):
        return any(_carries(v, raw) for v in node.values)
    if isinstance(node, ast.NamedExpr | ast.Starred):
        return _carries(node.value, raw)
    if isinstance(node, ast.BinOp):
        sides = (node.left, node.right)
        return any(_carries(x, raw) for x in sides) and all(_carries(x, raw) or _inert(x) for x in sides)
    return False


def _inert(node: ast.expr) -> bool:
    """A constant, or a display of constants (no Triton value in it)."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Tuple | ast.List | ast.Set) and all(_inert(e) for e in node.elts)


def raw_names(fn: ast.FunctionDef, constexpr: bool = False) -> set[str]:
    """The parameters of ``fn`` that are not ``tl.constexpr`` (all of them with ``constexpr``), and
    the locals bound to one as it is."""
    a = fn.args
    params = [*a.posonlyargs, *a.args, *a.kwonlyargs]
    raw = {p.arg for p in params if constexpr or p.annotation is None
           or not ast.unparse(p.annotation).endswith("constexpr")}
    raw |= {p.arg for p in (a.vararg, a.kwarg) if p is not None}
    for _ in range(4):  # a ... = raw chain of locals (a few steps cover real code)
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.NamedExpr) and \
                    node.value is not None and _carries(node.value, raw):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                raw |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return raw


def device_helpers(kernels: dict[str, ast.FunctionDef], tree: ast.Module) -> set[str]:
    """Kernels only ever called from other kernels' bodies, each call passing no raw value of
    its caller (:func:`raw_names`): their parameters are Triton values, never host objects, so
    :func:`_host_objects` does not apply (``p[:, None]`` in a helper is ordinary Triton)."""
    inside: set[int] = set()
    ok = set(kernels)
    for name, fn in kernels.items():
        raw = raw_names(fn)
        for node in ast.walk(fn):
            inside.add(id(node))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in kernels:
                inside.add(id(node.func))
                args = [*node.args, *(k.value for k in node.keywords)]
                if any(_carries(x, raw) or isinstance(x, ast.Starred) for x in args) or \
                        any(k.arg is None for k in node.keywords):
                    ok.discard(node.func.id)
    for node in ast.walk(tree):  # named anywhere else (launched, passed, decorated ...): not a helper
        if isinstance(node, ast.Name) and node.id in ok and id(node) not in inside:
            ok.discard(node.id)
    return ok


def _host_objects(fn: ast.FunctionDef, where: str, rep: Report) -> None:
    """Under the interpreter a launch argument that is not a tensor, number or tuple (a list, a
    dict, a function) reaches the body as the host object itself. A parameter, and a local bound
    to one as it is, is never indexed, iterated, unpacked, starred or called (a ``tl.constexpr``
    parameter is only never called): ``D[0].max(D[1])`` on ``D=[x, zero]`` is torch in a kernel."""
    a = fn.args
    params = [*a.posonlyargs, *a.args, *a.kwonlyargs]
    raw = raw_names(fn)
    const = {p.arg for p in params} - raw
    for node in ast.walk(fn):
        what = None
        if isinstance(node, ast.Subscript) and _carries(node.value, raw):
            what = "indexes"
        elif isinstance(node, ast.For | ast.comprehension) and _carries(node.iter, raw):
            what = "iterates over"
        elif isinstance(node, ast.Starred) and _carries(node.value, raw):
            what = "unpacks"
        elif isinstance(node, ast.Assign) and _carries(node.value, raw) and any(
                isinstance(t, ast.Tuple | ast.List) for t in node.targets):
            what = "unpacks"
        elif isinstance(node, ast.Call) and not isinstance(node.func, ast.Attribute) and _carries(node.func, raw | const):
            what = "calls"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("max", "min", "tuple") \
                and len(node.args) == 1 and _carries(node.args[0], raw):
            what = f"{node.func.id}() iterates over"
        if what:
            rep.add("kernel_body", f"{where} {what} a parameter ({ast.unparse(node)[:40]}): under the "
                    "interpreter a list, dict or function argument arrives as the host object", node)


def _param_attributes(fn: ast.FunctionDef, where: str, rep: Report) -> None:
    """On a parameter (or a local bound to one as it is) a kernel reads only ``.dtype``, ``.type``,
    ``.value`` or calls ``.to(...)``, then dtype metadata: a launch argument is a pointer, a number
    or a constexpr. Whatever host object reaches the parameter (red team 4 launched a kernel with
    ``self`` and read ``M.T.softmax(-1)``, called ``M.store(r)``), the body cannot reach into it."""
    params = raw_names(fn, constexpr=True)
    for _ in range(4):  # ``q = M.to()``: what ``.to()`` of a parameter returns may be the object itself
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.NamedExpr) and node.value is not None \
                    and _param_rooted(node.value, params):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                params |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    for node in ast.walk(fn):
        if not isinstance(node, ast.Attribute) or not _param_rooted(node.value, params):
            continue
        chain = [node.attr]
        outer: ast.AST = node
        for parent in ast.walk(fn):  # the rest of the chain above this attribute
            if isinstance(parent, ast.Attribute) and parent.value is outer:
                chain.append(parent.attr)
                outer = parent
        bad = chain[0] not in TL.PARAM_ATTRS or any(a not in TL.PARAM_META_ATTRS for a in chain[1:])
        if bad:
            rep.add("kernel_body", f"{where} reads .{'.'.join(chain)} of a parameter (only .dtype, .type, "
                    ".value, .to() and dtype metadata: a host object passed to the launch arrives as itself)",
                    node)


def _param_rooted(node: ast.AST, params: set[str]) -> bool:
    """A parameter as it is (:func:`_carries`), or ``.to(...)`` of one (``Module.to()`` is the module)."""
    if _carries(node, params):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "to" \
        and _param_rooted(node.func.value, params)
