"""The journal lines' schema check (issue 22): a compiled pre-check gives exactly jsonschema's
verdict on every record, refuses with jsonschema's message, and costs microseconds, not a
millisecond, per valid line."""
from __future__ import annotations

import copy
import random
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from harness.errors import DataError
from harness.results import EXECUTIONS, ExecutionRecord, Journal, journal_checker
from harness.schemas import KINDS, generate
from harness.schemas.fast import compile_schema
from harness.types import Completion

#: values of every JSON type and the Python look-alikes jsonschema judges differently
ODD = [None, True, False, 0, 1, -3, 1.0, 2.5, float("nan"), "", "x", [], [1], ["a"], {}, {"k": 1}, {"k": "v"},
       {1: "v"}, (1, 2), b"x"]


def _valid(kind: str, rng: random.Random) -> dict[str, Any]:
    if kind == "execution":
        rec = ExecutionRecord("s", "p", rng.randrange(50), "ab" * 32, "pass", reason="ok",
                              stages={"syntax": {"status": "pass", "wall_s": 0.1, "data": {"log": "x"}}},
                              metrics={"m": 1.5, "n": [1, 2]}, wall_s=0.25, logs={"sim": "text"},
                              shared_with=rng.choice([None, 3]), rule=rng.choice([None, "r"]))
        return dict(rec.__dict__)
    from harness.results import completion_to_json

    return completion_to_json(Completion("s", "p", rng.randrange(50), "text", usage={"total_tokens": 7},
                                         error=rng.choice([None, "boom"]), agent=rng.choice([{}, {"turns": 2}])))


def _mutants(rec: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """The record with each field set to each odd value, removed, and an unknown field added;
    and nested values replaced at random."""
    out = []
    for key in rec:
        for value in ODD:
            m = dict(rec)
            m[key] = value
            out.append(m)
        m = dict(rec)
        del m[key]
        out.append(m)
    for _ in range(40):
        m = copy.deepcopy(rec)
        nested = [k for k, v in m.items() if isinstance(v, dict) and v]
        if nested:
            k = rng.choice(nested)
            inner = rng.choice(list(m[k]))
            m[k][inner] = rng.choice(ODD)
        out.append(m)
    out.append({**rec, "surprise": 1})
    out.append({**rec, 5: 1})
    return out


@pytest.mark.parametrize("kind", ["execution", "completion"])
def test_the_pre_check_agrees_with_jsonschema_on_every_record(kind: str) -> None:
    schema = generate(kind)
    fast = compile_schema(schema)
    assert fast is not None, "the record schema uses a keyword the pre-check does not compile"
    full = jsonschema.Draft202012Validator(schema)
    check = journal_checker(kind)
    rng = random.Random(kind)
    seen = {True: 0, False: 0}
    for _ in range(4):
        rec = _valid(kind, rng)
        for doc in [rec, *_mutants(rec, rng)]:
            valid = full.is_valid(doc)
            seen[valid] += 1
            if fast(doc):  # never more lenient than jsonschema
                assert valid, doc
            if valid:
                check(doc, "here")
            else:
                with pytest.raises(DataError, match=r"^here: not a valid .* record: field "):
                    check(doc, "here")
    assert seen[True] > 10 and seen[False] > 300, seen  # both kinds of record were tried
    assert fast(_valid(kind, rng))  # a valid record takes the fast path


def test_records_jsonschema_accepts_but_the_pre_check_refuses_still_pass() -> None:
    rec = _valid("execution", random.Random(1))
    rec["sample_idx"] = 3.0  # JSON's integer 3 (jsonschema: valid); the pre-check wants an int
    assert not compile_schema(generate("execution"))(rec)  # type: ignore[misc]
    journal_checker("execution")(rec, "here")


@pytest.mark.parametrize("kind", KINDS)
def test_every_shipped_schema_compiles(kind: str) -> None:
    assert compile_schema(generate(kind)) is not None


def test_a_schema_with_another_keyword_is_not_compiled() -> None:
    assert compile_schema({"type": "string", "pattern": "^a"}) is None
    assert compile_schema({"type": "object", "properties": {"x": {"minimum": 0}}}) is None


def test_a_journal_line_costs_microseconds(tmp_path: Path) -> None:
    journal = Journal(tmp_path / EXECUTIONS)
    check = journal_checker("execution")
    rec = _valid("execution", random.Random(2))
    check(rec, "warm-up")
    n = 5000
    start = time.process_time()
    for _ in range(n):
        check(rec, "x")
    fast = (time.process_time() - start) / n
    validator = jsonschema.Draft202012Validator(generate("execution"))
    start = time.process_time()
    for _ in range(200):
        assert validator.is_valid(rec)
    slow = (time.process_time() - start) / 200
    print(f"\nper valid line: pre-check {1e6 * fast:.1f} us, jsonschema {1e6 * slow:.1f} us")
    assert fast < slow / 5, (fast, slow)
    with pytest.raises(DataError, match=r"field status"):
        journal.append({**rec, "status": 3})
    journal.close()
