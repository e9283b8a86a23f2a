"""Scale features on real runs: deduplicated execution, the verdict cache, the Ray executor."""
from __future__ import annotations

import json

import pytest

from tests.helpers import executions, fenced, hweval, write_replay

pytestmark = pytest.mark.slow

GOOD = "module and_gate(input a, input b, output y);\n  assign y = a & b;\nendmodule"
BAD = GOOD.replace("a & b", "a ^ b")


def _answers() -> list[str]:
    # 0-2: the same design, differently commented and laid out; 3-4: another design, twice
    return [fenced(GOOD), fenced("// my answer\n" + GOOD.replace("  assign", "    assign")),
            fenced(GOOD + "\n// end"), fenced(BAD), fenced(BAD)]


def _scores(run_dir) -> dict:
    suite = json.loads((run_dir / "results.json").read_text())["suites"]["verilog-core"]
    return {k: suite[k] for k in ("metrics", "status_counts", "per_problem")}


def test_identical_candidates_are_executed_once(tmp_path) -> None:
    replay = write_replay(tmp_path / "a.jsonl", "verilog-core", "and_gate", _answers())
    out = tmp_path / "run"
    hweval("run", "--suite", "verilog-core", "--model", f"replay:{replay}", "--problems", "and_gate",
           "--n-samples", "5", "-S", "validate=off", "--out", str(out), check=True)
    recs = executions(out)
    assert [recs[i]["status"] for i in range(5)] == ["pass", "pass", "pass", "fail", "fail"]
    assert sum(recs[i]["shared_with"] is None for i in range(5)) == 2  # two executions for five samples
    assert {recs[i]["shared_with"] for i in (1, 2)} == {0}
    assert recs[4]["shared_with"] == 3

    # without dedup every sample runs, and the scores are the same
    out2 = tmp_path / "nodedup"
    hweval("run", "--suite", "verilog-core", "--model", f"replay:{replay}", "--problems", "and_gate",
           "--n-samples", "5", "-S", "validate=off", "-S", "dedup=off", "--out", str(out2), check=True)
    assert all(r["shared_with"] is None for r in executions(out2).values())
    assert _scores(out) == _scores(out2)


def test_verdict_cache_skips_work_already_done(tmp_path) -> None:
    replay = write_replay(tmp_path / "a.jsonl", "verilog-core", "and_gate", _answers())
    cache = tmp_path / "verdicts"
    args = ["run", "--suite", "verilog-core", "--model", f"replay:{replay}", "--problems", "and_gate",
            "--n-samples", "5", "-S", "validate=off", "-S", f"verdict_cache={cache}"]
    hweval(*args, "--out", str(tmp_path / "first"), check=True)
    assert len(list(cache.rglob("*.json"))) == 2
    hweval(*args, "--out", str(tmp_path / "second"), check=True)
    second = executions(tmp_path / "second")
    assert all(r["metrics"].get("verdict_cache") == "hit" for r in second.values() if r["shared_with"] is None)
    assert _scores(tmp_path / "first") == _scores(tmp_path / "second")


def test_ray_executor_gives_identical_results(tmp_path) -> None:
    pytest.importorskip("ray")
    problems = "and_gate,mux4_w8,decoder3to8"
    base = ["run", "--suite", "verilog-core", "--model", "mutant", "--n-samples", "2", "--problems", problems,
            "--workers", "2", "-S", "lint=off"]
    hweval(*base, "--out", str(tmp_path / "local"), check=True)
    proc = hweval(*base, "--executor", "ray", "--out", str(tmp_path / "ray"), env={"RAY_USAGE_STATS_ENABLED": "0"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _scores(tmp_path / "local") == _scores(tmp_path / "ray")
    cfg = json.loads((tmp_path / "ray" / "config.json").read_text())
    assert cfg["run"]["executor"] == "ray"
