"""What the allowlist check knows about a candidate module: its imports, kernels, helpers, classes,
constants and the functions it analyses (:mod:`harness.families.kernels.static.body`)."""
from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

SIZE, OPAQUE, TENSOR = 0, 1, 2


@dataclass(frozen=True)
class Violation:
    rule: str
    detail: str
    line: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "detail": self.detail, "line": self.line}


@dataclass
class Report:
    out: list[Violation] = field(default_factory=list)

    def add(self, rule: str, detail: str, node: ast.AST | None = None) -> None:
        v = Violation(rule, detail, getattr(node, "lineno", 0))
        if v not in self.out:
            self.out.append(v)


@dataclass(eq=False)
class Fn:
    """A function the answer defines (method, helper, nested def or lambda)."""

    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    owner: ast.ClassDef | None = None
    parent: Fn | None = None
    mode: str = "normal"
    static: bool = False
    seeded: bool = False  # parameter kinds fixed by the contract (forward, __init__, entry, grids)
    escaped: bool = False  # referenced other than by a call: anything may call it
    test_called: bool = False  # seeded from the test section's calls (not the entry): escaped, opaque
    param_kinds: list[int] = field(default_factory=list)
    env: dict[str, int] = field(default_factory=dict)
    callables: dict[str, Fn] = field(default_factory=dict)
    kernel_locals: set[str] = field(default_factory=set)
    calls: list[list[int]] = field(default_factory=list)
    ret: int = SIZE
    ret_items: list[int] | None = None  # per position where every return is a tuple display (``narrow``)
    modvars: dict[str, set[str]] = field(default_factory=dict)  # loop variable -> module classes
    modvar_poison: set[str] = field(default_factory=set)  # ... also bound to something else
    meta_of: str | None = None  # a launch grid / heuristic: its first parameter holds this kernel's arguments
    sized: bool = False  # a launch grid / heuristic: Triton reads what it returns as sizes

    @property
    def params(self) -> list[str]:
        a = self.node.args
        return [p.arg for p in [*a.posonlyargs, *a.args]]

    @property
    def all_params(self) -> list[str]:
        a = self.node.args
        names = [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]]
        return names + [p.arg for p in (a.vararg, a.kwarg) if p is not None]

    @property
    def name(self) -> str:
        return getattr(self.node, "name", "<lambda>")

    def seed_params(self, final: bool) -> None:
        """Parameters take their kinds from the recorded call sites (sizes only if every caller
        passes sizes); escaped functions, and in the ``final`` pass never-called ones, get
        ``OPAQUE`` parameters."""
        names = self.all_params
        # the contract's kinds, joined with any direct call (a grid also called)
        if self.seeded and not (self.test_called and self.escaped):
            kinds = self.param_kinds + [OPAQUE] * (len(names) - len(self.param_kinds))
            for call in self.calls:
                kinds = [max(k, call[i] if i < len(call) else OPAQUE) for i, k in enumerate(kinds)]
        elif self.escaped or (final and not self.calls):
            kinds = [OPAQUE] * len(names)
        else:
            kinds = [SIZE] * len(names)
            for call in self.calls:  # (none yet: bottom, refined by later passes)
                for i in range(len(names)):
                    kinds[i] = max(kinds[i], call[i] if i < len(call) else OPAQUE)
        for n, k in zip(names, kinds, strict=True):
            self.env[n] = max(self.env.get(n, SIZE), k)


@dataclass
class ModuleScope:
    """Module-level facts, and the functions found so far."""

    tree: ast.Module
    entry: str
    kind: str
    aliases: dict[str, str] = field(default_factory=dict)
    kernels: dict[str, ast.FunctionDef] = field(default_factory=dict)
    functions: dict[str, Fn] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    methods: dict[tuple[str, str], Fn] = field(default_factory=dict)
    consts: dict[str, int] = field(default_factory=dict)
    exts: set[str] = field(default_factory=set)
    call_aliases: dict[str, str] = field(default_factory=dict)  # ``name = triton.next_power_of_2``: its path
    kernel_aliases: dict[str, str] = field(default_factory=dict)  # ``_relu = relu_kernel``: the kernel's name
    type_aliases: set[str] = field(default_factory=set)  # ``Shape = Tuple[int]``: annotations only (typealias)
    self_exts: set[str] = field(default_factory=set)
    self_not_exts: set[str] = field(default_factory=set)  # self.<attr> also bound to something else
    self_attrs: dict[str, int] = field(default_factory=dict)
    submodules: dict[str, str] = field(default_factory=dict)  # self.<attr> -> the answer's nn.Module class
    modlists: dict[str, set[str]] = field(default_factory=dict)  # self.<attr> -> classes in a ModuleList
    poisoned: set[str] = field(default_factory=set)
    moduledicts: set[str] = field(default_factory=set)  # the modlists that are nn.ModuleDicts
    scalars: frozenset[int | str] = frozenset()  # forward's argument positions (and entry parameter names) the problem fills with numbers
    plain: set[str] = field(default_factory=set)  # the answer's plain (non-nn.Module) classes
    plain_attrs: set[str] = field(default_factory=set)  # attribute names those classes define  # self.<attr> written otherwise: never a container
    references: set[str] = field(default_factory=set)
    ctx_attrs: dict[str, dict[str, int]] = field(default_factory=dict)  # autograd Function -> ctx.<attr> -> kind
    entry_apply: str | None = None  # the autograd Function whose apply is the entry (``static.applyentry``)
    fns: list[Fn] = field(default_factory=list)
    by_node: dict[int, Fn] = field(default_factory=dict)
    kernel_args: dict[str, dict[str, int]] = field(default_factory=dict)  # kernel -> parameter -> kind at launches
    default_kinds: dict[int, dict[str, int]] = field(default_factory=dict)  # id(ast.arguments) -> parameter -> default's kind

    @property
    def builtin_names(self) -> set[str]:
        return set(dir(builtins))

    @property
    def protected(self) -> set[str]:
        """Names no assignment may rebind (imports, kernels, helpers, classes, builtins)."""
        return (set(self.aliases) | set(self.kernels) | set(self.functions) | set(self.classes)
                | self.references | set(dir(builtins)))

    def nested(self, node: ast.FunctionDef | ast.Lambda, parent: Fn | None, *, escaped: bool = False,
               meta: bool = False, meta_of: str | None = None) -> Fn:
        """The Fn of a nested def / lambda (created once, kept across analysis passes)."""
        fn = self.by_node.get(id(node))
        if fn is None:
            fn = Fn(node, parent=parent)
            self.by_node[id(node)] = fn
            self.fns.append(fn)
        if meta:  # a launch grid / heuristic: Triton passes it the launch metadata (see meta_kind)
            fn.seeded, fn.param_kinds = True, [OPAQUE] + [SIZE] * (len(fn.all_params) - 1)
            fn.meta_of, fn.sized = meta_of, True
        elif escaped:
            fn.escaped = True
        return fn

    def method_of(self, owner: ast.ClassDef | None, name: str) -> Fn | None:
        if owner is None:
            return None
        return self.methods.get((owner.name, name))

    def static_call(self, func: ast.expr) -> Fn | None:
        """The ``@staticmethod`` ``m`` when ``func`` is ``C.m`` for a class ``C`` of the answer
        (``ModelNew._launch_params(n)``: a call like ``self._launch_params(n)``), else None."""
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in self.classes \
                and func.value.id not in self.ctx_attrs:  # never an autograd Function's forward with a made-up ctx
            fn = self.methods.get((func.value.id, func.attr))
            return fn if fn is not None and fn.static else None
        return None


def meta_kind(mod: ModuleScope, fn: Fn | None, node: ast.Subscript) -> int | None:
    """``meta["KEY"]`` in a launch grid or heuristic: Triton's dict of the kernel's arguments, so
    the kind of what the launches pass for ``KEY`` as a non-constexpr parameter of any kernel (a
    ``tl.constexpr`` or config key is a size; a tensor argument is a tensor). None when ``node``
    is not such a subscript."""
    if not (isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)):
        return None
    while fn is not None and node.value.id not in fn.all_params:
        fn = fn.parent
    if fn is None or fn.meta_of is None or fn.all_params[0] != node.value.id:
        return None
    key = node.slice.value
    kinds = [SIZE]
    for name, kernel in mod.kernels.items():
        for a in kernel.args.args:
            if a.arg == key and not (a.annotation is not None and ast.unparse(a.annotation).endswith("constexpr")):
                kinds.append(mod.kernel_args.get(name, {}).get(key, OPAQUE))
    return max(kinds)
