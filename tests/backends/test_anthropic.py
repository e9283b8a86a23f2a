"""``anthropic:MODEL`` against a real HTTP server on 127.0.0.1 speaking the Messages API."""
from __future__ import annotations

from pathlib import Path

from tests.backends.backend_fixtures import FakeServer, Seen, completions, executions

SUITE = "verilog-core"
KEY = "sk-ant-hweval-canary-51b2"
FAST = ("-B", "retry_base_s=0.01")


def message(text: str, stop: str = "end_turn", blocks: list | None = None):
    body = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
            "content": blocks if blocks is not None else [{"type": "text", "text": text}],
            "stop_reason": stop, "usage": {"input_tokens": 40, "output_tokens": 9}}
    return ("json", 200, body, {})


def messages_api(server: FakeServer, seen: Seen):
    if seen.path != "/v1/messages" or seen.headers.get("x-api-key") != KEY:
        return ("json", 401, {"type": "error", "error": {"type": "authentication_error",
                                                         "message": "invalid x-api-key"}}, {})
    return message("Here:\n```verilog\nmodule m; endmodule\n```", blocks=[
        {"type": "text", "text": "Here:\n"}, {"type": "text", "text": "```verilog\nmodule m; endmodule\n```"}])


def args(server: FakeServer, out: Path, *extra: str) -> tuple[str, ...]:
    return ("generate", "--suite", SUITE, "--model", "anthropic:claude-test",
            "--base-url", f"http://127.0.0.1:{server.port}", "--out", str(out), *FAST, *extra)


def test_messages_request_and_samples(server_factory, hweval, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    overloaded = ("json", 529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, {})
    srv = server_factory(messages_api, script=[overloaded])
    run = tmp_path / "run"
    code, err = hweval(*args(srv, run, "--limit", "2", "--n-samples", "2", "--temperature", "0.5",
                             "--max-tokens", "100"))
    assert code == 0, err
    assert len(srv.seen) == 5  # no n in this API: one request per sample, plus the 529 retried
    seen = srv.seen[-1]
    assert seen.headers["anthropic-version"] == "2023-06-01"
    body = seen.body
    assert body["model"] == "claude-test" and body["max_tokens"] == 100 and body["temperature"] == 0.5
    assert "top_p" not in body and "seed" not in body
    assert isinstance(body["system"], str) and body["system"]  # system prompt in its own field
    assert [m["role"] for m in body["messages"]] == ["user"]
    rows = completions(run)
    assert len(rows) == 4 and len({(r["problem_id"], r["sample_idx"]) for r in rows}) == 4
    assert all(r["completion"] == "Here:\n```verilog\nmodule m; endmodule\n```" for r in rows)
    assert all(r["usage"] == {"prompt_tokens": 40, "completion_tokens": 9, "total_tokens": 49} for r in rows)
    for path in run.rglob("*"):
        assert KEY not in path.read_text(), path
    assert KEY not in err


def test_refusal_is_no_code(server_factory, hweval, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    srv = server_factory(lambda s, seen: message("", stop="refusal", blocks=[]))
    run = tmp_path / "run"
    code, err = hweval("run", "--suite", SUITE, "--model", "anthropic:claude-test", "--base-url",
                       f"http://127.0.0.1:{srv.port}/v1", "--out", str(run), "--limit", "1", "-S", "validate=off",
                       *FAST)
    assert code == 0, err
    assert srv.seen[0].path == "/v1/messages"  # a base URL ending in /v1 is not doubled
    assert completions(run)[0]["error"].startswith("refused")
    assert [e["status"] for e in executions(run)] == ["no_code"]


def test_bad_key_fails_without_retries(server_factory, hweval, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "wrong-key")
    srv = server_factory(messages_api)
    code, err = hweval(*args(srv, tmp_path / "run", "--limit", "1"))
    assert code == 1 and "HTTP 401" in err and "invalid x-api-key" in err and "--api-key-env" in err
    assert len(srv.seen) == 1


def test_official_endpoint_needs_a_key(hweval, tmp_path: Path) -> None:
    code, err = hweval("generate", "--suite", SUITE, "--model", "anthropic:claude-test", "--limit", "1",
                       "--out", str(tmp_path / "run"))
    assert code == 2 and "ANTHROPIC_API_KEY" in err
