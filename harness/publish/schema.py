"""The leaderboard file format ``hweval.leaderboard/1`` as code.

:func:`json_schema` is the single definition; ``leaderboard.schema.json`` next to this module is
generated from it (``python -m harness.publish.schema > harness/publish/leaderboard.schema.json``)
and a test checks the two agree. A breaking change bumps :data:`LEADERBOARD_SCHEMA`.
"""
from __future__ import annotations

import json
import logging
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from harness.errors import DataError

log = logging.getLogger(__name__)

LEADERBOARD_SCHEMA = "hweval.leaderboard/1"
SCHEMA_FILE = "leaderboard.schema.json"
SCHEMA_ID = "urn:hweval:schema:leaderboard:1"

_NUM_OR_NULL = {"type": ["number", "null"]}
_STR_OR_NULL = {"type": ["string", "null"]}
_HASH = {"type": "string", "pattern": "^[0-9a-f]{6,64}$"}


def _stat() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A mean over problems with its standard error and 95% bootstrap interval. "
                       "Metrics reported without statistics carry null stderr/ci95/n.",
        "required": ["mean", "stderr", "ci95", "n"],
        "additionalProperties": False,
        "properties": {
            "mean": _NUM_OR_NULL,
            "stderr": _NUM_OR_NULL,
            "ci95": {"type": "array", "items": _NUM_OR_NULL, "minItems": 2, "maxItems": 2},
            "n": {"type": ["integer", "null"], "minimum": 0},
        },
    }


def _counts() -> dict[str, Any]:
    return {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}


def _row() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "One (model, suite, settings) result, from one run folder.",
        "additionalProperties": False,
        "required": ["model", "backend", "suite", "family", "suite_version", "content_hash", "settings",
                     "settings_hash", "config_hash", "n_problems", "n_samples", "k_values", "metrics",
                     "other_metrics", "status_counts", "per_problem", "excluded", "harness_version",
                     "git_hash", "tools", "sandbox", "run"],
        "properties": {
            "model": {"type": "string", "minLength": 1, "description": "BACKEND[:MODEL] as given to --model"},
            "backend": {"type": ["object", "null"], "description": "the backend's identity (no secrets)"},
            "suite": {"type": "string", "minLength": 1},
            "family": {"type": "string", "minLength": 1},
            "suite_version": {"type": "string"},
            "content_hash": _HASH,
            "settings": {"type": "object", "description": "generation and evaluation settings that "
                         "change results (n_samples, temperature, seed, simulator, ...)"},
            "settings_hash": _HASH,
            "config_hash": _HASH,
            "n_problems": {"type": "integer", "minimum": 0},
            "n_samples": {"type": "integer", "minimum": 0},
            "k_values": {"type": "array", "items": {"type": "integer", "minimum": 1}},
            "metrics": {"type": "object", "additionalProperties": {"$ref": "#/$defs/stat"}},
            "other_metrics": {"type": "object", "description": "family metrics that are not a mean"},
            "status_counts": _counts(),
            "scope": {
                "type": "object",
                "description": "what the scores cover: problems the suite loaded, the loader dropped (by "
                               "reason), selected, excluded because the reference failed its own tests (by "
                               "status), and could not be run here (by reason); optional in older rows",
                "required": ["n_loaded", "n_excluded", "excluded_by_reason", "n_not_run", "not_run_by_reason"],
                "properties": {"n_loaded": {"type": "integer", "minimum": 0},
                               "n_selected": {"type": "integer", "minimum": 0},
                               "load_exclusions": _counts(), "n_excluded": {"type": "integer", "minimum": 0},
                               "excluded_by_reason": _counts(), "n_not_run": {"type": "integer", "minimum": 0},
                               "not_run_by_reason": _counts()},
            },
            "per_problem": {
                "type": "object",
                "description": "passing samples c of n scored samples, per problem",
                "additionalProperties": {
                    "type": "object", "required": ["n", "c"], "additionalProperties": False,
                    "properties": {"n": {"type": "integer", "minimum": 0},
                                   "c": {"type": "integer", "minimum": 0}},
                },
            },
            "excluded": {"type": "array", "items": {"type": "object", "required": ["problem_id"]}},
            "harness_version": {"type": "string"},
            "git_hash": _STR_OR_NULL,
            "tools": {"type": "object", "additionalProperties": _STR_OR_NULL},
            "sandbox": {"type": ["object", "null"]},
            "run": {
                "type": "object", "required": ["dir", "finished_at"], "additionalProperties": False,
                "properties": {"dir": {"type": "string"},
                               "finished_at": {"type": "string", "format": "date-time"}},
            },
        },
    }


def _model_summary() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Per model: the newest row of each suite it was run on.",
        "additionalProperties": False,
        "required": ["model", "n_rows", "suites", "headline_metric", "headline", "mean_headline",
                     "status_counts"],
        "properties": {
            "model": {"type": "string"},
            "n_rows": {"type": "integer", "minimum": 1},
            "suites": {"type": "array", "items": {"type": "string"}},
            "headline_metric": {"type": "string"},
            "headline": {"type": "object", "additionalProperties": _NUM_OR_NULL,
                         "description": "suite -> mean of the headline metric"},
            "mean_headline": {**_NUM_OR_NULL, "description": "unweighted mean over suites"},
            "status_counts": _counts(),
        },
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a leaderboard file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "hweval leaderboard",
        "type": "object",
        "additionalProperties": False,
        "required": ["schema", "generated_at", "harness_version", "suites", "rows", "models"],
        "properties": {
            "schema": {"const": LEADERBOARD_SCHEMA},
            "generated_at": {"type": "string", "format": "date-time"},
            "harness_version": {"type": "string"},
            "suites": {
                "type": "object",
                "description": "every suite on the board, with the one version all its rows share",
                "additionalProperties": {
                    "type": "object", "additionalProperties": False,
                    "required": ["family", "suite_version", "content_hash"],
                    "properties": {"family": {"type": "string"}, "suite_version": {"type": "string"},
                                   "content_hash": _HASH},
                },
            },
            "rows": {"type": "array", "items": {"$ref": "#/$defs/row"}},
            "models": {"type": "array", "items": {"$ref": "#/$defs/model_summary"}},
        },
        "$defs": {"stat": _stat(), "row": _row(), "model_summary": _model_summary()},
    }


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
