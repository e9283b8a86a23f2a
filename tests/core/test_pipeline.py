"""The run pipeline in-process: ``harness.runner.run`` (what ``hweval run`` calls) with the fake
suite, backend and sandbox of :mod:`tests.core.fakes`. Each test takes milliseconds and checks
what a run promises: identical candidates run once, the generation and verdict caches, resume
after an interruption, infra errors kept out of the scores, and the metrics."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.config import RunConfig
from harness.errors import BackendError
from harness.progress import Progress
from harness.runner import run

from .fakes import NAME, World, answer, fake_world

TOOLS = {"iverilog": None, "yosys": None, "g++": None, "nvcc": None, "verilator": None}


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("HWEVAL_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("HWEVAL_VERDICT_CACHE", raising=False)
    monkeypatch.setattr("harness.tools.tool_versions", lambda: dict(TOOLS))  # no tool subprocesses
    monkeypatch.setattr("harness.config.git_hash", lambda: None)
    with fake_world() as w:
        yield w


def go(out: Path, n: int = 2, resume: bool = False, generation_cache: str = "on", **options: str) -> dict[str, Any]:
    """``hweval run --suite/--model/--sandbox hwevaltest-fake -S validate=off -S ...``, in-process."""
    cfg = RunConfig(suites=[NAME], model=f"{NAME}:m1", sandbox=NAME, n_samples=n, workers=2, out=str(out),
                    resume=resume, generation_cache=generation_cache, suite_options={"validate": "off", **options})
    _, results = run(cfg, progress=Progress(enabled=False))
    assert results is not None
    on_disk = json.loads((out / "results.json").read_text())
    assert on_disk["suites"] == json.loads(json.dumps(results["suites"]))
    suite: dict[str, Any] = results["suites"][NAME]
    return suite


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_identical_candidates_execute_once(world: World, tmp_path: Path) -> None:
    s = go(tmp_path / "run", n=3)
    assert s["status_counts"] == {"pass": 9}
    assert sorted(pid for pid, _ in world.executed) == ["p0", "p1", "p2"]  # 9 samples, 3 executions
    recs = lines(tmp_path / "run" / "executions.jsonl")
    assert len(recs) == 9 and sum(r["shared_with"] is not None for r in recs) == 6
    assert s["provenance"]["verdicts_executed"] == 3 and s["provenance"]["verdicts_shared"] == 6


def test_dedup_off_executes_every_sample(world: World, tmp_path: Path) -> None:
    go(tmp_path / "run", n=3, dedup="off")
    assert len(world.executed) == 9


def test_generation_cache_answers_a_repeated_run(world: World, tmp_path: Path) -> None:
    first = go(tmp_path / "a")
    assert len(world.requests) == 3 and first["provenance"]["from_generation_cache"] == 0
    second = go(tmp_path / "b")
    assert len(world.requests) == 3  # nothing asked again
    assert second["provenance"]["from_generation_cache"] == 6
    assert second["metrics"] == first["metrics"]


def test_generation_cache_keys_on_the_prompt(world: World, tmp_path: Path) -> None:
    go(tmp_path / "a")
    world.problems["p1"] = "fail"  # p1's prompt (and reference) change: only p1 is asked again
    go(tmp_path / "b")
    assert [pid for pid, _ in world.requests[3:]] == ["p1"]


def test_verdict_cache_skips_known_candidates(world: World, tmp_path: Path) -> None:
    first = go(tmp_path / "a", verdict_cache="on")
    assert len(world.executed) == 3
    second = go(tmp_path / "b", verdict_cache="on")
    assert len(world.executed) == 3  # every verdict came from the cache
    assert second["provenance"]["verdicts_from_cache"] == 3
    assert second["metrics"] == first["metrics"] and second["status_counts"] == first["status_counts"]


def test_verdict_cache_keys_on_the_options_that_change_verdicts(world: World, tmp_path: Path) -> None:
    world.answers = {(pid, i): answer("fail") for pid in world.problems for i in range(2)}
    assert go(tmp_path / "a", verdict_cache="on")["status_counts"] == {"fail": 6}
    lenient = go(tmp_path / "b", verdict_cache="on", judge="lenient")  # a verdict option: executed again
    assert len(world.executed) == 6 and lenient["status_counts"] == {"pass": 6}
    go(tmp_path / "c", verdict_cache="on", judge="lenient", dedup="off", feedback="full")  # driver options only
    assert len(world.executed) == 6


def test_reference_validation_is_cached_per_verdict_options(world: World, tmp_path: Path) -> None:
    go(tmp_path / "a", validate="on")
    checked = len(world.executed)
    assert checked == 6  # 3 references, then 3 deduplicated candidates
    go(tmp_path / "b", validate="on")
    assert len(world.executed) - checked == 3  # the references were not checked again
    go(tmp_path / "c", validate="on", judge="lenient")
    assert len(world.executed) - checked == 3 + 6


def test_a_damaged_validation_cache_is_a_miss(world: World, tmp_path: Path) -> None:
    go(tmp_path / "a", validate="on")
    for f in (tmp_path / "cache" / "validate").glob("*.json"):
        f.write_text("{ truncated")
    checked = len(world.executed)
    go(tmp_path / "b", validate="on")  # no crash: the references are checked again
    assert len(world.executed) - checked == 6


def test_verdict_cache_does_not_keep_infra_errors(world: World, tmp_path: Path) -> None:
    world.answers = {("p0", i): answer("crash") for i in range(2)}
    go(tmp_path / "a", verdict_cache="on")
    go(tmp_path / "b", verdict_cache="on")
    assert [pid for pid, _ in world.executed].count("p0") == 2  # the failed execution is retried


def interrupt_at(n: int) -> Any:
    def hook(count: int) -> None:
        if count == n:
            raise KeyboardInterrupt
    return hook


def test_resume_after_an_interrupted_generation(world: World, tmp_path: Path) -> None:
    world.answers = {("p1", 1): answer("fail")}
    world.on_request = interrupt_at(3)
    with pytest.raises(KeyboardInterrupt):
        go(tmp_path / "run", generation_cache="off")
    journaled = lines(tmp_path / "run" / "completions.jsonl")
    assert len(journaled) < 6  # answers in flight at the interruption may be lost; none is asked twice
    world.on_request, asked_before = None, len(world.requests)
    resumed = go(tmp_path / "run", resume=True)
    again = [(pid, idx) for pid, idxs in world.requests[asked_before:] for idx in idxs]
    assert not {(c["problem_id"], c["sample_idx"]) for c in journaled} & set(again)  # nothing asked twice
    assert len(lines(tmp_path / "run" / "executions.jsonl")) == 6
    whole = go(tmp_path / "whole")
    assert resumed["metrics"] == whole["metrics"] and resumed["status_counts"] == whole["status_counts"]


def test_resume_after_an_interrupted_evaluation(world: World, tmp_path: Path) -> None:
    world.answers = {(pid, i): answer(f"{pid}-{i}") for pid in world.problems for i in range(2)}  # all distinct
    world.on_execute = interrupt_at(4)
    with pytest.raises(KeyboardInterrupt):
        go(tmp_path / "run")
    done = {(r["problem_id"], r["sample_idx"]) for r in lines(tmp_path / "run" / "executions.jsonl")}
    assert len(done) < 6
    world.on_execute, executed_before = None, len(world.executed)
    s = go(tmp_path / "run", resume=True)
    recs = lines(tmp_path / "run" / "executions.jsonl")
    assert sorted((r["problem_id"], r["sample_idx"]) for r in recs) == sorted(set((r["problem_id"], r["sample_idx"])
                                                                                 for r in recs))
    assert len(recs) == 6
    # what was recorded is never executed again; what was not (the rest, and any execution still
    # in flight at the interruption, whose verdict was never recorded) is executed now
    again = {word for _, word in world.executed[executed_before:]}
    assert not again & {f"{pid}-{i}" for pid, i in done}
    assert again >= {f"{pid}-{i}" for pid in world.problems for i in range(2) if (pid, i) not in done}
    assert s["complete"] and s["status_counts"] == {"fail": 6}


def test_backend_failure_stops_the_run_and_resume_finishes_it(world: World, tmp_path: Path) -> None:
    def fail_third(count: int) -> None:
        if count == 3:
            raise BackendError("the fake server is down")
    world.on_request = fail_third
    with pytest.raises(BackendError):
        go(tmp_path / "run", generation_cache="off")
    world.on_request = None
    assert go(tmp_path / "run", resume=True, generation_cache="off")["status_counts"] == {"pass": 6}


def test_infra_errors_are_not_scored_as_wrong_answers(world: World, tmp_path: Path) -> None:
    world.answers = {("p0", 0): answer("crash"), ("p0", 1): answer("pass"),
                     ("p1", 0): answer("raise"), ("p1", 1): answer("raise")}
    s = go(tmp_path / "run")
    assert s["status_counts"] == {"infra_error": 3, "pass": 3}
    assert s["per_problem"] == {"p0": {"n": 1, "c": 1}, "p2": {"n": 2, "c": 2}}  # p1 has no scored sample
    assert s["metrics"]["pass@1"]["mean"] == 1.0
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["infra_errors"] == 3
    crashed = [r for r in lines(tmp_path / "run" / "executions.jsonl") if r["problem_id"] == "p1"]
    assert all("RuntimeError: the fake checker broke" in r["reason"] for r in crashed)


def test_metrics_from_known_answers(world: World, tmp_path: Path) -> None:
    world.answers = {("p0", 0): answer("pass"), ("p0", 1): answer("pass"),
                     ("p1", 0): answer("pass"), ("p1", 1): answer("fail"),
                     ("p2", 0): "I do not know.", ("p2", 1): answer("hang")}
    s = go(tmp_path / "run")
    assert s["status_counts"] == {"fail": 1, "no_code": 1, "pass": 3, "timeout": 1}
    assert s["per_problem"] == {"p0": {"n": 2, "c": 2}, "p1": {"n": 2, "c": 1}, "p2": {"n": 2, "c": 0}}
    assert s["metrics"]["pass@1"]["mean"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert s["metrics"]["pass@2"]["mean"] == pytest.approx((1 + 1 + 0) / 3)
    assert "pass@3" not in s["metrics"]
    assert s["metrics"]["syntax_rate"]["mean"] == pytest.approx((1 + 1 + 0.5) / 3)  # a timeout compiled
    assert s["n_problems"] == 3 and s["complete"]


def test_failing_reference_is_excluded_not_scored(world: World, tmp_path: Path) -> None:
    world.problems["p2"] = "broken"  # the reference itself fails its check
    cfg_opts = {"validate": "on"}
    s = go(tmp_path / "run", **cfg_opts)
    assert [e["problem_id"] for e in s["excluded"]] == ["p2"] and s["n_problems"] == 2
    assert "p2" not in s["per_problem"] and s["metrics"]["pass@1"]["mean"] == 1.0


def test_cache_keys_hold_the_harness_code_digest(tmp_path: Path) -> None:
    """A verdict computed by an older checker is never reused: the harness's own code is part of
    the verdict-cache and validation keys."""
    import harness.cache as cache

    digest = cache.harness_code_digest()
    assert len(digest) == 16 and digest == cache.harness_code_digest()
    cache.harness_code_digest.cache_clear()
    try:
        probe = Path(cache.__file__).resolve().parent / "_digest_probe_tmp.py"
        probe.write_text("# a checker change\n")
        try:
            assert cache.harness_code_digest() != digest
        finally:
            probe.unlink()
            cache.harness_code_digest.cache_clear()
        assert cache.harness_code_digest() == digest
    finally:
        cache.harness_code_digest.cache_clear()
