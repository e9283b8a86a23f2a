"""RTLLM: nested v2.0 and flat v1.1 checkouts, module-name normalisation, unforgeable passes."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness import registry
from harness.errors import DataError, UsageError
from harness.runner import not_run_from, validate_references
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status
from tests.helpers import hweval

FIXTURES = Path(__file__).parent / "fixtures"
V2, V11 = FIXTURES / "v2", FIXTURES / "v11"


def suite(data: Path | None):  # type: ignore[no-untyped-def]
    return registry.load("suites", "rtllm")(SuiteOptions(data=str(data) if data else None))


@pytest.fixture
def ctx(tmp_path: Path) -> EvalContext:
    return EvalContext(sandbox=BubblewrapSandbox(), cache_dir=tmp_path)


def test_nested_v2_layout_with_spaces_in_folder_names() -> None:
    problems = {p.id: p for p in suite(V2).problems()}
    assert sorted(problems) == ["adder_4bit", "clk_div2", "rom16", "seq_det"]  # _samples/ is skipped
    seq = problems["seq_det"]
    assert seq.data["category"] == "Control/Finite State Machine"
    assert seq.data["top"] == "seq_det" and seq.data["tb"]["root"] == "tb_seq_det"


def test_flat_v11_layout() -> None:
    assert sorted(p.id for p in suite(V11).problems()) == ["adder_4bit", "seq_det"]


def test_reference_module_names_are_normalised() -> None:
    problems = {p.id: p for p in suite(V2).problems()}
    adder = problems["adder_4bit"].reference
    assert "module adder_4bit(" in adder and "verified_adder_4bit" not in adder and "module full_adder(" in adder
    assert "module seq_det(" in problems["seq_det"].reference
    assert problems["rom16"].data["tb"]["files"]["expected.txt"].startswith("03\n0a\n")


def test_prompt_names_the_module_the_testbench_needs() -> None:
    s = suite(V2)
    problems = {p.id: p for p in s.problems()}
    assert "must be named `clk_div2`" in s.prompt(problems["clk_div2"]).text
    assert "must be named" not in s.prompt(problems["adder_4bit"]).text
    assert s.prompt(problems["adder_4bit"]).text.startswith("Please act as a professional verilog designer.")


def test_empty_or_missing_folders_are_data_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no RTLLM designs found"):
        list(suite(tmp_path).problems())
    with pytest.raises(DataError, match="no such file or folder"):
        list(suite(tmp_path / "nope").problems())
    with pytest.raises(UsageError, match="--data PATH"):
        list(suite(None).problems())
    with pytest.raises(UsageError, match="not a Hugging Face dataset"):
        list(registry.load("suites", "rtllm")(SuiteOptions(data="hf://a/b")).problems())


@pytest.mark.slow
def test_malformed_designs_are_not_run_with_the_file_named(tmp_path: Path, ctx: EvalContext) -> None:
    root = tmp_path / "RTLLM"
    shutil.copytree(V11, root)
    (root / "adder_4bit" / "testbench.v").unlink()
    (root / "seq_det" / "design_description.txt").unlink()
    (root / "seq_det" / "design_description.txt").mkdir()
    s = suite(root)
    problems = list(s.problems())
    # unusable problem data is an infra error of the problem: listed as not run, never scored
    excluded = {e["problem_id"]: e["reason"] for e in not_run_from(validate_references(s, problems, ctx, 2,
                                                                                       use_cache=False))}
    assert "missing file" in excluded["adder_4bit"] and "testbench.v" in excluded["adder_4bit"]
    assert "unreadable file" in excluded["seq_det"] and "design_description.txt" in excluded["seq_det"]


@pytest.mark.slow
def test_forged_pass_line_fails_and_a_real_answer_passes(ctx: EvalContext) -> None:
    s = suite(V2)
    p = next(q for q in s.problems() if q.id == "adder_4bit")
    header = "module adder_4bit(input [3:0] a, input [3:0] b, input cin, output [3:0] sum, output cout);\n"
    forged = header + ("  assign {cout, sum} = a - b;\n"
                       "  initial $display(\"===========Your Design Passed===========\");\nendmodule\n")
    good = header + "  assign {cout, sum} = a + b + cin;\nendmodule\n"
    for code, status in ((forged, Status.FAIL), (good, Status.PASS)):
        cand = s.extract(p, Completion(s.name, p.id, 0, f"```verilog\n{code}```"))
        v = s.evaluate(p, cand, ctx)
        assert v.status == status, v.reason
    assert v.metrics["synthesizable"] and v.metrics["area_ratio"] > 0


@pytest.mark.slow
def test_reference_run_scores_one(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "rtllm", "--data", str(V2), "--model", "reference", "--out", str(out),
                  "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    s = json.loads((out / "results.json").read_text())["suites"]["rtllm"]
    assert s["excluded"] == [] and s["n_problems"] == 4
    assert s["metrics"]["pass@1"]["mean"] == 1.0 and s["metrics"]["synth_rate"]["mean"] == 1.0
