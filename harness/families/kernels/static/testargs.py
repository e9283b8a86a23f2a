"""Which arguments of a TritonBench-T entry function the problem fills with numbers: the positions at
which every call of the entry in the problem's own code (the reference part and its test section, both
the benchmark's, never the answer's) passes a number, or a tuple or list of numbers, written as a
literal or as a name every binding of which is one (honest round 11 F4: ``def logsumexp(input, dim,
keepdim=False)`` called as ``logsumexp(x, dim=0)`` leaves ``dim`` unannotated, and it counted as a
possible tensor, so every shape use of it was rejected as tensor compute).

Fail closed: an entry named anywhere but as the callee of a plain call (``f = logsumexp``,
``map(logsumexp, ...)``), a call with ``*args`` or ``**kwargs``, or a name bound by anything but an
assignment of a literal or a ``for`` over ``range(...)`` or a literal sequence gives no position. At
run time the op recorder still counts torch compute on whatever the answer is passed
(``runtime_torch_compute``).

:func:`entry_kinds` also names the reference's parameters and the positions calls fill with possible
tensors, so that the answer's parameters are typed from the reference by name (red team 11d S5, S1)."""
from __future__ import annotations

import ast

from harness.families.kernels.static.body import SIZE, default_kind
from harness.families.kernels.static.layerargs import layer_positions
from harness.families.kernels.static.policy import DTYPE_NAMES

REFERENCE = "*"  # "*name": a parameter of the reference's entry
POSITIONAL = "*@"  # "*@i": a position some call of the entry fills positionally with a possible tensor
UNPASSED = "*-"  # "*-name": a parameter no call of the entry passes (every call visible): the answer's default
WRAPPER = "*w:"  # "*w:fn/marker": the kinds of another function the test section calls (honest round 13 H1)
_NUMBER = (int, float, bool)


def _literal(node: ast.expr | None) -> bool:
    """A number (signed too), a string, ``None``, a ``torch.<dtype>`` (``torch.float64``: honest round
    12 H5, a ``dtype=None`` parameter the test section fills with one), or a tuple or list of such
    literals (nested; ``([1, 0], [0, 1])``)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "torch":
        return node.attr in DTYPE_NAMES
    if isinstance(node, ast.Constant):
        return type(node.value) in _NUMBER or node.value is None or isinstance(node.value, str)
    if isinstance(node, ast.Tuple | ast.List):
        return all(_literal(e) for e in node.elts)
    return False


def _loop_of_numbers(it: ast.expr) -> bool:
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" and not it.keywords:
        return all(_literal(a) for a in it.args)
    return isinstance(it, ast.Tuple | ast.List) and all(_literal(e) for e in it.elts)


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of a module or function body, nested function and class bodies left out (their
    names and a function's own parameters are in)."""
    out: list[ast.AST] = []
    todo: list[ast.AST] = [*scope.args.args, *scope.args.posonlyargs, *scope.args.kwonlyargs] \
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) else []
    todo += [a for a in (getattr(getattr(scope, "args", None), "vararg", None),
                         getattr(getattr(scope, "args", None), "kwarg", None)) if a is not None]
    todo += list(getattr(scope, "body", []))
    while todo:
        node = todo.pop()
        out.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            todo.extend(ast.iter_child_nodes(node))
    return out


def _pairs(node: ast.Assign | ast.AnnAssign) -> list[tuple[ast.expr, ast.expr | None]]:
    """(target, value) of an assignment, a tuple target unpacked from a literal tuple element by
    element (``B, N_CTX, H, D = 4, 1025, 12, 128``: honest round 13 P1a)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    out: list[tuple[ast.expr, ast.expr | None]] = []
    for t in targets:
        v = node.value
        if isinstance(t, ast.Tuple | ast.List) and isinstance(v, ast.Tuple | ast.List) and len(t.elts) == len(v.elts) \
                and not any(isinstance(e, ast.Starred) for e in [*t.elts, *v.elts]):
            out += list(zip(t.elts, v.elts, strict=True))
        else:
            out.append((t, v))
    return out


def _number_names(scope: ast.AST, outer: dict[str, bool] | None = None) -> dict[str, bool]:
    """Names bound in ``scope`` -> whether every binding there is a number literal or a name that is
    one (``p_max_len_in_batch = seq_len`` where ``seq_len = 10``: honest round 13 P1a), followed
    through chains in ``scope`` and then ``outer`` (the module's, for a name ``scope`` never binds);
    a cycle, a call, an attribute or any other binding is none."""
    nodes = _own_nodes(scope)
    good: set[int] = set()  # ids of Name targets bound to a literal
    alias: dict[int, str] = {}  # ids of Name targets bound to a bare name -> that name
    for node in nodes:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            for t, v in _pairs(node):
                if isinstance(t, ast.Name) and _literal(v):
                    good.add(id(t))
                elif isinstance(t, ast.Name) and isinstance(v, ast.Name):
                    alias[id(t)] = v.id
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name) and _loop_of_numbers(node.iter):
            good.add(id(node.target))
    bindings: dict[str, list[int]] = {}
    verdict: dict[str, bool] = {}
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bindings.setdefault(node.id, []).append(id(node))
        elif isinstance(node, ast.arg):
            verdict[node.arg] = False
        elif isinstance(node, ast.alias):
            verdict[(node.asname or node.name).split(".")[0]] = False
        elif isinstance(node, ast.Global | ast.Nonlocal):
            verdict.update(dict.fromkeys(node.names, False))
        elif isinstance(node, ast.ExceptHandler | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) \
                and node.name:
            verdict[node.name] = False
    known = {n: verdict.get(n, True) and all(b in good for b in bs) for n, bs in bindings.items()}
    changed = True
    while changed:  # least fixed point: an alias counts once the name it follows does
        changed = False
        for n, bs in bindings.items():
            if known[n] or not verdict.get(n, True) or any(b not in good and b not in alias for b in bs):
                continue
            if all(b in good or (known.get(alias[b], False) if alias[b] in bindings or alias[b] in verdict
                                 else (outer or {}).get(alias[b], False)) for b in bs):
                known[n] = changed = True
    verdict.update({n: verdict.get(n, True) and v for n, v in known.items()})
    return verdict


def _scopes(tree: ast.Module) -> dict[int, ast.AST]:
    """id of every call -> the function (or the module) whose body holds it."""
    where: dict[int, ast.AST] = {}
    for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]:
        for node in _own_nodes(scope):
            if isinstance(node, ast.Call):
                where[id(node)] = scope
    return where


def _passed(source: str, function: str, params: list[str], keyword_only: list[str] | tuple[str, ...]
            ) -> tuple[set[int | str], set[str], set[int]] | None:
    """(sizes as :func:`passed_numbers` gives them, names some call passes a possible tensor to, positions
    some call fills positionally with one); ``None`` where the calls are not all visible."""
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == function]
    callees = {id(c.func) for c in calls}
    if any(isinstance(n, ast.Name) and n.id == function and id(n) not in callees for n in ast.walk(tree)):
        return None  # the entry escapes (bound, passed on): its calls are not all visible
    if any(isinstance(a, ast.Starred) for c in calls for a in c.args) or \
            any(k.arg is None for c in calls for k in c.keywords):
        return None
    where, module = _scopes(tree), _number_names(tree)
    fns = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    nested = {id(n) for f in fns for n in _own_nodes(f) if n is not f}  # their free names are not the module's
    local = {id(s): _number_names(s, None if id(s) in nested else module)
             for s in set(where.values()) if s is not tree}

    def number(e: ast.expr, call: ast.Call) -> bool:
        if _literal(e):
            return True
        if not isinstance(e, ast.Name) or id(call) not in where:
            return False
        scope = where[id(call)]
        own = local.get(id(scope), {})
        return own[e.id] if e.id in own else (id(scope) not in nested and module.get(e.id, False))

    out: set[int | str] = set()
    others = {w.arg for c in calls for w in c.keywords if w.arg is not None and not number(w.value, c)}
    at = {i for c in calls for i, a in enumerate(c.args) if not number(a, c)}
    others |= {params[i] for i in at if i < len(params)}
    for k in keyword_only:
        passed_kw = [(w.value, c) for c in calls for w in c.keywords if w.arg == k]
        if passed_kw and all(number(g, c) for g, c in passed_kw):
            out.add(k)
    for i, name in enumerate(params):
        given = [(c.args[i] if i < len(c.args) else next((k.value for k in c.keywords if k.arg == name), None), c)
                 for c in calls]
        passed = [(g, c) for g, c in given if g is not None]
        if passed and all(number(g, c) for g, c in passed):
            out.add(i)
    return out, others, at


def passed_numbers(source: str, function: str, params: list[str], keyword_only: list[str] | tuple[str, ...] = ()
                   ) -> set[int | str]:
    """Positions in ``params`` (the entry's positional parameters), and names in ``keyword_only``, where
    every call of ``function`` in ``source`` that passes an argument there passes a number (or a string
    or ``None``: never a tensor either), and at least one call does."""
    found = _passed(source, function, params, keyword_only)
    return set() if found is None else found[0]


def entry_kinds(source: str, fn: ast.FunctionDef, annotated: set[int]) -> set[int | str]:
    """How the problem types the parameters of its entry ``fn`` (``source``: the reference and its test
    section): the positions and names of its sizes (``annotated`` positions, :func:`passed_numbers`,
    and a number default no visible call passes a possible tensor to), ``REFERENCE + name`` for every
    parameter (the answer's parameter of that name takes the reference's kind, whatever its own
    default: rt11d S5), ``POSITIONAL + str(i)`` for every position some call fills positionally with a
    possible tensor (all of them where the calls are not all visible), so an answer's parameter of
    another name there is no size either (rt11d S1), and ``UNPASSED + name`` for every parameter no
    call passes (where all are visible): it always holds the answer's own default; and the
    ``layerargs`` markers of positions every call fills with a layer the problem builds."""
    params = [*fn.args.posonlyargs, *fn.args.args]
    names = [a.arg for a in params]
    kwonly = [a.arg for a in fn.args.kwonlyargs]
    try:
        seen = _passed(source, fn.name, names, kwonly)
    except SyntaxError:
        seen = None
    sizes, others, at = seen if seen is not None else (set(), set(names + kwonly), set(range(len(names))))
    found: set[int | str] = {*annotated, *sizes}
    defaults = [None] * (len(names) - len(fn.args.defaults)) + list(fn.args.defaults)
    found |= {i for i, d in enumerate(defaults) if default_kind(d) == SIZE and names[i] not in others}
    found |= {names[i] for i in found if isinstance(i, int) and i < len(names)}
    found |= {k for k, d in zip(kwonly, fn.args.kw_defaults, strict=True) if default_kind(d) == SIZE and k not in others}
    # never passed by a visible call (div's ``rounding_mode=None``): it holds the answer's own default
    unpassed = set() if seen is None else \
        {n for i, n in enumerate(names) if i not in sizes and n not in sizes and n not in others} | \
        {k for k in kwonly if k not in sizes and k not in others}
    if seen is not None:  # layers the problem builds, at every call (``layerargs``: honest round 12 H11)
        found |= layer_positions(source, fn.name, names)
    return found | {REFERENCE + n for n in names + kwonly} | {POSITIONAL + str(i) for i in at} | \
        {UNPASSED + n for n in unpassed}


def wrapper_markers(name: str, kinds: set[int | str]) -> set[int | str]:
    """The kinds :func:`entry_kinds` gives another module-level function ``name`` of the reference that
    the test section calls (TritonBench-G's ``triton_mul2`` beside the entry ``triton_mul2_inplace``:
    honest round 13 H1), each under ``WRAPPER + name + "/"`` (a position as ``#i``)."""
    return {f"{WRAPPER}{name}/{'#' if isinstance(k, int) else ''}{k}" for k in kinds}


def wrapper_kinds(scalars: frozenset[int | str], name: str) -> frozenset[int | str] | None:
    """The kinds :func:`wrapper_markers` recorded for ``name`` (``None``: the test section calls no
    such function), in the form :func:`entry_kinds` gives them."""
    head = f"{WRAPPER}{name}/"
    rest = [s[len(head):] for s in scalars if isinstance(s, str) and s.startswith(head)]
    return frozenset(int(r[1:]) if r.startswith("#") else r for r in rest) if rest else None
