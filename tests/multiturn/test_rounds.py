"""Repair rounds against a scripted OpenAI-compatible server: a wrong first answer fixed in
round 2 counts at r2 and not at r1; feedback reveals no hidden test or reference text; the
journals carry the rounds; the generation cache answers a second run; publish accepts the run."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import hweval, hweval_in_process
from tests.multiturn.scripted import (
    RIGHT_AND,
    WRONG_AND,
    hidden_lines,
    jsonl,
    metrics,
    model_args,
    round_server,
    user_turns,
)


def _fixed_in_round_2(r: int, seed: int) -> str:
    return WRONG_AND if r == 1 else RIGHT_AND


@pytest.mark.slow
def test_wrong_answer_fixed_in_round_2_counts_at_r2_not_r1(tmp_path: Path) -> None:
    server = round_server(_fixed_in_round_2)
    try:
        out = tmp_path / "run"
        hweval("run", "--suite", "verilog-core", "--problems", "and_gate", *model_args(server), "--rounds", "3",
               "--workers", "1", "--out", str(out), check=True)
        m = metrics(out)
        assert m["pass@1@r1"]["mean"] == 0.0
        assert m["pass@1@r2"]["mean"] == 1.0 and m["pass@1@r3"]["mean"] == 1.0
        assert m["pass@1"]["mean"] == 1.0
        assert m["mean_rounds_to_pass"]["mean"] == 2.0
        assert m["tokens_per_solved"] == 34  # two answers of 17 tokens each (the server's usage)
        comps, execs = jsonl(out / "completions.jsonl"), jsonl(out / "executions.jsonl")
        assert [(c["round"], bool(c.get("feedback"))) for c in comps] == [(1, False), (2, True)]
        assert [(e["round"], e["status"]) for e in execs] == [(1, "fail"), (2, "pass")]
        # a sample that passes stops: round 3 is never asked
        bodies = server.bodies("/chat/completions")
        assert [user_turns(b) for b in bodies] == [1, 2]
        repair = bodies[1]["messages"]
        assert [m["role"] for m in repair][-2:] == ["assistant", "user"]
        assert "a | b" in repair[-2]["content"]  # the model sees its own answer...
        feedback = repair[-1]["content"]
        assert "judged: fail" in feedback and "a=" in feedback  # ...and which vector failed
        for line in hidden_lines():
            assert line not in feedback, f"hidden line leaked into feedback: {line!r}"
        assert comps[1]["feedback"] in feedback
        assert hweval("publish", str(out), "--out", str(tmp_path / "lb.json"), "--html",
                      str(tmp_path / "lb.html")).returncode == 0
        assert "pass@1 after each repair round" in (tmp_path / "lb.html").read_text()
        (row,) = json.loads((tmp_path / "lb.json").read_text())["rows"]
        assert row["settings"]["rounds"] == 3
        assert [row["metrics"][f"pass@1@r{r}"]["mean"] for r in (1, 2, 3)] == [0.0, 1.0, 1.0]

        # a second run with the generation cache on: round 2 answers come from the cache too
        cached = [a for a in model_args(server) if a not in ("--generation-cache", "off")]
        for folder in ("warm", "cached"):
            hweval("run", "--suite", "verilog-core", "--problems", "and_gate", *cached, "--rounds", "3",
                   "--workers", "1", "--out", str(tmp_path / folder), check=True)
            if folder == "warm":
                assert len(server.bodies("/chat/completions")) == 4  # 2 for "run", 2 for "warm"
        # "cached": round 1 comes from the cache; round 2's prompt holds the feedback, which names
        # the first failing vector, and the testbench draws its stimulus order per evaluation, so
        # round 2 is asked again only when that vector differs
        again = server.bodies("/chat/completions")[4:]
        assert len(again) <= 1 and all(user_turns(b) == 2 for b in again), [user_turns(b) for b in again]
        assert metrics(tmp_path / "cached") == m
    finally:
        server.stop()


@pytest.mark.slow  # a whole `hweval run` with two rounds: Icarus compiles and simulates each answer
def test_feedback_compile_level_reveals_no_test_outcome(tmp_path: Path) -> None:
    server = round_server(lambda r, seed: WRONG_AND)
    try:
        out = tmp_path / "run"
        hweval("run", "--suite", "verilog-core", "--problems", "and_gate", *model_args(server), "--rounds", "2",
               "-S", "feedback=compile", "--workers", "1", "--out", str(out), check=True)
        feedback = server.bodies("/chat/completions")[1]["messages"][-1]["content"]
        assert "It compiles" in feedback
        assert "a=" not in feedback and "assert" not in feedback
        m = metrics(out)
        assert m["pass@1@r1"]["mean"] == m["pass@1@r2"]["mean"] == 0.0
        assert m["tokens_per_solved"] is None
    finally:
        server.stop()


def test_rounds_are_checked_before_any_work(tmp_path: Path) -> None:
    bad = hweval_in_process("run", "--suite", "verilog-core", "--rounds", "0", "--out", str(tmp_path / "a"))
    assert bad.returncode == 2 and "--rounds" in bad.stderr
    env = hweval_in_process("run", "--suite", "verilog-core", "--out", str(tmp_path / "b"),
                            env={"HWEVAL_ROUNDS": "x"})
    assert env.returncode == 2 and "HWEVAL_ROUNDS" in env.stderr
    level = hweval_in_process("run", "--suite", "verilog-core", "-S", "feedback=all",
                              "--out", str(tmp_path / "c"))
    assert level.returncode == 2 and "feedback" in level.stderr
    gen = hweval_in_process("generate", "--suite", "verilog-core", "--rounds", "2", "--out", str(tmp_path / "d"))
    assert gen.returncode == 2 and "hweval run" in gen.stderr
    assert not (tmp_path / "d").exists()
