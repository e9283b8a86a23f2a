"""VerilogEval v1: JSONL from a checkout, a file, or a Hugging Face dataset; completion-style answers."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.errors import DataError, UsageError
from harness.suite import EvalContext
from harness.types import Completion, Status
from tests.helpers import hweval
from tests.verilogeval.conftest import V1, make_suite


def test_loads_from_a_checkout_and_from_the_jsonl_file() -> None:
    suite = make_suite("verilogeval-v1-human", V1)
    problems = list(suite.problems())
    assert [p.id for p in problems] == ["and2", "dff8r"]
    assert problems[0].reference.startswith("module top_module (") and "assign out = a & b;" in problems[0].reference
    assert problems[0].data["description"] == "Create a module that implements an AND gate."
    machine = list(make_suite("verilogeval-v1-machine", V1 / "data" / "VerilogEval_Machine.jsonl").problems())
    assert "logical AND" in machine[0].data["description"]


def test_prompt_is_a_commented_description_then_the_header() -> None:
    suite = make_suite("verilogeval-v1-human", V1)
    p = next(iter(suite.problems()))
    user = suite.prompt(p).messages[-1].content
    assert "// Create a module that implements an AND gate.\n\nmodule top_module (" in user


def test_bad_jsonl_line_names_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "VerilogEval_Human.jsonl"
    lines = (V1 / "data" / "VerilogEval_Human.jsonl").read_text().splitlines()
    data.write_text(lines[0] + "\n{not json\n")
    shutil.copy(V1 / "descriptions" / "VerilogDescription_Human.jsonl", tmp_path)
    with pytest.raises(DataError, match=r"VerilogEval_Human.jsonl:2: not valid JSON"):
        list(make_suite("verilogeval-v1-human", data).problems())
    data.write_text(json.dumps({"task_id": "x", "prompt": "module top_module();"}) + "\n")
    with pytest.raises(DataError, match=r":1: missing field\(s\) canonical_solution, test"):
        list(make_suite("verilogeval-v1-human", data).problems())


def test_missing_descriptions(tmp_path: Path) -> None:
    data = tmp_path / "VerilogEval_Human.jsonl"
    shutil.copy(V1 / "data" / "VerilogEval_Human.jsonl", data)
    with pytest.raises(DataError, match="no descriptions"):
        list(make_suite("verilogeval-v1-human", data).problems())
    desc = tmp_path / "desc.jsonl"
    desc.write_text(json.dumps({"task_id": "and2", "detail_description": "AND gate."}) + "\n")
    problems = list(make_suite("verilogeval-v1-human", data, extra={"descriptions": str(desc)}).problems())
    assert problems[0].data["description"] == "AND gate."
    assert "no description for task 'dff8r'" in problems[1].data["defect"]


def test_missing_data_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--data PATH"):
        list(make_suite("verilogeval-v1-human", None).problems())


def test_hf_dataset_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """``hf://OWNER/NAME`` goes through datasets.load_dataset (served here from memory)."""
    import datasets

    rows = [json.loads(ln) for ln in (V1 / "data" / "VerilogEval_Human.jsonl").read_text().splitlines()]
    descs = {json.loads(ln)["task_id"]: json.loads(ln)["detail_description"]
             for ln in (V1 / "descriptions" / "VerilogDescription_Human.jsonl").read_text().splitlines()}
    for r in rows:
        r["detail_description"] = descs[r["task_id"]]
    calls = []

    def fake_load(name: str, split: str | None = None):  # type: ignore[no-untyped-def]
        calls.append((name, split))
        return datasets.DatasetDict({"human": datasets.Dataset.from_list(rows),
                                     "machine": datasets.Dataset.from_list(rows)})

    monkeypatch.setattr(datasets, "load_dataset", fake_load)
    problems = list(make_suite("verilogeval-v1-human", "hf://someone/verilogeval").problems())
    assert calls == [("someone/verilogeval", None)]
    assert [p.id for p in problems] == ["and2", "dff8r"] and "AND gate" in problems[0].data["description"]
    with pytest.raises(UsageError, match="hf://OWNER/NAME"):
        list(make_suite("verilogeval-v1-human", "hf://just-a-name").problems())


@pytest.mark.slow
def test_completion_body_and_whole_module_both_pass(ctx: EvalContext) -> None:
    suite = make_suite("verilogeval-v1-human", V1)
    p = next(iter(suite.problems()))
    for text in ("\tassign out = a & b;\nendmodule\n",
                 "```verilog\nmodule top_module(input a, input b, output out);\n  assign out = b & a;\nendmodule\n```"):
        cand = suite.extract(p, Completion(suite.name, p.id, 0, text))
        assert cand is not None
        v = suite.evaluate(p, cand, ctx)
        assert v.status == Status.PASS, v.reason


@pytest.mark.slow
def test_reference_run_scores_one(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "verilogeval-v1-machine", "--data", str(V1), "--model", "reference",
                  "--out", str(out), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    s = json.loads((out / "results.json").read_text())["suites"]["verilogeval-v1-machine"]
    assert s["metrics"]["pass@1"]["mean"] == 1.0 and s["excluded"] == []
