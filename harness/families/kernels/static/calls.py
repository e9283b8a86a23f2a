"""Calls in checked code: kernel launches, allowlisted library calls, helpers, builtins, methods."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from harness.families.kernels.static import allow as A
from harness.families.kernels.static import autograd as AG
from harness.families.kernels.static import hostobj as HO
from harness.families.kernels.static import modlist as ML
from harness.families.kernels.static import narrow as NW
from harness.families.kernels.static import outcopy as OC
from harness.families.kernels.static import plain as SP
from harness.families.kernels.static import seeddraw as SD
from harness.families.kernels.static.bind import fresh_container
from harness.families.kernels.static.names import path_kind
from harness.families.kernels.static.policy import LOAD_INLINE_PATH, TIMER_ATTRS
from harness.families.kernels.static.scope import Fn

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body

SIZE, OPAQUE, TENSOR = 0, 1, 2
_SIZE_RESULT = ("torch.finfo", "torch.iinfo", "torch.device", "torch.Size", "torch.broadcast_shapes",
                "torch.promote_types", "torch.get_default_dtype", "torch.is_tensor", "torch.is_floating_point",
                "torch.cuda.")
#: size results that take a tensor and read only its metadata (never its values)
_TENSOR_PREDICATES = frozenset({"torch.is_tensor", "torch.is_floating_point"})


def _args(b: Body, n: ast.Call) -> list[int]:
    for k in n.keywords:
        if k.arg is not None and k.arg.startswith("_"):
            b.bad("private_access", f"keyword {k.arg}=", n)
    return [b.expr(a) for a in n.args] + [b.expr(k.value) for k in n.keywords]


def call_kind(b: Body, n: ast.Call) -> int:
    f = n.func
    if b.in_annotation:
        b.bad("forbidden_call", f"a call in an annotation ({ast.unparse(n)[:40]})", n)
    if isinstance(f, ast.Subscript) and b.is_kernel(f.value):
        return launch(b, n, f)
    if isinstance(f, ast.Subscript) and ML.container_of(b, f) is not None:
        return ML.call_container(b, n, ML.container_of(b, f), sequential=isinstance(f.slice, ast.Slice))  # type: ignore[arg-type]
    if isinstance(f, ast.Name):
        return _call_name(b, n, f)
    if isinstance(f, ast.Attribute):
        return _call_attr(b, n, f)
    b.bad("forbidden_call", f"calls a computed value ({ast.unparse(f)[:40]})", n)
    b.expr(f)
    _args(b, n)
    return OPAQUE


def launch(b: Body, n: ast.Call, f: ast.Subscript) -> int:
    """``kernel[grid](...)``: the grid is size arithmetic (a lambda gets the launch metadata);
    tensors may go to pointer parameters, never to ``tl.constexpr`` ones."""
    grid = f.slice
    kname = f.value.id if isinstance(f.value, ast.Name) else None
    kname = b.mod.kernel_aliases.get(kname, kname) if kname is not None else None
    if isinstance(grid, ast.Lambda):
        b.defaults(grid.args)
        b.mod.nested(grid, b.fn, meta=True, meta_of=kname)
    elif isinstance(grid, ast.Name) and b.local_fn(grid.id) is not None:
        b.mod.nested(b.local_fn(grid.id).node, b.fn, meta=True, meta_of=kname)  # type: ignore[union-attr, arg-type]
    elif isinstance(grid, ast.Name) and grid.id in b.mod.functions:
        gfn = b.mod.functions[grid.id]
        gfn.seeded, gfn.meta_of, gfn.sized = True, kname, True
        gfn.param_kinds = [OPAQUE] + [SIZE] * (len(gfn.all_params) - 1)
    elif b.expr(grid) != SIZE:  # ``k[(x,)]``: Triton reads the grid's values as program counts
        b.bad("host_value", f"a launch grid from a value that may be a tensor ({ast.unparse(grid)[:40]})", grid)
    kernel = b.mod.kernels.get(kname) if kname is not None else None
    constexpr = _constexpr_params(kernel) if kernel is not None else set()
    names = [a.arg for a in kernel.args.args] if kernel is not None else []
    for a in [*n.args, *(kw.value for kw in n.keywords)]:
        what = HO.host_object(b, a)
        if what:
            b.bad("host_object", f"passes {what} to kernel {kname or '?'} (launch arguments are tensors, "
                  "sizes, None or dtypes)", a)
    kinds = []
    for i, a in enumerate(n.args):
        k = b.expr(a)
        kinds.append(k)
        if i < len(names) and names[i] in constexpr and k != SIZE:
            b.bad("torch_compute", f"passes a tensor as tl.constexpr {names[i]}", a)
    by_name = {}
    for kw in n.keywords:
        k = b.expr(kw.value)
        if (kw.arg in constexpr or kw.arg is None or kw.arg not in names) and k != SIZE:
            b.bad("torch_compute", f"passes a tensor as launch option {kw.arg}", kw.value)
        by_name[kw.arg] = k
    _record_args(b, n, kernel, kinds, by_name)
    return OPAQUE


def _record_args(b: Body, n: ast.Call, kernel: ast.FunctionDef | None, kinds: list[int],
                 by_name: dict[str | None, int]) -> None:
    """What a launch passes for each kernel parameter (``meta["KEY"]`` in grids and heuristics);
    a launch through a local alias counts as a launch of every kernel."""
    starred = any(isinstance(a, ast.Starred) for a in n.args) or None in by_name
    for kn in [kernel] if kernel is not None else list(b.mod.kernels.values()):
        seen = b.mod.kernel_args.setdefault(kn.name, {})
        for i, p in enumerate(a.arg for a in kn.args.args):
            k = OPAQUE if starred else (kinds[i] if i < len(kinds) else by_name.get(p, SIZE))
            seen[p] = max(seen.get(p, SIZE), k)


def _constexpr_params(kernel: ast.FunctionDef) -> set[str]:
    out = set()
    for a in kernel.args.args:
        ann = a.annotation
        if ann is not None and ast.unparse(ann).endswith("constexpr"):
            out.add(a.arg)
    return out


def call_fn(b: Body, fn: Fn, n: ast.Call, bound: int | None = None) -> int:
    """A call of the answer's own function: its parameters learn the argument kinds."""
    if fn.mode == "init" and b.mode != "init":
        b.bad("forbidden_call", f"calls {fn.name} (an __init__, where torch may run) outside __init__", n)
    kinds = [] if bound is None else [bound]
    starred = any(isinstance(a, ast.Starred) for a in n.args) or any(k.arg is None for k in n.keywords)
    kinds += [b.expr(a) for a in n.args]
    names = fn.all_params
    by_name = {k.arg: b.expr(k.value) for k in n.keywords if k.arg is not None}
    for k in n.keywords:
        if k.arg is None:
            b.expr(k.value)
    full = [OPAQUE if starred else _param_kind(fn, i, p, kinds, by_name) for i, p in enumerate(names)]
    if b.report is False or not fn.calls or full not in fn.calls:
        fn.calls.append(full)
    return fn.ret


def _param_kind(fn: Fn, i: int, p: str, kinds: list[int], by_name: dict[str, int]) -> int:
    """What a call passes for parameter ``p`` (the ``i``-th of ``fn.all_params``): ``*args`` gets
    the extra positional arguments, ``**kw`` the extra keywords (``g(4, x)`` of ``def g(*ts)``
    typed ``ts`` by the 4 alone)."""
    a = fn.node.args
    npos = len(a.posonlyargs) + len(a.args)
    if a.vararg is not None and p == a.vararg.arg:
        return max(kinds[npos:], default=SIZE)
    if a.kwarg is not None and p == a.kwarg.arg:
        return max([k for n, k in by_name.items() if n not in fn.all_params], default=SIZE)
    return kinds[i] if i < min(len(kinds), npos) else by_name.get(p, SIZE)


def _call_name(b: Body, n: ast.Call, f: ast.Name) -> int:
    name = f.id
    fn = b.local_fn(name)
    if fn is not None:
        return call_fn(b, fn, n)
    if ML.modvar(b, name) is not None:
        return ML.call_container(b, n, ML.modvar(b, name), sequential=False)  # type: ignore[arg-type]
    if b.lookup(name) is not None:
        b.bad("forbidden_call", f"calls the value {name}", n)
        _args(b, n)
        return OPAQUE
    mod = b.mod
    if name in mod.functions:
        return call_fn(b, mod.functions[name], n)
    if name in mod.kernels:
        b.bad("forbidden_call", f"calls @triton.jit {name} without a launch grid", n)
    elif name in mod.plain:
        return SP.instantiate(b, n, name)
    elif name in mod.classes and name != mod.entry and b.mode == "init":
        _args(b, n)  # a helper nn.Module built in __init__ (its own __init__ is checked as one)
        return OPAQUE
    elif name in mod.classes or name in mod.references:
        b.bad("reference_call" if name in mod.references else "forbidden_call", f"instantiates {name}", n)
    elif name in mod.aliases:
        return call_path(b, n, mod.aliases[name], f)
    elif name in mod.call_aliases:  # ``next_power_of_2 = triton.next_power_of_2``: a call of the path
        return call_path(b, n, mod.call_aliases[name], f)
    elif name in mod.consts:  # S = sum; S(x): a value, never called (it hid a builtin or library function)
        b.bad("forbidden_call", f"calls the module-level value {name}", n)
    elif name in A.BUILTINS:
        return _call_builtin(b, n, name)
    else:
        b.e_Name(f)
    _args(b, n)
    return OPAQUE


def _call_builtin(b: Body, n: ast.Call, name: str) -> int:
    if name == "super":
        b.bad("forbidden_call", "super() outside super().__init__() in __init__", n)
        return OPAQUE
    if name == "int" and len(n.args) == 1 and not n.keywords and SD.drawn_value(b, n.args[0]) is not None:
        return SD.read_value(b, n.args[0])  # ``int(torch.randint(0, 2**31 - 1, (1,)))``: the seed
    if name == "print":
        for k in n.keywords:
            if k.arg not in A.PRINT_KEYWORDS:
                b.bad("forbidden_call", f"print({k.arg}=...): only {sorted(A.PRINT_KEYWORDS)}", n)
        _args(b, n)  # the text goes to the log, never back into the answer's values
        return SIZE
    for k in n.keywords:
        if k.arg == "key" and not _own_callable(b, k.value):
            b.bad("forbidden_call", f"{name}(key={ast.unparse(k.value)[:40]}): a callback must be a lambda "
                  "or the answer's own function", n)
    kinds = [b.expr(a) for a in n.args] + [b.expr(k.value) for k in n.keywords if k.arg != "key"]
    for k in n.keywords:
        key = _key_fn(b, k.value) if k.arg == "key" else None
        if key is None:
            if k.arg == "key":
                b.expr(k.value)  # not the answer's own function (rejected above): what it names
            continue
        full = [max([*kinds[:len(n.args)], SIZE])] * len(key.all_params)  # called on the items
        if b.report is False or full not in key.calls:
            key.calls.append(full)
        if key.ret != SIZE:  # ``max(range(n), key=lambda i: xv[int(i)])``: an argmax of tensor values
            b.bad("torch_compute", f"{name}(key=...) compares tensor values (the key returns a tensor)", n)
    if name in A.SCALAR_CASTS and NW.cast_of_non_tensor(b, n):
        return SIZE  # ``float(v)`` where ``isinstance(v, torch.Tensor)`` is false
    if name in A.SCALAR_CASTS and OPAQUE in kinds and TENSOR not in kinds:
        # ``int(x)`` of a one-element tensor is its value: sizes only (a number ``forward`` gets is
        # a size where the reference annotates or passes a number there: ``static.scalar_positions``)
        b.bad("host_value", f"{name}() of a value that may be a tensor reads its value into Python", n)
        return OPAQUE
    fresh = [name in A.CONTAINER_BUILTINS and b.fresh(a) for a in n.args]  # ``enumerate(outs)``: items' kind
    if name in A.SIZE_ONLY_BUILTINS and any(k != SIZE and not (i < len(fresh) and fresh[i])
                                            for i, k in enumerate(kinds)):
        b.bad("torch_compute", f"{name}() on a tensor reads or computes values outside a kernel", n)
    return SIZE if name not in ("tuple", "list", "dict", "zip", "enumerate", "reversed") else max(kinds, default=SIZE)


def _key_fn(b: Body, node: ast.expr) -> Fn | None:
    """The answer's own function passed as ``key=`` (its parameters take the items' kind)."""
    if isinstance(node, ast.Lambda):
        b.defaults(node.args)
        return b.mod.nested(node, b.fn)
    if isinstance(node, ast.Name):
        return b.local_fn(node.id) or (b.mod.functions.get(node.id) if b.lookup(node.id) is None else None)
    return None


def _own_callable(b: Body, node: ast.expr) -> bool:
    """A lambda or a function the answer defines (its body is checked like any helper's)."""
    if isinstance(node, ast.Lambda):
        return True
    return isinstance(node, ast.Name) and (b.local_fn(node.id) is not None or (
        node.id in b.mod.functions and b.lookup(node.id) is None))


def call_path(b: Body, n: ast.Call, path: str, f: ast.expr) -> int:
    if path == SD.PATH and b.mode != "init":  # a seed for the kernels (ModelNew.__init__: its own rule)
        return SD.draw(b, n)
    path_kind(b, path, f)
    if path.startswith("typing."):
        b.bad("forbidden_call", f"{path}() (typing is for annotations only)", n)
    module_constant = path == "triton.language.constexpr" and b.mode == "module"  # ``C = tl.constexpr(0.5)``:
    # the only way Triton lets a kernel read a module-level constant (its kind is checked below)
    if path in ("triton.jit", "triton.autotune", "triton.heuristics") or (
            path.startswith("triton.language") and not module_constant):
        b.bad("forbidden_call", f"{path}() outside a kernel (or a decorator used as a call)", n)
    if path == "triton.Config":
        bad = [k.arg for k in n.keywords if k.arg not in A.CONFIG_KEYWORDS]
        bad += ["positional arguments after the first"] if len(n.args) > 1 else []
        if bad:
            b.bad("forbidden_decorator", f"triton.Config({bad[0]}=...) runs Python at launch", n)
    kinds = _args(b, n)
    size_result = path.startswith((*_SIZE_RESULT, "triton.")) and path not in _TENSOR_PREDICATES
    if (path in A.SIZE_FUNCTIONS or path.startswith("math.") or size_result) and any(k != SIZE for k in kinds):
        # a size-producing call reads its arguments into Python: ``torch.Size(x.view(torch.int32))``
        # turned tensor values into ints typed as sizes, and plain Python then computed the answer
        b.bad("torch_compute", f"{path}() on a tensor outside a kernel (its result would be a size)", n)
        return OPAQUE
    if path in A.SIZED_ALLOCATIONS:
        _sizes_only(b, n, path, kinds)
    if path in A.SIZE_FUNCTIONS or path.startswith(("math.", "triton.", "typing.", "logging.", "dataclasses.")) or \
            path.startswith(_SIZE_RESULT):
        return SIZE
    return SIZE if path == LOAD_INLINE_PATH else TENSOR


def _sizes_only(b: Body, n: ast.Call, path: str, kinds: list[int]) -> None:
    """An allocation's shape, strides, offset and range come from sizes, never from tensor values
    (``torch.empty(x[i]).numel()`` was the value of ``x[i]``); a ``*_like`` / ``as_strided``
    source tensor and a fill value may be tensors."""
    first = 1 if path.endswith("_like") or path == "torch.as_strided" else 0
    skip = {1} if path in ("torch.full", "torch.full_like") else set()
    pos = list(enumerate(kinds[:len(n.args)]))
    pos += [(-1, k) for kw, k in zip(n.keywords, kinds[len(n.args):], strict=True) if kw.arg in A.SIZE_KEYWORDS]
    if any(k != SIZE and (i < 0 or (i >= first and i not in skip)) for i, k in pos):
        b.bad("torch_compute", f"{path}() with a tensor shape, offset or range (read from tensor values)", n)


def _call_attr(b: Body, n: ast.Call, f: ast.Attribute) -> int:
    path = b.alias_path(f)
    if path is not None:
        return call_path(b, n, path, f)
    if f.attr == "__init__" and isinstance(f.value, ast.Call) and isinstance(f.value.func, ast.Name) \
            and f.value.func.id == "super" and not b.is_local("super"):
        if b.mode not in ("init", "plain_init"):
            b.bad("forbidden_call", "super().__init__() outside __init__", n)
        _args(b, n)
        return SIZE
    ctx = AG.call(b, n, f)  # ``ctx.save_for_backward(...)``, ``Cls.apply(...)``
    if ctx is not None:
        return ctx
    static = b.mod.static_call(f)
    if static is not None and isinstance(f.value, ast.Name) and not b.is_local(f.value.id):
        return call_fn(b, static, n)  # ``ModelNew.helper(n)``: no bound argument
    if f.attr.startswith("__"):
        b.bad("dunder_access", f".{f.attr}()", n)
        _args(b, n)
        return OPAQUE
    attr = b.self_attr(f)
    if attr is not None and b.fn is not None:
        from harness.families.kernels.static.names import _owner

        method = b.mod.method_of(_owner(b), attr)
        if method is not None:
            return call_fn(b, method, n, bound=None if method.static else OPAQUE)  # a staticmethod binds no self
        if attr in b.mod.modlists and attr not in b.mod.poisoned and b.mode != "init":
            return ML.call_container(b, n, b.mod.modlists[attr], sequential=True)
        sub = b.mod.submodules.get(attr)
        forward = b.mod.methods.get((sub, "forward")) if sub else None
        if forward is not None and b.mode != "init":
            return call_fn(b, forward, n, bound=OPAQUE)
    if b.is_ext(f.value):
        _args(b, n)
        return TENSOR
    return _method(b, n, f)


def _method(b: Body, n: ast.Call, f: ast.Attribute) -> int:
    m = f.attr
    if m.startswith("_"):
        b.bad("dunder_access" if m.startswith("__") else "private_access", f".{m}()", n)
        return OPAQUE
    appended = ML.container_append(b, n, f)
    if appended:
        return SIZE
    if m == "item" and not n.args and not n.keywords and SD.drawn_value(b, f.value) is not None:
        return SD.read_value(b, f.value)  # ``torch.randint(0, 2**31 - 1, (1,)).item()``: the seed
    rk = b.expr(f.value)
    plain = SP.call_method(b, n, f, rk)
    if plain is not None:
        return plain
    kinds = _args(b, n)
    if m == "copy_" and OC.out_copy(b, n, f):  # ``out.copy_(result)`` of a kernel's output (outcopy.py)
        return rk
    if m in A.SIZE_METHODS:  # on any receiver (kinds only grow: an early pass may see a size)
        if any(k != SIZE for k in kinds):  # ``x.size(t)``: a dimension index read from tensor values
            b.bad("torch_compute", f".{m}() with a tensor argument (an index read from tensor values)", n)
        return SIZE
    if m in A.VALUE_TAKING_METHODS and any(k != SIZE for k in kinds):
        b.bad("torch_compute", f".{m}() with a tensor value outside a kernel", n)
        return TENSOR
    if m in A.VIEW_METHODS and rk != SIZE:
        if m not in A.TENSOR_ARG_VIEWS and any(k != SIZE for k in kinds):  # ``b.narrow(0, x[i], 1)``:
            # its ``storage_offset()`` would be the value of ``x[i]``, read as a size
            b.bad("torch_compute", f".{m}() with a tensor argument (a size or offset taken from tensor values)", n)
        return TENSOR
    if m in A.CONTAINER_READS and b.fresh(f.value):  # ``d.get("y")`` of a dict of tensors
        return max(rk, *kinds) if kinds else rk
    if rk == SIZE and m in A.PLAIN_METHODS:
        if any(k != SIZE for k in kinds):
            b.bad("torch_compute", f".{m}() of a tensor reads its values into Python", n)
        return SIZE
    if rk == SIZE and m in A.LOG_METHODS:
        return SIZE  # a logger's level methods: the text goes to the log
    own = isinstance(f.value, ast.Name) and b.fn is not None and f.value.id in b.fn.env
    if m in A.MUTATING_METHODS and (rk == SIZE or (own and fresh_container(b.fn.node, f.value.id))):  # type: ignore[union-attr, attr-defined]
        if not own:
            b.bad("module_state", f".{m}() on {ast.unparse(f.value)[:40]}, which outlives the call", n)
        elif any(k != SIZE for k in kinds):  # ``box = []; box.append(x); box[0] * 2``: not a list of sizes
            # ``extend``/``update`` store the *items* of their argument: rows of a tensor are tensors
            b.put_into(f.value, TENSOR if m in ("extend", "update") else max(kinds), n)  # type: ignore[arg-type]
        return max(rk, *kinds) if kinds else rk  # ``pop()`` / ``setdefault()`` hand back what was stored
    if m in A.SHARED_MEMORY_NAMES:
        b.bad("forbidden_attribute", f".{m}() (file-backed or shared-memory storage)", n)
        return OPAQUE
    if b.mode == "init" and not any(p in m for p in A.INIT_METHODS_DENIED_PARTS):
        return max(rk, OPAQUE, *kinds) if kinds else max(rk, OPAQUE)
    if m in TIMER_ATTRS:
        b.bad("timer_access", f".{m}()", n)
    elif rk == SIZE:
        b.bad("forbidden_call", f".{m}() is not on the allowlist", n)
    else:
        b.bad("torch_compute", f"tensor method .{m}() outside a kernel", n)
    return OPAQUE
