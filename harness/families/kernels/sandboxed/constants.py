"""The module constants a TritonBench test section reads, taken from the reference (red team 9b S2).

The test section runs in the answer's process against the answer's function; every other name it
reads resolved to the answer's module, so ``N_ELEMS = 0`` in an answer made the test draw empty
inputs. :func:`section_constants` records, with the reference's cases, the reference module's
plain constants the section reads; the worker puts them in the section's namespace and on the
answer's module (:func:`decode_constant` restores tuples).
"""
from __future__ import annotations

import types
from typing import Any


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def encode_constant(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON (tuples, dicts, torch dtypes, devices and sizes tagged), or :data:`NOT_PLAIN`."""
    import torch

    if _plain(value):
        return value
    if depth > 4:
        return NOT_PLAIN
    if isinstance(value, torch.dtype):
        return {"__dtype__": str(value).removeprefix("torch.")}
    if isinstance(value, torch.device):
        return {"__device__": str(value)}
    if isinstance(value, range):  # red team 9c S14
        return {"__range__": [value.start, value.stop, value.step]}
    if isinstance(value, type) and value.__bases__ == (object,):  # `class Config: ROWS = 96` (9c S14)
        attrs = {k: v for k, v in vars(value).items() if not k.startswith("__")}
        members = {k: encode_constant(v, depth + 1) for k, v in attrs.items()}
        if not members or any(m is NOT_PLAIN for m in members.values()):
            return NOT_PLAIN
        return {"__class__": [value.__name__, members]}
    if isinstance(value, (tuple, list)):  # torch.Size is a tuple
        items = [encode_constant(v, depth + 1) for v in value]
        if any(i is NOT_PLAIN for i in items):
            return NOT_PLAIN
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        members = {k: encode_constant(v, depth + 1) for k, v in value.items()}
        if any(i is NOT_PLAIN for i in members.values()):
            return NOT_PLAIN
        return {"__dict__": members}
    return NOT_PLAIN


NOT_PLAIN = object()


def section_constants(module: types.ModuleType, test_code: str) -> dict[str, Any]:
    """The reference module's constants (numbers, strings, torch dtypes and devices, and tuples,
    lists and string-keyed dicts of them, nested) that the test section reads without assigning
    them: the answer's run of the test section gets these values, not its own (red team 9b S2: an
    answer setting ``N_ELEMS = 0`` made the test run on empty tensors; 9c S4: a list of shapes)."""
    import ast

    try:
        tree = ast.parse(test_code)
    except SyntaxError:
        return {}
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    # `op.N_ROWS` where the section imports the problem's module (red team 9c S7): attribute names too
    loaded |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load)}
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    out: dict[str, Any] = {}
    # a name the section also stores (a loop variable of one function) is still read elsewhere:
    # the section's own module-level assignment overrides the value at run time anyway (9d S6)
    del stored
    for name in sorted(loaded):
        if name in vars(module) and not isinstance(vars(module)[name], types.ModuleType):
            value = encode_constant(vars(module)[name])
            if value is not NOT_PLAIN:
                out[name] = value
    return out


def decode_constant(value: Any) -> Any:
    """A module constant as :func:`section_constants` (or the shape scaling) sent it."""
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
        if tag == "__class__":
            return type(inner[0], (), {k: decode_constant(v) for k, v in inner[1].items()})
        if tag in ("__dtype__", "__device__"):
            import torch

            return getattr(torch, inner) if tag == "__dtype__" else torch.device(inner)
    return value


#: the key under which :func:`section_helpers` travels with the constants
HELPERS_KEY = "__hweval_helpers__"
_KERNEL_DECORATORS = ("jit", "autotune", "heuristics")


def section_helpers(source: str, test_code: str, entry: str) -> dict[str, Any]:
    """``{HELPERS_KEY: {name: source}}`` for the reference's own module-level functions that the test
    section calls and that launch no Triton kernel, directly or through other functions of the
    module (pure helpers such as a torch check or an input maker): the test section gets the
    reference's, not the answer's (red team 9c S10: an answer's ``torch_scale`` returning zeros
    agreed with its zero kernel). Functions that launch kernels (the entry, other wrappers) stay
    the answer's."""
    import ast

    try:
        tree, section = ast.parse(source), ast.parse(test_code)
    except SyntaxError:
        return {}
    funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    kernels = {n.name for n in funcs.values() if any(_is_kernel_decorator(d) for d in n.decorator_list)}
    called = {n.func.id for n in ast.walk(section) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    launching: set[str] = set(kernels)
    changed = True
    while changed:  # a function launches when it subscripts a kernel or calls a function that launches
        changed = False
        for name, node in funcs.items():
            if name in launching:
                continue
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if used & launching:
                launching.add(name)
                changed = True
    lines = source.splitlines()
    out = {}
    for name in sorted(called & set(funcs) - launching - {entry}):
        node = funcs[name]
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        out[name] = "\n".join(lines[first - 1:node.end_lineno])
    return {HELPERS_KEY: out} if out else {}


def _is_kernel_decorator(node: Any) -> bool:
    import ast

    target = node.func if isinstance(node, ast.Call) else node
    return isinstance(target, ast.Attribute) and target.attr in _KERNEL_DECORATORS \
        or isinstance(target, ast.Name) and target.id in _KERNEL_DECORATORS
