"""Names and attributes in checked code (:class:`harness.families.kernels.static.body.Body`)."""
from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING

from harness.families.kernels.static import allow as A
from harness.families.kernels.static import narrow as NW
from harness.families.kernels.static import tl as TL
from harness.families.kernels.static.hostobj import bound_method
from harness.families.kernels.static.metaattrs import plain_value_attr
from harness.families.kernels.static.torch_paths import module_on_path
from harness.families.kernels.static.typealias import BUILTIN_TYPES

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body

SIZE, OPAQUE, TENSOR = 0, 1, 2
_SIZE_ATTRS = frozenset({"shape", "dtype", "device", "ndim", "is_cuda", "layout", "itemsize", "is_leaf",
                         "requires_grad"})


def path_kind(b: Body, path: str, node: ast.AST) -> int:
    """Judge a dotted library name; its kind as a value (dtypes and functions are sizes)."""
    rule = A.forbidden_everywhere(path)
    if any(part.startswith("_") for part in path.split(".")[1:]):
        b.bad("private_access", path, node)
    elif rule:
        b.bad(rule, path, node)
    elif path.startswith("triton.language."):
        if not TL.host_tl_ok(path):
            b.bad("forbidden_attribute", f"{path} outside a kernel (only dtypes and tl.constexpr)", node)
    elif path.startswith("triton."):
        if path not in A.TRITON_USABLE:
            b.bad("forbidden_attribute", path, node)
    elif path.startswith("torch.") and b.mode == "init" and module_on_path(path):
        b.bad("forbidden_attribute", f"{path}: the module {module_on_path(path)} (modules are not values)", node)
    elif path.startswith("torch.") and b.mode == "init" and any(
            p in path.rsplit(".", 1)[-1] for p in A.INIT_METHODS_DENIED_PARTS):
        b.bad("forbidden_call", f"{path} in __init__ plants code that runs later (hooks, apply)", node)
    elif path.startswith("torch."):
        if b.in_annotation and path in A.LEGACY_TENSOR_TYPES:
            pass  # ``x: torch.FloatTensor``: names the class, constructs nothing (honest round 13 P1c)
        elif not A.torch_usable(path, init=b.mode == "init"):
            b.bad("torch_compute", f"{path} outside a kernel", node)
    elif path.startswith("typing."):
        if path.removeprefix("typing.") not in TL.TYPING_NAMES or not b.in_annotation:
            b.bad("forbidden_attribute", f"{path}: typing is for annotations (listed names) only", node)
    elif path.startswith("math."):
        pass
    elif path.startswith("dataclasses."):
        if path not in ("dataclasses.dataclass", "dataclasses.field"):
            b.bad("forbidden_attribute", path, node)
    elif path.startswith("logging."):
        if path not in A.LOGGING_USABLE:
            b.bad("forbidden_attribute", path, node)
    elif "." not in path or path in A.IMPORTS:
        b.bad("forbidden_attribute", f"the module {path} used as a value", node)
    else:
        b.bad("forbidden_attribute", path, node)
    return SIZE


def name_kind(b: Body, n: ast.Name) -> int:
    name = n.id
    k = b.lookup(name)
    if k is not None:
        return k
    fn = b.local_fn(name)
    if fn is not None:
        fn.escaped = True  # a local function used as a value (called: see static.calls)
        return SIZE
    mod = b.mod
    if name in mod.type_aliases:  # ``Shape = Tuple[int]`` (static.typealias): annotations only
        if not b.in_annotation:
            b.bad("forbidden_attribute", f"the typing alias {name} outside an annotation", n)
        return SIZE
    if name in mod.references:
        b.bad("reference_call", f"uses the reference's {name}", n)
        return OPAQUE
    if name in mod.kernels:
        return SIZE
    if name in mod.functions:
        mod.functions[name].escaped = True
        return SIZE
    if name in mod.classes and b.in_annotation:
        return SIZE  # an annotation names a class; nothing is instantiated
    if name in mod.classes:
        b.bad("forbidden_call", f"uses the class {name} as a value", n)
        return OPAQUE
    if name in mod.consts:
        return mod.consts[name]
    if name in mod.exts:
        return SIZE
    if name in mod.aliases:
        return path_kind(b, mod.aliases[name], n)
    if name in A.BUILTINS:
        return SIZE
    if name == "__name__":
        return SIZE  # the module's name, a string (logging.getLogger(__name__))
    if b.in_annotation and name in BUILTIN_TYPES:
        return SIZE  # ``Dict[str, type]``: names the class, calls nothing (honest round 13 P1b)
    if name.startswith("__"):
        b.bad("dunder_access", name, n)
    elif hasattr(builtins, name):
        b.bad("forbidden_builtin", f"{name}", n)
    elif _bound_somewhere(b, name):
        b.bad("forbidden_name", f"{name} is not in scope here", n)
    return OPAQUE  # never bound: a NameError when it runs (not a rule)


def _bound_somewhere(b: Body, name: str) -> bool:
    return any(isinstance(x, ast.Name) and x.id == name and isinstance(x.ctx, ast.Store)
               for x in ast.walk(b.mod.tree)) or any(
        isinstance(x, ast.arg) and x.arg == name for x in ast.walk(b.mod.tree))


def attribute_kind(b: Body, n: ast.Attribute) -> int:
    if n.attr.startswith("__"):
        b.bad("dunder_access", n.attr, n)
        return OPAQUE
    path = b.alias_path(n)
    if path is not None:
        return path_kind(b, path, n)
    from harness.families.kernels.static.autograd import load

    ctx = load(b, n)  # ``ctx.x`` in an autograd Function's method
    if ctx is not None:
        return ctx
    if n.attr.startswith("_") and not b.self_rooted(n):
        b.bad("private_access", f".{n.attr}", n)
        return OPAQUE
    attr = b.self_attr(n)
    if attr is not None:
        from harness.families.kernels.static.modlist import on_load

        on_load(b, attr)
        b.expr(n.value)
        if attr in b.mod.self_exts and attr not in b.mod.self_not_exts:
            return SIZE
        if bound_method(b, n):
            b.bad("forbidden_attribute", f"self.{attr} used as a value (a bound method of the module)", n)
        if b.mod.method_of(_owner(b), attr) is not None:
            b.mod.method_of(_owner(b), attr).escaped = True  # type: ignore[union-attr]
            return SIZE
        return b.mod.self_attrs.get(attr, SIZE if attr == "training" else OPAQUE)  # nn.Module's flag
    if plain_value_attr(b, n):  # torch.finfo(t).min, x.device.type: a number or a string
        b.expr(n.value)
        return SIZE
    if bound_method(b, n):
        b.bad("forbidden_attribute", f".{n.attr} used as a value (a bound method of a tensor or module, which "
              "code elsewhere could call)", n)
    base = b.expr(n.value)
    if base == SIZE and n.attr in A.DEVICE_PROPERTY_ATTRS:
        return SIZE
    if n.attr in _SIZE_ATTRS or (n.attr in A.NN_CONFIG_ATTRS and b.self_rooted(n.value)
                                 and isinstance(n.value, ast.Attribute)) or NW.entry_config(b, n):
        return SIZE
    if n.attr in A.VALUE_ATTRS or b.self_rooted(n):
        return base if base == SIZE else max(base, OPAQUE)
    from harness.families.kernels.static.plain import attribute

    plain = attribute(b, n, base)
    if plain is not None:
        return plain
    if b.mode == "init":
        return max(base, OPAQUE)
    b.bad("forbidden_attribute", f".{n.attr}", n)
    return OPAQUE


def _owner(b: Body) -> ast.ClassDef | None:
    fn = b.fn
    while fn is not None:
        if fn.owner is not None:
            return fn.owner
        fn = fn.parent
    return None
