"""tritonbench-t: the T channel's format (reference | 146 '#' | test section, metadata JSON) on
fixtures written for hweval; results are compared as tensors, never as stdout."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.tritonbench import TritonBenchTSuite, read_metadata
from harness.errors import DataError, UsageError
from harness.suite import SuiteOptions
from tests.helpers import hweval
from tests.kernels.helpers import ANSWERS, TRITONBENCH, bwrap_usable, executions, write_replay


def _suite(data: str, lang: str = "triton") -> TritonBenchTSuite:
    return TritonBenchTSuite(SuiteOptions(data=data, lang=lang))


def test_checkout_and_folder_load_the_same_problems() -> None:
    a = list(_suite(str(TRITONBENCH)).problems())
    b = list(_suite(str(TRITONBENCH / "data" / "TritonBench_T_v1")).problems())
    assert [p.id for p in a] == [p.id for p in b] == ["dropout_scale", "scaled_add", "softmax_temperature"]
    suite = _suite(str(TRITONBENCH))
    kp = suite.kernel_problem(a[2])
    assert kp.kind == "function" and kp.entry == "softmax_temperature"
    assert kp.meta["result_var"] == "output" and "test_softmax_temperature()" in kp.test_code
    assert "def softmax_temperature" in kp.reference_source and "#" * 146 not in kp.reference_source
    prompt = suite.prompt(a[1]).text
    assert "Functional Description: Adds other, scaled by alpha" in prompt
    assert "def scaled_add(input, other, alpha=1.0, out=None)" in prompt


def test_metadata_as_array_or_json_lines(tmp_path: Path) -> None:
    rows = json.loads((TRITONBENCH / "data" / "TritonBench_T_v1.jsonl").read_text())
    lines = tmp_path / "m.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert set(read_metadata(lines)) == set(read_metadata(TRITONBENCH / "data" / "TritonBench_T_v1.jsonl"))
    lines.write_text('{"file": "a.py"}\n{broken\n')
    with pytest.raises(DataError, match=":2:"):
        read_metadata(lines)


def test_bad_data(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--lang"):
        _suite(str(TRITONBENCH), lang="cuda")
    with pytest.raises(DataError, match="TritonBench_T_v1"):
        list(_suite(str(tmp_path)).problems())
    folder = tmp_path / "data" / "TritonBench_T_v1"
    folder.mkdir(parents=True)
    (folder / "broken.py").write_text("import torch\n\ndef broken(x):\n    return x\n")
    with pytest.raises(DataError, match="separator"):
        list(_suite(str(tmp_path)).problems())


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_end_to_end_references_and_answers(tmp_path: Path) -> None:
    """The test sections hard-code device='cuda': on the CPU they run mapped to the CPU. The
    random reference is scored with statistical checks (not excluded); real answers pass; a
    wrong one (sample 1 of scaled_add, in the same run: identical samples run once) fails on its
    tensors."""
    scaled_add = (ANSWERS / "tb_scaled_add_triton.py").read_text()
    answers = {"scaled_add": scaled_add,
               "softmax_temperature": (ANSWERS / "tb_softmax_temperature_triton.py").read_text()}
    # a wrong answer (alpha ignored) as scaled_add's second sample
    replay = write_replay(tmp_path / "answers.jsonl", "tritonbench-t", {
        "scaled_add": [scaled_add, scaled_add.replace("a + alpha * b", "a + b")],
        "softmax_temperature": [answers["softmax_temperature"]] * 2,
        "dropout_scale": ["(no code in this answer)"] * 2})
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "tritonbench-t", "--data", str(TRITONBENCH), "--model", f"replay:{replay}",
                  "--n-samples", "2", "--out", str(out), "--workers", "2")
    results = json.loads((out / "results.json").read_text())["suites"]["tritonbench-t"]
    assert results["excluded"] == [], proc.stdout + proc.stderr
    recs = executions(out)
    assert recs[("dropout_scale", 0)]["status"] in {"no_code", "syntax_error"}
    for pid in answers:
        assert recs[(pid, 0)]["status"] == "pass", (pid, recs[(pid, 0)]["reason"])
    # the wrong answer fails on the tensors of the case that uses alpha
    rec = recs[("scaled_add", 1)]
    assert rec["status"] == "fail" and "test_case_2" in rec["reason"], rec["reason"]


def test_copying_the_folder_keeps_ids(tmp_path: Path) -> None:
    shutil.copytree(TRITONBENCH, tmp_path / "tb")
    assert [p.id for p in _suite(str(tmp_path / "tb")).problems()][1] == "scaled_add"
