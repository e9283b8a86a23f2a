"""The leaderboard file format ``hweval.leaderboard/1`` as code.

The records of :mod:`harness.publish.records` are the single definition; :func:`json_schema`
generates the JSON Schema from them (:func:`harness.schemas.schema_of`, as the run files' are),
``leaderboard.schema.json`` next to this module is its output (``python -m
harness.publish.schema > harness/publish/leaderboard.schema.json``) and a test checks the two
agree. A breaking change bumps :data:`LEADERBOARD_SCHEMA`.
"""
from __future__ import annotations

import json
import logging
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from harness.errors import DataError
from harness.publish.records import LEADERBOARD_SCHEMA, Leaderboard
from harness.schemas import schema_of

log = logging.getLogger(__name__)

__all__ = ["LEADERBOARD_SCHEMA", "SCHEMA_FILE", "SCHEMA_ID", "json_schema", "schema_text", "shipped_schema",
           "validate"]

SCHEMA_FILE = "leaderboard.schema.json"
SCHEMA_ID = "urn:hweval:schema:leaderboard:1"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a leaderboard file, generated from its records."""
    return schema_of(Leaderboard, schema_id=SCHEMA_ID, title="hweval leaderboard")


def shipped_schema() -> dict[str, Any]:
    """The schema file shipped with the package."""
    text = resources.files("harness.publish").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def validate(doc: Any, source: str | Path = "leaderboard") -> None:
    """Raise DataError naming ``source`` and the failing field when ``doc`` breaks the schema."""
    if not isinstance(doc, dict) or doc.get("schema") != LEADERBOARD_SCHEMA:
        tag = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise DataError(f"{source}: schema {tag!r}, expected {LEADERBOARD_SCHEMA!r}")
    import jsonschema

    validator = jsonschema.Draft202012Validator(json_schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        raise DataError(f"{source}: field {where}: {err.message}"
                        + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))


if __name__ == "__main__":
    sys.stdout.write(schema_text())
