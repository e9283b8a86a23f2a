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


def section_constants(module: types.ModuleType, test_code: str) -> dict[str, Any]:
    """The reference module's plain constants (numbers, strings, tuples and lists of them) that the
    test section reads without assigning them: the answer's run of the test section gets these
    values, not its own (red team 9b S2: an answer setting ``N_ELEMS = 0`` made the test run on
    empty tensors). Tuples travel as ``{"__tuple__": [...]}`` (:func:`decode_constant`)."""
    import ast

    try:
        tree = ast.parse(test_code)
    except SyntaxError:
        return {}
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    out: dict[str, Any] = {}
    for name in sorted(loaded - stored):
        value = vars(module).get(name, _plain)  # _plain: a marker for "not defined"
        if value is not _plain and _plain(value):
            out[name] = value
        elif isinstance(value, (tuple, list)) and all(_plain(v) for v in value):
            out[name] = {"__tuple__": list(value)} if isinstance(value, tuple) else list(value)
    return out


def decode_constant(value: Any) -> Any:
    """A module constant as :func:`section_constants` (or the shape scaling) sent it."""
    if isinstance(value, dict) and list(value) == ["__tuple__"]:
        return tuple(value["__tuple__"])
    return value
