"""Module-level typing aliases (honest round 13 P1b, issue #14): TritonBench-G's kldiv_ops writes
``REDUCTION_LITERAL = Literal["none", "sum"]``, multinomial_sampling ``TypeHintType =
Union[Dict[str, type], Sequence[type], None]``, masked_select ``Shape = Tuple[int]``; each was
forbidden_attribute "typing is for annotations only". Such a statement is accepted where its value is
a pure type expression: a listed ``typing`` name (``TL.TYPING_NAMES``) subscripted with builtin type
names, ``torch.Tensor``, ``None``, ``...``, literal strings and numbers (``Literal``'s members), earlier
aliases, or other such expressions, and the name is bound only there. The name is then usable only in
annotations (``names.name_kind``: any other use is forbidden_attribute, as the typing name itself
was); evaluating the value runs typing's subscription and nothing else."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from harness.families.kernels.static import tl as TL

if TYPE_CHECKING:
    from harness.families.kernels.static.body import Body

BUILTIN_TYPES = frozenset({"int", "float", "bool", "str", "bytes", "complex", "type", "object",
                            "list", "dict", "tuple", "set", "frozenset"})


def _typing(b: Body, node: ast.expr) -> bool:
    path = b.alias_path(node) if isinstance(node, ast.Name | ast.Attribute) else None
    return path is not None and path.startswith("typing.") and path.removeprefix("typing.") in TL.TYPING_NAMES


def _pure(b: Body, node: ast.expr, bound: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None or node.value is Ellipsis or type(node.value) in (str, int, bool)
    if isinstance(node, ast.Name) and node.id in BUILTIN_TYPES:
        return node.id not in bound  # a module-level binding of ``int`` would be another value
    if isinstance(node, ast.Name) and node.id in b.mod.type_aliases:
        return True
    if isinstance(node, ast.Name | ast.Attribute):
        return _typing(b, node) or b.alias_path(node) == "torch.Tensor"
    if isinstance(node, ast.Tuple | ast.List):
        return all(_pure(b, e, bound) for e in node.elts)
    if isinstance(node, ast.Subscript):
        return (_typing(b, node.value) or isinstance(node.value, ast.Name) and node.value.id in BUILTIN_TYPES
                and node.value.id not in bound) and _pure(b, node.slice, bound)
    return False


def is_alias(b: Body, stmt: ast.stmt) -> bool:
    """``stmt`` binds a typing alias (recorded in ``mod.type_aliases``): one name, bound nowhere else
    in the module, to a subscripted typing name or a typing name, every part a pure type expression."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    name, value = stmt.targets[0].id, stmt.value
    stores = [n for n in ast.walk(b.mod.tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]
    bound = {n.id for n in stores} | {a.arg for a in ast.walk(b.mod.tree) if isinstance(a, ast.arg)} | \
        {n.name for n in ast.walk(b.mod.tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
    if sum(1 for n in stores if n.id == name) != 1 or name in b.mod.aliases or any(
            isinstance(n, ast.Global | ast.Nonlocal) and name in n.names for n in ast.walk(b.mod.tree)):
        return False
    if not (isinstance(value, ast.Subscript) or _typing(b, value)) or not _pure(b, value, bound):
        return False
    b.mod.type_aliases.add(name)
    return True
