"""Red team round 7, S4: one answer must never end the run. An HLS answer whose JSON nests 100000
``[`` raised RecursionError in the answer parser, during extraction, outside any per-sample
boundary: the run ended with no results and ``--resume`` ended again. Each sample now has its own
boundary (``harness.execute``): what an answer's shape makes the harness's own parsing raise is
that sample's failing status; a bug of the harness is that sample's ``infra_error``; the run goes on.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.families.hls.answer import parse_answer
from harness.types import Candidate, Completion, Problem

from .fakes import FakeSuite, World, answer
from .test_pipeline import go, lines
from .test_pipeline import world as world  # noqa: F401 - the fixture, re-exported for this file

DEEP = "[" * 100_000 + "]" * 100_000


def bomb_answer() -> str:
    """The red team's shape: a fenced JSON answer whose ``line`` nests far past the recursion limit."""
    return f'The bug:\n```json\n{{"buggy": true, "line": {DEEP}, "type": "OOB"}}\n```\n'


@pytest.mark.parametrize("text", [
    bomb_answer(),
    '{"buggy": true, "line": ' + DEEP + ', "type": "OOB"}',  # a bare object
    '```json\n{"buggy": true, "line": 1e999, "type": "OOB"}\n```',  # inf: int() raised OverflowError
    '```json\n{"buggy": true, "line": "' + "7" * 5000 + '", "type": "OOB"}\n```',  # int() over 4300 digits
    '```json\n{"buggy": true, "line": NaN, "type": ' + "[" * 900 + '"OOB"' + "]" * 900 + "}\n```",
])
def test_hls_parser_bombs_parse_without_raising(text: str) -> None:
    got = parse_answer(text)
    assert got is not None and got.buggy is True and got.line is None and got.type == "OOB"


def test_hls_honest_answers_parse_as_before() -> None:
    got = parse_answer('```json\n{"buggy": true, "line": [12, 13], "type": "oob", "fix": null}\n```')
    assert got is not None and (got.buggy, got.line, got.type) == (True, 12, "OOB")
    got = parse_answer('{"buggy": "no", "line": null, "type": null}')
    assert got is not None and (got.buggy, got.line, got.type) == (False, None, None)
    got = parse_answer('```json\n{"buggy": True, "line": "line 7", "type": "OOB",}\n```')
    assert got is not None and (got.buggy, got.line) == (True, 7)


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The fake suite's parsing steps raise on marked answers, as a parser of answer text can."""
    extract, dedup, evaluate = FakeSuite.extract, FakeSuite.dedup_key, FakeSuite.evaluate
    raises: dict[str, BaseException] = {"deep": RecursionError("maximum recursion depth exceeded"),
                                        "digits": ValueError("Exceeds the limit (4300 digits)"),
                                        "huge": MemoryError(), "inf": OverflowError("cannot convert float infinity"),
                                        "syntax": SyntaxError("too many nested parentheses"),
                                        "bug": KeyError("a harness bug")}

    def hostile_extract(self: FakeSuite, problem: Problem, completion: Completion) -> Candidate | None:
        for word, exc in raises.items():
            if f"\n{word}\n" in completion.completion:
                raise exc
        return extract(self, problem, completion)

    def hostile_dedup(self: FakeSuite, candidate: Candidate) -> str:
        if candidate.code.startswith("nokey"):
            raise RecursionError("the dedup key's normaliser ran out of depth")
        return dedup(self, candidate)

    def hostile_evaluate(self: FakeSuite, problem: Problem, candidate: Candidate, ctx: Any) -> Any:
        if candidate.code == "deepcheck":
            raise RecursionError("maximum recursion depth exceeded during ast construction")
        return evaluate(self, problem, candidate, ctx)

    monkeypatch.setattr(FakeSuite, "extract", hostile_extract)
    monkeypatch.setattr(FakeSuite, "dedup_key", hostile_dedup)
    monkeypatch.setattr(FakeSuite, "evaluate", hostile_evaluate)
    yield


def test_one_sample_per_hostile_step_and_the_run_goes_on(world: World, hostile: None, tmp_path: Path) -> None:
    world.answers = {("p0", 0): answer("deep"), ("p0", 1): answer("pass"),
                     ("p1", 0): answer("digits"), ("p1", 1): answer("huge"),
                     ("p2", 0): answer("inf"), ("p2", 1): answer("bug")}
    world.problems["p3"] = "pass"
    world.problems["p4"] = "pass"
    world.answers |= {("p3", 0): answer("deepcheck"), ("p3", 1): answer("nokey-pass"),
                      ("p4", 0): answer("syntax"), ("p4", 1): answer("pass")}
    s = go(tmp_path / "run")
    recs = {(r["problem_id"], r["sample_idx"]): r for r in lines(tmp_path / "run" / "executions.jsonl")}
    assert len(recs) == 10
    for key in [("p0", 0), ("p1", 0), ("p1", 1), ("p2", 0), ("p4", 0)]:  # the answer's shape: its failure
        assert recs[key]["status"] == "no_code" and "could not be read" in recs[key]["reason"], recs[key]
    assert recs[("p2", 1)]["status"] == "infra_error" and "KeyError" in recs[("p2", 1)]["reason"]  # ours
    assert recs[("p3", 0)]["status"] == "rejected" and recs[("p3", 0)]["rule"] == "too_complex"
    assert recs[("p3", 1)]["status"] == "fail"  # no dedup key: executed on its own ("nokey-pass" is not "pass")
    assert recs[("p0", 1)]["status"] == "pass"
    assert s["status_counts"] == {"fail": 1, "infra_error": 1, "no_code": 5, "pass": 2, "rejected": 1}


def test_resume_after_a_crashed_run_finishes_it(world: World, hostile: None, tmp_path: Path) -> None:
    """A run that ended before any verdict (the old crash) continues under --resume to the end."""
    world.answers = {("p0", 0): answer("deep"), ("p0", 1): answer("pass")}
    run = tmp_path / "run"
    go(run)
    (run / "executions.jsonl").write_text("")  # as the crashed run left it: completions, no verdicts
    (run / "results.json").unlink()
    s = go(run, resume=True)
    assert s["status_counts"] == {"no_code": 1, "pass": 5}


# -- the real HLS suite, through the command line ---------------------------------------------

HLS = "hls-bugs"


def _honest(problem_id: str) -> str:
    from harness import registry

    suite = registry.load("suites", HLS)()
    problem = next(p for p in suite.problems() if p.id == problem_id)
    return str(suite.reference_response(problem))


def _mixed_replay(path: Path) -> Path:
    rows = [{"suite": HLS, "problem_id": "dot_product/control", "sample_idx": 0,
             "completion": _honest("dot_product/control")},
            {"suite": HLS, "problem_id": "dot_product/USE_1", "sample_idx": 0, "completion": bomb_answer()}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _statuses(run_dir: Path) -> dict[str, str]:
    return {r["problem_id"]: r["status"] for r in lines(run_dir / "executions.jsonl")}


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_hls_bomb_beside_an_honest_answer(tmp_path: Path, workers: str) -> None:
    from tests.helpers import hweval

    replay = _mixed_replay(tmp_path / "mixed.jsonl")
    out = tmp_path / "run"
    proc = hweval("run", "--suite", HLS, "--model", f"replay:{replay}", "--problems",
                  "dot_product/control,dot_product/USE_1", "--workers", workers, "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _statuses(out) == {"dot_product/control": "pass", "dot_product/USE_1": "no_code"}
    results = json.loads((out / "results.json").read_text())
    assert results["suites"][HLS]["metrics"]["pass@1"]["mean"] == 0.5


@pytest.mark.slow
def test_hls_bomb_generated_then_resumed(tmp_path: Path) -> None:
    """``generate`` leaves the completions (what the crashed run left); ``run --resume`` scores them."""
    from tests.helpers import hweval

    replay = _mixed_replay(tmp_path / "mixed.jsonl")
    out = tmp_path / "run"
    common = ["--suite", HLS, "--model", f"replay:{replay}", "--problems", "dot_product/control,dot_product/USE_1",
              "--workers", "2", "--out", str(out)]
    hweval("generate", *common, check=True)
    proc = hweval("run", *common, "--resume")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _statuses(out) == {"dot_product/control": "pass", "dot_product/USE_1": "no_code"}
