"""JSON Schemas of the run files, generated from their typed records.

=============  =======================================  ============================
kind           record                                   file
=============  =======================================  ============================
config         :class:`harness.results.ConfigFile`      ``config.json``
results        :class:`harness.results.ResultsFile`     ``results.json``
completion     :class:`harness.types.Completion`        a ``completions.jsonl`` line
execution      :class:`harness.results.ExecutionRecord` an ``executions.jsonl`` line
=============  =======================================  ============================

:func:`generate` builds a schema from the dataclass's type hints; the ``<kind>.schema.json``
files next to this module are its output, shipped in the package for other tools
(``python -m harness.schemas`` rewrites them; a test checks they are current). The harness
validates against the generated schema, so a field added to a record is checked at once.
Journal lines are closed records (an unknown field is an error); config.json and results.json
accept extra keys, so files of a newer harness still read.
"""
from __future__ import annotations

import dataclasses
import enum
import functools
import json
import types
import typing
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from harness.errors import DataError

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("config", "results", "completion", "execution")
#: kinds whose records may carry keys their class does not declare
OPEN_KINDS = frozenset({"config", "results"})
_SIMPLE: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean", Path: "string"}


class Json:
    """JSON Schema keywords for an ``Annotated`` hint: ``Annotated[int, Json(minimum=0)]``
    (hashable, so the hint can sit in a union)."""

    __slots__ = ("keywords",)

    def __init__(self, **keywords: Any) -> None:
        self.keywords = tuple(sorted(keywords.items()))

    def __hash__(self) -> int:
        return hash(self.keywords)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Json) and other.keywords == self.keywords


def record_class(kind: str) -> type:
    from harness.results import ConfigFile, ExecutionRecord, ResultsFile
    from harness.types import Completion

    classes: dict[str, type] = {"config": ConfigFile, "results": ResultsFile, "completion": Completion,
                                "execution": ExecutionRecord}
    if kind not in classes:
        raise KeyError(f"no schema kind {kind!r}; known: {', '.join(KINDS)}")
    return classes[kind]


def _type(tp: Any, defs: dict[str, Any], open_: bool) -> dict[str, Any]:
    """The schema of one type hint; dataclasses go to ``defs`` and are referenced."""
    if tp is Any:
        return {}
    if typing.get_origin(tp) is typing.Annotated:  # ``Annotated[int, Json(minimum=0)]``: constraints
        base, *extra = typing.get_args(tp)
        out = _type(base, defs, open_)
        for more in extra:
            out = {**out, **dict(more.keywords)} if isinstance(more, Json) else out
        return out
    if tp is type(None):
        return {"type": "null"}
    if isinstance(tp, type) and tp in _SIMPLE:
        return {"type": _SIMPLE[tp]}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if tp.__name__ not in defs:
            defs[tp.__name__] = {}  # placeholder: recursion stops here
            defs[tp.__name__] = _object(tp, defs, open_)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        subs = [_type(a, defs, open_) for a in args]
        if all(set(s) == {"type"} for s in subs):
            return {"type": [s["type"] for s in subs]}
        return {"anyOf": subs}
    if origin in (list, tuple) or tp in (list, tuple):
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type(args[0], defs, open_)}
        if origin is tuple and args:
            return {"type": "array", "prefixItems": [_type(a, defs, open_) for a in args],
                    "minItems": len(args), "maxItems": len(args)}
        return {"type": "array", "items": _type(args[0], defs, open_) if args else {}}
    if origin is dict or tp is dict:
        return {"type": "object", "additionalProperties": _type(args[1], defs, open_) if args else {}}
    raise TypeError(f"no JSON Schema for type {tp!r}")


def _object(cls: type, defs: dict[str, Any], open_: bool) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, include_extras=True)
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        props[f.name] = _type(hints[f.name], defs, open_)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    doc = (cls.__doc__ or "").strip()
    out: dict[str, Any] = {"type": "object", "properties": props, "required": required,
                           "additionalProperties": open_ or bool(getattr(cls, "schema_open", False))}
    if doc and not doc.startswith(f"{cls.__name__}("):  # not dataclass's generated signature
        out["description"] = " ".join(doc.split())
    return out


def schema_of(cls: type, *, schema_id: str, title: str, open_: bool = False) -> dict[str, Any]:
    """The JSON Schema of any record class: ``Annotated[T, Json(...)]`` hints add keywords, a
    class attribute ``schema_open = True`` leaves that object open to unlisted keys."""
    defs: dict[str, Any] = {}
    schema: dict[str, Any] = {"$schema": SCHEMA_DIALECT, "$id": schema_id, "title": title,
                              **_object(cls, defs, open_)}
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def generate(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind``'s record, generated from its class."""
    cls = record_class(kind)
    defs: dict[str, Any] = {}
    body = _object(cls, defs, kind in OPEN_KINDS)
    schema: dict[str, Any] = {"$schema": SCHEMA_DIALECT, "$id": f"urn:hweval:schema:{kind}:1",
                              "title": f"hweval {kind} record ({cls.__module__}.{cls.__name__})", **body}
    if kind == "results":
        from harness.results import RESULTS_SCHEMA

        schema["properties"]["schema"] = {"const": RESULTS_SCHEMA}
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def schema_text(kind: str) -> str:
    return json.dumps(generate(kind), indent=2, sort_keys=True) + "\n"


def shipped(kind: str) -> dict[str, Any]:
    """The schema file shipped in the package."""
    text = resources.files("harness.schemas").joinpath(f"{kind}.schema.json").read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


@functools.cache
def validator(kind: str) -> Callable[[Any, str | Path], None]:
    """A checker of ``kind`` records: ``check(doc, source)`` raises DataError naming the field."""
    import jsonschema

    compiled = jsonschema.Draft202012Validator(generate(kind))

    def check(doc: Any, source: str | Path) -> None:
        errors = sorted(compiled.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            err = errors[0]
            where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise DataError(f"{source}: not a valid {kind} record: field {where}: {err.message[:300]}{more}")

    return check


def validate(kind: str, doc: Any, source: str | Path) -> None:
    validator(kind)(doc, source)


def write_all(folder: Path) -> list[Path]:
    out = []
    for kind in KINDS:
        path = folder / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8")
        out.append(path)
    return out
