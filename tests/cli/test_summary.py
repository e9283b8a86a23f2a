"""What a run says about itself: provenance of samples and verdicts, identical samples, progress
lines when piped, ordered metrics, unbroken titles, suite listing (real CLI subprocesses)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backends.backend_fixtures import FakeServer, echo_openai
from tests.helpers import fenced, hweval, hweval_in_process

pytestmark = pytest.mark.slow

GOOD = "module and_gate(input a, input b, output y);\n  assign y = a & b;\nendmodule"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    srv = FakeServer(echo_openai(answer=lambda body: fenced(GOOD))).start()
    yield srv
    srv.stop()


def test_identical_samples_and_both_caches_are_counted(server: FakeServer, tmp_path: Path) -> None:
    env = {"HWEVAL_CACHE": str(tmp_path / "cache")}
    args = ("run", "--suite", "verilog-core", "--problems", "and_gate", "--model", "openai:m",
            "--base-url", server.url, "--n-samples", "2", "-S", "synth=off", "-S", "verdict_cache=on")
    first = hweval(*args, "--out", str(tmp_path / "a"), env=env)
    assert first.returncode == 0, first.stderr
    assert "--temperature 0 with --n-samples 2" in first.stderr
    prov = json.loads((tmp_path / "a" / "results.json").read_text())["suites"]["verilog-core"]["provenance"]
    assert prov == {"samples": 2, "from_generation_cache": 0, "identical_samples": 1, "verdicts": 2,
                    "verdicts_shared": 1, "verdicts_from_cache": 0, "verdicts_executed": 1}
    assert "1 sample(s) repeat an earlier sample of the same problem at --temperature 0" in first.stdout
    asked = len(server.seen)
    second = hweval(*args, "--out", str(tmp_path / "b"), env=env)
    assert second.returncode == 0 and len(server.seen) == asked  # nothing asked again
    assert "samples: 2, 2 from the generation cache" in second.stdout
    assert "1 from the verdict cache" in second.stdout
    third = hweval(*args, "--generation-cache", "off", "--out", str(tmp_path / "c"), env=env)
    assert third.returncode == 0 and len(server.seen) > asked


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("ref") / "run"
    proc = hweval("run", "--suite", "verilog-core", "--problems", "and_gate", "--out", str(out),
                  env={"HWEVAL_NO_PROGRESS": "", "HWEVAL_PROGRESS_INTERVAL": "0", "COLUMNS": "50"})
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_progress_lines_when_not_a_terminal(reference_run) -> None:
    _, proc = reference_run
    assert "generate: 1/1 (100%) ok=1" in proc.stderr
    assert "evaluate: 1/1 (100%) pass=1" in proc.stderr


def test_report_orders_metrics_and_keeps_titles_whole(reference_run) -> None:
    out, proc = reference_run
    report = hweval("report", str(out), env={"COLUMNS": "50"}).stdout
    for text in (proc.stdout, report):
        assert "verilog-core — reference (1 problems x 1 samples)" in text.splitlines()
        order = [text.index(f"│ {m} ") for m in ("pass@1", "syntax_rate", "synth_rate", "area_ratio")]
        assert order == sorted(order), text
        assert "43 loaded" in text


def test_results_count_what_was_loaded_selected_and_left_out(reference_run) -> None:
    out, _ = reference_run
    s = json.loads((out / "results.json").read_text())["suites"]["verilog-core"]
    assert (s["n_loaded"], s["n_selected"], s["n_problems"]) == (43, 1, 1)
    assert (s["n_excluded"], s["excluded_by_reason"], s["n_not_run"], s["not_run"]) == (0, {}, 0, [])


def test_list_suites_says_what_each_needs() -> None:
    text = hweval_in_process("list", "suites").stdout
    assert "needs --data" in text and "hweval's built-in RTL problems" in text
    rows = {r["name"]: r for r in json.loads(hweval_in_process("list", "suites", "--json").stdout)}
    assert rows["rtllm"]["data"] == "needs --data" and rows["verilog-core"]["data"] == "no"
    assert "lint" in rows["verilog-core"]["options"] and "device" in rows["kernels-core"]["options"]
