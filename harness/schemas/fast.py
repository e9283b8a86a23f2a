"""A fast exact pre-check for the journal records' JSON Schemas (issue 22: a journal line's
jsonschema check cost about 1 ms per sample).

:func:`compile_schema` turns a schema built only of the keywords the generated record schemas
use (``type``, ``properties``, ``required``, ``additionalProperties``, ``items``,
``prefixItems``, ``minItems``, ``maxItems``, ``enum``, ``const``, ``anyOf``, local ``$ref``, and
annotations) into a plain Python predicate. The predicate is never more lenient than
jsonschema: every check it makes is jsonschema's or stricter (an ``integer`` must be an ``int``,
not ``1.0``; an ``enum`` value must have its member's type; object keys must be strings). A record
it accepts is valid; a record it refuses goes to jsonschema, which gives the verdict and the
message. So the records validated are exactly those jsonschema validates. A schema with any other
keyword compiles to None (the caller then uses jsonschema alone).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

Pred = Callable[[Any], bool]

#: keywords that only annotate (no effect on validity)
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "$defs", "$comment", "default", "examples"})
_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties", "items", "prefixItems",
                       "minItems", "maxItems", "enum", "const", "anyOf", "$ref"})


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not handle."""


def _is_type(name: str) -> Pred:
    if name == "string":
        return lambda v: isinstance(v, str)
    if name == "integer":
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if name == "number":
        return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if name == "boolean":
        return lambda v: isinstance(v, bool)
    if name == "null":
        return lambda v: v is None
    if name == "object":
        return lambda v: isinstance(v, dict)
    if name == "array":
        return lambda v: isinstance(v, list)
    raise Unsupported(f"type {name!r}")


def _same(a: Any, b: Any) -> bool:
    """``a`` equals ``b`` with the same type (stricter than JSON equality, never more lenient)."""
    return type(a) is type(b) and a == b


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.refs: dict[str, Pred] = {}

    def ref(self, target: str) -> Pred:
        prefix = "#/$defs/"
        if not target.startswith(prefix) or target[len(prefix):] not in self.defs:
            raise Unsupported(f"$ref {target!r}")
        name = target[len(prefix):]
        if name not in self.refs:
            slot: list[Pred] = []
            self.refs[name] = lambda v: slot[0](v)  # recursion: filled in below
            slot.append(self.compile(self.defs[name]))
        return self.refs[name]

    def compile(self, schema: Any) -> Pred:  # noqa: C901 - one branch per keyword
        if schema is True or schema == {}:
            return lambda v: True
        if not isinstance(schema, dict) or schema is False:
            raise Unsupported(repr(schema)[:80])
        unknown = set(schema) - _KEYWORDS - _ANNOTATIONS
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        preds: list[Pred] = []
        if "$ref" in schema:
            preds.append(self.ref(schema["$ref"]))
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            kinds = [_is_type(n) for n in names]
            preds.append(kinds[0] if len(kinds) == 1 else (lambda v: any(k(v) for k in kinds)))
        if "enum" in schema:
            members = list(schema["enum"])
            preds.append(lambda v: any(_same(v, m) for m in members))
        if "const" in schema:
            const = schema["const"]
            preds.append(lambda v: _same(v, const))
        if "anyOf" in schema:
            subs = [self.compile(s) for s in schema["anyOf"]]
            preds.append(lambda v: any(s(v) for s in subs))
        if {"properties", "required", "additionalProperties"} & set(schema):
            preds.append(self.object(schema))
        if {"items", "prefixItems", "minItems", "maxItems"} & set(schema):
            preds.append(self.array(schema))
        if len(preds) == 1:
            return preds[0]
        return lambda v: all(p(v) for p in preds)

    def object(self, schema: dict[str, Any]) -> Pred:
        props = {k: self.compile(s) for k, s in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))
        extra_schema = schema.get("additionalProperties", True)
        extra: Pred | None = None if extra_schema is False else self.compile(extra_schema)

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True  # object keywords apply to objects only (``type`` says what it must be)
            for name in required:
                if name not in v:
                    return False
            for key, value in v.items():
                if not isinstance(key, str):
                    return False
                pred = props.get(key)
                if pred is None:
                    if extra is None or not extra(value):
                        return False
                elif not pred(value):
                    return False
            return True

        return check

    def array(self, schema: dict[str, Any]) -> Pred:
        prefix = [self.compile(s) for s in schema.get("prefixItems", ())]
        items = self.compile(schema["items"]) if "items" in schema else None
        lo, hi = schema.get("minItems", 0), schema.get("maxItems")

        def check(v: Any) -> bool:
            if not isinstance(v, list):
                return True
            if len(v) < lo or (hi is not None and len(v) > hi):
                return False
            for i, item in enumerate(v):
                pred = prefix[i] if i < len(prefix) else items
                if pred is not None and not pred(item):
                    return False
            return True

        return check


def compile_schema(schema: dict[str, Any]) -> Pred | None:
    """A predicate that accepts only records ``schema`` accepts (see the module), or None when the
    schema uses a keyword this compiler does not handle."""
    try:
        return _Compiler(schema).compile(schema)
    except Unsupported:
        return None
