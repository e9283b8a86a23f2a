"""``hf:FOLDER`` with a tiny random causal LM and a tokenizer trained on the spot."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import registry
from harness.backend import BackendOptions, GenerationRequest
from harness.errors import UsageError
from harness.suite import SuiteOptions
from harness.types import GenerationSettings, Prompt
from tests.backends.backend_fixtures import completions, executions

pytestmark = pytest.mark.slow
SUITE = "verilog-core"


def test_end_to_end_on_verilog_core(tiny_model: Path, hweval, tmp_path: Path) -> None:
    run = tmp_path / "run"
    code, err = hweval("run", "--suite", SUITE, "--model", f"hf:{tiny_model}", "--limit", "3", "--n-samples", "2",
                       "--temperature", "0.8", "--max-tokens", "24", "-S", "validate=off", "--out", str(run),
                       "-B", "device=cpu", "-B", "dtype=float32")
    assert code == 0, err
    rows = completions(run)
    assert len(rows) == 6 and len({(r["problem_id"], r["sample_idx"]) for r in rows}) == 6
    assert all(0 < r["usage"]["completion_tokens"] <= 24 and r["usage"]["prompt_tokens"] > 0 for r in rows)
    statuses = {e["status"] for e in executions(run)}
    assert len(executions(run)) == 6
    assert statuses <= {"no_code", "syntax_error", "fail", "rejected"}, statuses
    backend = json.loads((run / "config.json").read_text())["backend"]
    assert backend["backend"] == "hf" and backend["revision"] and backend["dtype"] == "float32"


def _request(prompt: Prompt, indices: list[int], **settings) -> GenerationRequest:
    suite = registry.load("suites", SUITE)(SuiteOptions())
    problem = next(iter(suite.problems()))
    return GenerationRequest(suite, problem, prompt, indices, GenerationSettings(**settings))


def test_sampling_is_seeded_and_greedy_is_shared(tiny_model: Path) -> None:
    from harness.backends.hf import HFBackend

    backend = HFBackend(str(tiny_model), BackendOptions(extra={"device": "cpu", "batch_size": "2"}))
    try:
        prompt = Prompt.user("Write an adder module.", system="You write Verilog.")
        assert backend.render(prompt).startswith("<|system|>You write Verilog.\n<|user|>")
        assert backend.render(prompt).endswith("<|assistant|>")
        first = backend.generate(_request(prompt, [0, 1, 2], temperature=1.0, max_tokens=12, seed=3))
        again = backend.generate(_request(prompt, [0, 1, 2], temperature=1.0, max_tokens=12, seed=3))
        assert [c.completion for c in first] == [c.completion for c in again]
        assert [c.sample_idx for c in first] == [0, 1, 2]
        assert len({c.completion for c in first}) > 1  # samples differ
        greedy = backend.generate(_request(prompt, [0, 1], temperature=0.0, max_tokens=12))
        assert greedy[0].completion == greedy[1].completion and greedy[0].completion
        stop = greedy[0].completion[2:4]
        stopped = backend.generate(_request(prompt, [0], temperature=0.0, max_tokens=12, stop=(stop,)))[0]
        assert greedy[0].completion.startswith(stopped.completion) and stop not in stopped.completion
        assert stopped.usage["completion_tokens"] < greedy[0].usage["completion_tokens"]
        huge = Prompt.user("module " * 5000)
        out = backend.generate(_request(huge, [0], max_tokens=8))
        assert out[0].completion == "" and "does not fit the model's context" in (out[0].error or "")
    finally:
        backend.close()


def test_bad_inputs_are_usage_errors(tiny_model: Path, tmp_path: Path) -> None:
    from harness.backends.hf import HFBackend

    with pytest.raises(UsageError, match="no such model folder"):
        HFBackend(str(tmp_path / "missing"), BackendOptions())
    with pytest.raises(UsageError, match="dtype"):
        HFBackend(str(tiny_model), BackendOptions(extra={"dtype": "float8"}))
    with pytest.raises(UsageError, match="cannot load"):
        HFBackend(str(tmp_path), BackendOptions())  # a folder without a model
