"""kernelbench: the real formats (a checkout, a Hugging Face dataset) on fixtures written for hweval."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.kernelbench import KernelBenchSuite
from harness.errors import DataError, UsageError
from harness.suite import SuiteOptions
from tests.helpers import hweval
from tests.kernels.helpers import ANSWERS, KERNELBENCH, bwrap_usable, executions, write_replay

IDS_123 = ["level1/1_Softsign_small", "level1/2_Row_scale_large", "level2/1_Linear_Tanh_Bias", "level3/1_Dropout_head"]


def _suite(data: str, **extra: str) -> KernelBenchSuite:
    return KernelBenchSuite(SuiteOptions(data=data, lang="triton", extra=extra))


def _rows() -> list[dict]:
    rows = []
    for path in sorted((KERNELBENCH / "KernelBench").glob("level*/*.py")):
        level = int(path.parent.name.removeprefix("level"))
        rows.append({"code": path.read_text(), "level": level, "name": path.stem,
                     "problem_id": int(path.stem.split("_")[0])})
    return rows


def test_checkout_ids_levels_and_order() -> None:
    assert [p.id for p in _suite(str(KERNELBENCH)).problems()] == IDS_123
    assert [p.id for p in _suite(str(KERNELBENCH / "KernelBench"), levels="4").problems()] == ["level4/1_tiny_hub_model"]
    problems = {p.id: p for p in _suite(str(KERNELBENCH), levels="1,2,3,4").problems()}
    assert problems["level1/1_Softsign_small"].reference is None  # KernelBench has no golden solutions
    kp = _suite(str(KERNELBENCH), levels="4").kernel_problem(problems["level4/1_tiny_hub_model"])
    assert "Hugging Face" in kp.meta["unsupported"]


def test_large_shapes_get_scaled_candidates() -> None:
    suite = _suite(str(KERNELBENCH))
    kp = suite.kernel_problem(next(p for p in suite.problems() if p.id == "level1/2_Row_scale_large"))
    assert kp.scale_search[0] == {"rows": 1024, "cols": 4096}  # the least scaling first
    assert {"rows": 128, "cols": 512} in kp.scale_search
    small = suite.kernel_problem(next(p for p in suite.problems() if p.id == "level1/1_Softsign_small"))
    # only medium constants to halve (tried only when the as-is shapes do not fit the CPU budget)
    assert small.scale_search == [{"features": 20}, {"features": 10}]


def test_hf_dataset_saved_to_disk_and_parquet(tmp_path: Path) -> None:
    import datasets

    rows = _rows()
    dd = datasets.DatasetDict({f"level_{lv}": datasets.Dataset.from_list([r for r in rows if r["level"] == lv])
                               for lv in (1, 2, 3, 4)})
    dd.save_to_disk(str(tmp_path / "kb"))
    ids = [p.id for p in _suite(str(tmp_path / "kb")).problems()]
    assert ids == IDS_123
    datasets.Dataset.from_list(rows).to_parquet(str(tmp_path / "kb.parquet"))
    assert [p.id for p in _suite(str(tmp_path / "kb.parquet"), levels="2").problems()] == ["level2/1_Linear_Tanh_Bias"]
    with (tmp_path / "kb.jsonl").open("w") as fh:
        for r in rows:
            fh.write(json.dumps({k: v for k, v in r.items() if k != "name"}) + "\n")
    with pytest.raises(DataError, match="name"):
        list(_suite(str(tmp_path / "kb.jsonl")).problems())


def test_bad_data_and_options() -> None:
    with pytest.raises(UsageError, match="--data"):
        list(_suite("").problems())
    with pytest.raises(DataError, match="no such file"):
        list(_suite("/nonexistent/kb").problems())
    with pytest.raises(DataError, match="level1"):
        list(_suite(str(ANSWERS)).problems())
    with pytest.raises(UsageError, match="levels"):
        list(_suite(str(KERNELBENCH), levels="7").problems())
    with pytest.raises(UsageError, match="--lang"):
        KernelBenchSuite(SuiteOptions(data=str(KERNELBENCH), lang="verilog"))


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_end_to_end_references_and_answers(tmp_path: Path) -> None:
    """Validation runs every reference in the sandbox (scaled down when large); the random one and
    the level-4 one are excluded with their reason; real answers pass, a cheat is rejected."""
    answers = {
        "level1/1_Softsign_small": (ANSWERS / "kb_softsign_triton.py").read_text(),
        "level1/2_Row_scale_large": (ANSWERS / "kb_row_scale_triton.py").read_text(),
        "level2/1_Linear_Tanh_Bias": (ANSWERS / "kb_linear_tanh_bias_triton.py").read_text(),
        "level3/1_Dropout_head": "import torch\nimport torch.nn as nn\n\n\nclass ModelNew(nn.Module):\n"
                                 "    def __init__(self, p):\n        super().__init__()\n\n"
                                 "    def forward(self, x):\n        return x * 2.0\n",
        "level4/1_tiny_hub_model": "(excluded at validation: the replay must still cover it)",
    }
    replay = write_replay(tmp_path / "answers.jsonl", "kernelbench", answers)
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "kernelbench", "--data", str(KERNELBENCH), "-S", "levels=1,2,3,4",
                  "--model", f"replay:{replay}", "--out", str(out), "--workers", "2")
    results = json.loads((out / "results.json").read_text())["suites"]["kernelbench"]
    excluded = {e["problem_id"]: e["reason"] for e in results["excluded"]}
    assert set(excluded) == {"level3/1_Dropout_head", "level4/1_tiny_hub_model"}, proc.stdout + proc.stderr
    assert "nondeterministic" in excluded["level3/1_Dropout_head"]
    assert "Hugging Face" in excluded["level4/1_tiny_hub_model"]
    recs = executions(out)
    for pid in ("level1/1_Softsign_small", "level1/2_Row_scale_large", "level2/1_Linear_Tanh_Bias"):
        assert recs[(pid, 0)]["status"] == "pass", (pid, recs[(pid, 0)]["reason"])
    assert recs[("level3/1_Dropout_head", 0)]["status"] == "rejected"  # tensor arithmetic in forward
    assert results["metrics"]["pass@1"]["mean"] == 1.0 and results["n_problems"] == 3
