"""CVDP loading: files, folders, hf:// through datasets, selection, and records listed as unsupported."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.cvdp import NO_REFERENCE, CvdpSuite
from benchmarks.cvdp.records import parse_env
from harness import registry
from harness.errors import DataError, UsageError
from harness.suite import SuiteOptions
from harness.types import Completion
from tests.cvdp import fixtures

SCORED = ["cvdp_copilot_counter4_0001", "cvdp_copilot_alu_0004", "cvdp_copilot_parity_0016",
          "cvdp_copilot_mux4_0002"]


def suite(data: Path | str | None, **extra: str) -> CvdpSuite:
    return CvdpSuite(SuiteOptions(data=str(data) if data else None, extra=extra))


def test_registered_under_its_name() -> None:
    assert registry.load("suites", "cvdp") is CvdpSuite


def test_scored_and_unsupported_records(tmp_path: Path) -> None:
    s = suite(fixtures.write(tmp_path))
    problems = {p.id: p for p in s.problems()}
    assert list(problems) == SCORED
    alu = problems["cvdp_copilot_alu_0004"]
    assert alu.data["files"] == ["rtl/alu_top.sv", "rtl/alu_core.sv"] and alu.data["difficulty"] == "medium"
    assert json.loads(alu.reference or "")["code"][1] == {"rtl/alu_core.sv": fixtures.ALU_CORE}
    reasons = {u["problem_id"]: u["reason"] for u in s.unsupported()}
    assert set(reasons) == {"cvdp_copilot_gf_mult_0039", "cvdp_copilot_counter4_0005",
                            "cvdp_copilot_counter4_0010", "cvdp_agentic_counter4_0001"}
    assert "commercial simulator" in reasons["cvdp_copilot_gf_mult_0039"]
    assert "'xcelium'" in reasons["cvdp_copilot_counter4_0005"]
    assert "LLM judge" in reasons["cvdp_copilot_counter4_0010"]
    assert reasons["cvdp_agentic_counter4_0001"].startswith("agentic record")


def test_folder_prefers_the_copy_with_solutions(tmp_path: Path) -> None:
    fixtures.write(tmp_path, solutions=False)
    fixtures.write(tmp_path, solutions=True)
    problems = list(suite(tmp_path).problems())
    assert [p.id for p in problems] == SCORED and all(p.reference for p in problems)


def test_without_solutions_the_reference_is_reported_missing(tmp_path: Path) -> None:
    s = suite(fixtures.write(tmp_path, solutions=False))
    p = next(iter(s.problems()))
    assert p.reference is None and s.reference_response(p) == NO_REFERENCE
    cand = s.extract(p, Completion("cvdp", p.id, 0, NO_REFERENCE))
    assert cand is not None and cand.meta["no_reference"]


def test_an_answer_to_a_record_without_solutions_is_not_scored(tmp_path: Path) -> None:
    """Red team 11a S10: without the reference the integrity checks that keep the harness's golden
    model out (probe, hidden names, directive tail) cannot run, so nothing is scored."""
    from harness.types import Status

    s = suite(fixtures.write(tmp_path, solutions=False))
    p = next(iter(s.problems()))
    body = "\n".join(f"```verilog\n// {name}\nmodule x; endmodule\n```" for name in p.data["files"])
    cand = s.extract(p, Completion("cvdp", p.id, 0, body))
    assert cand is not None
    verdict = s.evaluate(p, cand, None)  # type: ignore[arg-type]  # decided before any sandbox
    assert verdict.status == Status.INFRA_ERROR and "no reference solution" in verdict.reason


def test_category_and_difficulty_selection(tmp_path: Path) -> None:
    data = fixtures.write(tmp_path)
    assert [p.id for p in suite(data, categories="cid003,cid004").problems()] == SCORED[:2]
    s = suite(data, difficulty="easy")
    assert [p.id for p in s.problems()] == ["cvdp_copilot_counter4_0001", "cvdp_copilot_mux4_0002"]
    assert {u["difficulty"] for u in s.unsupported()} == {"easy"}
    with pytest.raises(UsageError, match="difficulty"):
        list(suite(data, difficulty="trivial").problems())
    with pytest.raises(UsageError, match="cid003"):
        list(suite(data, categories="3").problems())


def test_bad_input_names_file_line_and_field(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="needs --data"):
        list(suite(None).problems())
    with pytest.raises(DataError, match="no such file"):
        list(suite(tmp_path / "absent.jsonl").problems())
    rec = fixtures.counter()
    del rec["input"]["prompt"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(fixtures.alu()) + "\n" + json.dumps(rec) + "\n")
    with pytest.raises(DataError, match=r"bad\.jsonl:2: missing field input\.prompt"):
        list(suite(bad).problems())
    bad.write_text(json.dumps(fixtures.alu()) + "\n{not json\n")
    with pytest.raises(DataError, match=r"bad\.jsonl:2: not valid JSON"):
        list(suite(bad).problems())
    rec = fixtures.counter()
    rec["categories"] = "cid003"
    bad.write_text(json.dumps(rec) + "\n")
    with pytest.raises(DataError, match=r"bad\.jsonl:1: field categories"):
        list(suite(bad).problems())


def test_env_file_parsing() -> None:
    env = parse_env("SIM             = icarus\n# comment\nVERILOG_SOURCES = /code/rtl/a.sv /code/rtl/b.sv\n"
                    "WAVE=\"True\"\n")
    assert env == {"SIM": "icarus", "VERILOG_SOURCES": "/code/rtl/a.sv /code/rtl/b.sv", "WAVE": "True"}


def test_hub_dataset_through_datasets_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``hf://OWNER/NAME`` goes through ``datasets.load_dataset``; a local dataset folder of that
    name is what it resolves to offline (datasets fills absent struct keys with None)."""
    repo = tmp_path / "nvidia" / "cvdp-benchmark-dataset"
    fixtures.write(repo)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    hub = suite("hf://nvidia/cvdp-benchmark-dataset")
    local = suite(fixtures.write(tmp_path / "local"))
    assert [p.id for p in hub.problems()] == SCORED
    for a, b in zip(hub.problems(), local.problems(), strict=True):
        assert a.data["harness"] == b.data["harness"] and a.data["context"] == b.data["context"]
        assert a.reference == b.reference
    assert [u["problem_id"] for u in hub.unsupported()] == [u["problem_id"] for u in local.unsupported()]
    with pytest.raises(UsageError, match="hf://OWNER/NAME"):
        list(suite("hf://just-a-name").problems())
