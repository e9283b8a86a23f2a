"""A scripted model for multi-turn tests: a real local OpenAI-compatible server whose answer
depends on the round (how many user turns the conversation holds) and the sample (its seed)."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.backends.backend_fixtures import Action, FakeServer, Seen, openai_reply

WRONG_AND = "module and_gate(input a, input b, output y);\n  assign y = a | b;\nendmodule"
RIGHT_AND = "module and_gate(input a, input b, output y);\n  assign y = a & b;\nendmodule"
ROOT = Path(__file__).resolve().parent.parent.parent
AND_DIR = ROOT / "benchmarks" / "verilog_core" / "problems" / "and_gate"


def fenced(code: str) -> str:
    return f"Here is the module.\n\n```verilog\n{code}\n```\n"


def user_turns(body: dict[str, Any]) -> int:
    return sum(1 for m in body.get("messages", []) if m.get("role") == "user")


def round_server(answer: Callable[[int, int], str]) -> FakeServer:
    """``answer(round, sample seed)`` -> the code; ``n`` choices are seeded seed, seed+1, ..."""

    def respond(server: FakeServer, seen: Seen) -> Action:
        n = int(seen.body.get("n", 1))
        seed = int(seen.body.get("seed", 0))
        r = user_turns(seen.body)
        return openai_reply([fenced(answer(r, seed + k)) for k in range(n)])

    return FakeServer(respond).start()


def model_args(server: FakeServer) -> list[str]:
    return ["--model", "openai:scripted", "--base-url", server.url, "--generation-cache", "off",
            "-B", "retry_base_s=0.05"]


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def metrics(run_dir: Path, suite: str = "verilog-core") -> dict[str, Any]:
    return json.loads((run_dir / "results.json").read_text())["suites"][suite]["metrics"]


def hidden_lines() -> list[str]:
    """Lines of and_gate's testbench and reference that its prompt does not show."""
    spec = (AND_DIR / "spec.md").read_text()
    texts = [(AND_DIR / "tb.py").read_text(), (AND_DIR / "ref.v").read_text()]
    return [s for t in texts for ln in t.splitlines() if len(s := ln.strip()) >= 10 and s not in spec]
