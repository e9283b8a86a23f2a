"""The leaderboard JSON Schema: shipped file == code, and built leaderboards validate against it."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from harness.errors import DataError
from harness.publish import schema
from harness.publish.leaderboard import build
from tests.publish.runs import write_run


def test_shipped_file_matches_code() -> None:
    shipped = Path(schema.__file__).with_name(schema.SCHEMA_FILE)
    assert shipped.read_text() == schema.schema_text(), \
        "regenerate: python -m harness.publish.schema > harness/publish/leaderboard.schema.json"
    assert schema.shipped_schema() == schema.json_schema()


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema.shipped_schema())
    assert schema.shipped_schema()["properties"]["schema"] == {"const": "hweval.leaderboard/1"}


@pytest.fixture
def doc(tmp_path: Path) -> dict:
    a = write_run(tmp_path / "a", "reference", {"p1": (1, 1), "p2": (1, 1)})
    b = write_run(tmp_path / "b", "mutant", {"p1": (3, 0), "p2": (3, 1)})
    return build([a, b]).doc


def test_built_leaderboard_validates_with_jsonschema(doc: dict) -> None:
    jsonschema.validate(doc, schema.shipped_schema(), cls=jsonschema.Draft202012Validator)
    json.dumps(doc, allow_nan=False)  # strict JSON: no NaN/Infinity


def test_validate_names_the_failing_field(doc: dict) -> None:
    bad = copy.deepcopy(doc)
    del bad["rows"][1]["metrics"]["pass@1"]["stderr"]
    with pytest.raises(DataError, match=r"board.json: field rows/1/metrics/pass@1: 'stderr' is a required"):
        schema.validate(bad, "board.json")
    bad = copy.deepcopy(doc)
    bad["rows"][0]["n_samples"] = -1
    with pytest.raises(DataError, match="rows/0/n_samples"):
        schema.validate(bad, "board.json")


def test_validate_rejects_another_schema_version(doc: dict) -> None:
    with pytest.raises(DataError, match=r"x.json: schema 'hweval.leaderboard/2', expected 'hweval.leaderboard/1'"):
        schema.validate({**doc, "schema": "hweval.leaderboard/2"}, "x.json")
