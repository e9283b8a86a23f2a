"""``harness.schemas``: the run files' JSON Schemas are generated from the typed records, shipped
current, and enforced when the files are written and read."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from harness.config import RunConfig
from harness.errors import DataError
from harness.progress import Progress
from harness.results import EXECUTIONS, Journal, read_results
from harness.runner import run
from harness.schemas import KINDS, generate, shipped, validate

from .fakes import NAME, World, fake_world


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("HWEVAL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("harness.tools.tool_versions", lambda: {"iverilog": None})
    with fake_world() as w:
        yield w


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_schema_is_the_generated_one(kind: str) -> None:
    assert shipped(kind) == generate(kind), "run `python -m harness.schemas` to refresh the shipped files"
    jsonschema.Draft202012Validator.check_schema(shipped(kind))


def test_records_map_to_their_fields() -> None:
    execution = generate("execution")
    assert execution["additionalProperties"] is False  # journal lines are closed records
    assert {"suite", "problem_id", "sample_idx", "candidate_sha256", "status"} == set(execution["required"])
    assert execution["properties"]["rule"] == {"type": ["string", "null"]}
    results = generate("results")
    assert results["properties"]["schema"] == {"const": "hweval.results/1"}
    assert results["$defs"]["SuiteResults"]["properties"]["per_problem"]["additionalProperties"] == {
        "type": "object", "additionalProperties": {"type": "integer"}}
    assert results["$defs"]["RunConfig"]["properties"]["problems"] == {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]}


def test_every_file_of_a_run_validates(world: World, tmp_path: Path) -> None:
    out = tmp_path / "run"
    run(RunConfig(suites=[NAME], model=NAME, sandbox=NAME, n_samples=2, workers=1, out=str(out)),
        progress=Progress(enabled=False))
    validate("config", json.loads((out / "config.json").read_text()), out / "config.json")
    assert read_results(out)["suites"][NAME]["status_counts"] == {"pass": 6}
    for name, kind in (("completions.jsonl", "completion"), ("executions.jsonl", "execution")):
        for line in (out / name).read_text().splitlines():
            validate(kind, json.loads(line), out / name)


def test_reading_a_damaged_results_file_names_the_field(world: World, tmp_path: Path) -> None:
    out = tmp_path / "run"
    run(RunConfig(suites=[NAME], model=NAME, sandbox=NAME, workers=1, out=str(out)), progress=Progress(enabled=False))
    doc = json.loads((out / "results.json").read_text())
    doc["suites"][NAME]["status_counts"]["pass"] = "three"
    (out / "results.json").write_text(json.dumps(doc))
    with pytest.raises(DataError, match=rf"results.json: not a valid results record: field suites/{NAME}/status_counts/pass"):
        read_results(out)


def test_journal_refuses_a_record_that_breaks_its_schema(tmp_path: Path) -> None:
    journal = Journal(tmp_path / EXECUTIONS)
    good = {"suite": "s", "problem_id": "p", "sample_idx": 0, "candidate_sha256": "", "status": "pass"}
    journal.append(good)
    with pytest.raises(DataError, match="field sample_idx"):
        journal.append({**good, "sample_idx": "0"})
    with pytest.raises(DataError, match="'surprise' was unexpected"):
        journal.append({**good, "surprise": 1})
    journal.close()
    assert len((tmp_path / EXECUTIONS).read_text().splitlines()) == 1  # only the valid line was written


def test_config_and_results_accept_keys_of_a_newer_harness() -> None:
    config = {"run": {"suites": ["x"]}, "sandbox": {"kind": "local"}, "suites": {}, "added_later": 1}
    validate("config", config, "config.json")
    results = {"schema": "hweval.results/1", "suites": {}, "config": config, "added_later": True}
    validate("results", results, "results.json")
    with pytest.raises(DataError, match="'sandbox' is a required property"):
        validate("config", {"run": {"suites": ["x"]}, "suites": {}}, "config.json")


def test_docker_image_digests_by_name_validate_in_config_and_results() -> None:
    """The docker sandbox records one digest per image (a dict): config.json and results.json accept it."""
    for kind in ("config", "results"):
        schema = shipped(kind)
        defs = schema.get("$defs") or schema.get("definitions")
        sandbox = {"$defs": defs, **defs["SandboxInfo"]}
        jsonschema.validate({"kind": "docker", "image": {"hweval/rtl:latest": "sha256:" + "a" * 64}}, sandbox)
        jsonschema.validate({"kind": "local", "image": None}, sandbox)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"kind": "docker", "image": ["not", "a", "digest"]}, sandbox)


def test_the_leaderboard_schema_is_generated_from_its_records() -> None:
    """Like the run files: the records of harness.publish.records, with Annotated constraints."""
    import jsonschema

    from harness.publish.records import Leaderboard
    from harness.publish.schema import json_schema, shipped_schema
    from harness.schemas import schema_of

    generated = schema_of(Leaderboard, schema_id="urn:hweval:schema:leaderboard:1", title="hweval leaderboard")
    assert generated == json_schema() == shipped_schema()
    row = generated["$defs"]["LeaderboardRow"]
    assert row["properties"]["content_hash"]["pattern"] == "^[0-9a-f]{6,64}$"
    assert "scope" not in row["required"] and row["additionalProperties"] is False
    assert generated["$defs"]["ExcludedProblem"]["additionalProperties"] is True  # schema_open
    stat = jsonschema.Draft202012Validator(generated["$defs"]["Stat"])
    assert stat.is_valid({"mean": 0.5, "stderr": None, "ci95": [None, None], "n": 3})
    assert not stat.is_valid({"mean": 0.5, "stderr": None, "ci95": [0.1], "n": 3})
    assert not stat.is_valid({"mean": 0.5, "stderr": None, "ci95": [0.1, 0.2], "n": -1})
