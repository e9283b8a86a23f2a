"""--agent against scripted OpenAI-compatible and Anthropic servers that answer with tool calls:
tools run and are journaled, the submission is scored like a one-shot answer, a looping agent
hits --max-turns and is scored on its last submission (or no_code)."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.backends.backend_fixtures import Action, FakeServer, Seen, openai_reply
from tests.helpers import hweval, hweval_in_process
from tests.multiturn.scripted import RIGHT_AND, WRONG_AND, hidden_lines, jsonl, metrics

BROKEN_AND = "module and_gate(input a, input b, output y);\n  assign y = a &;\nendmodule"
Step = tuple[str, dict[str, Any]]


def _turns(body: dict[str, Any]) -> int:
    return sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")


def openai_agent(script: Callable[[int, int], Step]) -> FakeServer:
    """``script(turn, seed)`` -> (tool name, arguments); turn counts the assistant turns so far."""

    def respond(server: FakeServer, seen: Seen) -> Action:
        name, args = script(_turns(seen.body), int(seen.body.get("seed", 0)))
        call = {"id": f"call_{_turns(seen.body)}", "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)}}
        return openai_reply([""], finish="tool_calls", message_extra={"content": None, "tool_calls": [call]})

    return FakeServer(respond).start()


def _fixer(turn: int, seed: int) -> Step:
    return [("write_file", {"path": "top.v", "content": BROKEN_AND}), ("compile", {"path": "top.v"}),
            ("write_file", {"path": "top.v", "content": RIGHT_AND}), ("run_checks", {"path": "top.v"}),
            ("submit", {"path": "top.v"})][turn]


def _looper(turn: int, seed: int) -> Step:
    if seed % 2 == 0:  # writes a wrong design once, then compiles it forever
        return ("write_file", {"path": "top.v", "content": WRONG_AND}) if turn == 0 else ("compile", {"path": "top.v"})
    return ("read_file", {"path": "nothing.v"})  # never writes anything


def _run(tmp_path: Path, base_url: str, model: str, *extra: str) -> Path:
    out = tmp_path / "run"
    hweval("run", "--suite", "verilog-core", "--problems", "and_gate", "--model", model, "--base-url", base_url,
           "--generation-cache", "off", "--agent", "--workers", "1", "--out", str(out), *extra, check=True)
    return out


@pytest.mark.slow
def test_agent_compiles_fixes_and_submits(tmp_path: Path) -> None:
    server = openai_agent(_fixer)
    try:
        out = _run(tmp_path, server.url, "openai:scripted")
        (comp,) = jsonl(out / "completions.jsonl")
        assert comp["agent"] == {"turns": 5, "tool_calls": 5, "stop": "submitted", "submitted": True}
        assert "a & b" in comp["completion"]
        (execution,) = jsonl(out / "executions.jsonl")
        assert execution["status"] == "pass" and execution["metrics"]["agent_tool_calls"] == 5
        log = [e for e in jsonl(out / "agent.jsonl") if "tool" in e]
        assert [e["tool"] for e in log] == ["write_file", "compile", "write_file", "run_checks", "submit"]
        assert "syntax" in log[1]["result"].lower() and log[3]["result"].startswith("compile: ok")
        # the model saw the compiler's answer as a tool result, without hidden lines
        bodies = server.bodies("/chat/completions")
        assert bodies[0]["tools"] and {t["function"]["name"] for t in bodies[0]["tools"]} >= {"submit", "compile"}
        tool_msgs = [m for m in bodies[-1]["messages"] if m["role"] == "tool"]
        assert len(tool_msgs) == 4 and tool_msgs[1]["content"] == log[1]["result"]
        for line in hidden_lines():
            assert all(line not in m["content"] for m in tool_msgs)
        m = metrics(out)
        assert m["pass@1"]["mean"] == 1.0 and m["agent_turns"]["mean"] == 5.0
        assert m["agent_tool_calls"]["mean"] == 5.0 and m["tokens_per_sample"]["mean"] == 5 * 17
        assert hweval("publish", str(out), "--out", str(tmp_path / "lb.json")).returncode == 0
    finally:
        server.stop()


@pytest.mark.slow  # a whole `hweval run`: the agent's tools and the scoring run Icarus
def test_looping_agent_hits_max_turns_and_is_scored_on_last_submission(tmp_path: Path) -> None:
    server = openai_agent(_looper)
    try:
        out = _run(tmp_path, server.url, "openai:scripted", "--max-turns", "3", "--n-samples", "2")
        comps = {c["sample_idx"]: c for c in jsonl(out / "completions.jsonl")}
        assert {i: (c["agent"]["turns"], c["agent"]["stop"]) for i, c in comps.items()} == \
            {0: (3, "max_turns"), 1: (3, "max_turns")}
        assert len(server.bodies("/chat/completions")) == 6
        statuses = {e["sample_idx"]: e["status"] for e in jsonl(out / "executions.jsonl")}
        assert statuses == {0: "fail", 1: "no_code"}  # the last checked design; nothing at all
        assert "a | b" in comps[0]["completion"]
    finally:
        server.stop()


def _anthropic_agent() -> FakeServer:
    steps = [("write_file", {"path": "and.v", "content": RIGHT_AND}), ("submit", {"path": "and.v"})]

    def respond(server: FakeServer, seen: Seen) -> Action:
        turn = _turns(seen.body)
        name, args = steps[turn]
        return ("json", 200, {"id": "msg", "type": "message", "role": "assistant", "stop_reason": "tool_use",
                              "content": [{"type": "text", "text": "working"},
                                          {"type": "tool_use", "id": f"toolu_{turn}", "name": name, "input": args}],
                              "usage": {"input_tokens": 30, "output_tokens": 10}}, {})

    return FakeServer(respond).start()


@pytest.mark.slow  # a whole `hweval run`: the agent's tools and the scoring run Icarus
def test_agent_through_the_anthropic_tool_api(tmp_path: Path) -> None:
    server = _anthropic_agent()
    try:
        out = _run(tmp_path, f"http://127.0.0.1:{server.port}", "anthropic:scripted")
        (execution,) = jsonl(out / "executions.jsonl")
        assert execution["status"] == "pass" and execution["tokens"] == 80
        second = server.bodies("/v1/messages")[1]
        assert second["tools"][0]["input_schema"]["type"] == "object"
        assert second["messages"][-2]["content"][-1]["type"] == "tool_use"
        result = second["messages"][-1]["content"][0]
        assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_0"
        assert result["content"].startswith("wrote ")
    finally:
        server.stop()


def test_agent_needs_a_tool_calling_backend(tmp_path: Path) -> None:
    # validate=off: this refusal comes after the references are validated, which runs Icarus
    proc = hweval_in_process("run", "--suite", "verilog-core", "--problems", "and_gate", "--model", "reference",
                             "--agent", "-S", "validate=off", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and "tool-calling" in proc.stderr
    both = hweval_in_process("run", "--suite", "verilog-core", "--agent", "--rounds", "2",
                             "--out", str(tmp_path / "b"))
    assert both.returncode == 2 and "--agent" in both.stderr
