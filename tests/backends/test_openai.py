"""``openai:MODEL`` against real HTTP servers on 127.0.0.1 speaking the OpenAI protocol."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from harness import registry
from harness.suite import SuiteOptions
from tests.backends.backend_fixtures import (
    FakeServer,
    Seen,
    completions,
    echo_openai,
    executions,
    last_user,
    openai_reply,
)

SUITE = "verilog-core"
FAST = ("-B", "retry_base_s=0.01", "-B", "retry_max_s=0.05")


def gen(server: FakeServer, out: Path, *extra: str) -> tuple[str, ...]:
    return ("generate", "--suite", SUITE, "--model", "openai:test-model", "--base-url", server.url,
            "--out", str(out), *FAST, *extra)


def test_chat_request_and_journal(server_factory, hweval, tmp_path: Path) -> None:
    srv = server_factory(echo_openai())
    code, err = hweval(*gen(srv, tmp_path / "run", "--limit", "2", "--temperature", "0.3", "--top-p", "0.9",
                            "--max-tokens", "321", "--seed", "7"))
    assert code == 0, err
    body = srv.seen[0].body
    assert srv.seen[0].path == "/v1/chat/completions"
    assert body["model"] == "test-model" and body["stream"] is False
    assert body["temperature"] == 0.3 and body["top_p"] == 0.9 and body["max_tokens"] == 321
    assert body["seed"] == 7 and "n" not in body
    assert [m["role"] for m in body["messages"]][-1] == "user"
    assert "authorization" not in srv.seen[0].headers  # a custom server without a key
    rows = completions(tmp_path / "run")
    assert len(rows) == 2 and all(r["completion"] == "answer seed=7" for r in rows)
    assert all(r["usage"]["completion_tokens"] == 7 and r["latency_s"] > 0 and r["error"] is None for r in rows)


def test_n_samples_in_one_request(server_factory, hweval, tmp_path: Path) -> None:
    srv = server_factory(echo_openai())
    code, err = hweval(*gen(srv, tmp_path / "run", "--limit", "2", "--n-samples", "3", "--temperature", "0.8"))
    assert code == 0, err
    assert len(srv.seen) == 2 and all(s.body["n"] == 3 for s in srv.seen)
    rows = completions(tmp_path / "run")
    assert sorted((r["problem_id"], r["sample_idx"]) for r in rows) == sorted(
        {(r["problem_id"], i) for r in rows for i in range(3)})
    texts = {r["completion"] for r in rows if r["problem_id"] == rows[0]["problem_id"]}
    assert len(texts) == 3  # distinct choices land on distinct samples
    # usage of a request is split so sums match the server's count (21 completion tokens each)
    assert sum(r["usage"]["completion_tokens"] for r in rows) == 2 * 21


def test_server_ignoring_n_gets_one_request_per_sample(server_factory, hweval, tmp_path: Path) -> None:
    srv = server_factory(echo_openai(honour_n=False))
    code, err = hweval(*gen(srv, tmp_path / "run", "--limit", "2", "--n-samples", "3", "--temperature", "0.8",
                            "--max-connections", "1"))
    assert code == 0, err
    rows = completions(tmp_path / "run")
    assert len(rows) == 6 and len({(r["problem_id"], r["sample_idx"]) for r in rows}) == 6
    # first problem: one n=3 request answered with one choice, then two single requests;
    # second problem: single requests only
    assert len(srv.seen) == 6
    assert [s.body.get("n") for s in srv.seen[:1]] == [3] and all("n" not in s.body for s in srv.seen[3:])
    # one-sample requests are seeded seed + sample_idx
    assert {r["completion"] for r in rows if r["sample_idx"] == 2} == {"answer seed=2"}


def test_completion_mode(server_factory, hweval, tmp_path: Path) -> None:
    srv = server_factory(echo_openai())
    code, err = hweval(*gen(srv, tmp_path / "run", "--limit", "1", "-B", "mode=completion"))
    assert code == 0, err
    assert srv.seen[0].path == "/v1/completions"
    assert isinstance(srv.seen[0].body["prompt"], str) and "messages" not in srv.seen[0].body
    assert "Verilog" in srv.seen[0].body["prompt"]
    assert completions(tmp_path / "run")[0]["completion"] == "answer seed=0"


def test_429_then_success_honours_retry_after(server_factory, hweval, tmp_path: Path) -> None:
    limited = ("json", 429, {"error": {"message": "Rate limit reached", "type": "requests"}}, {"Retry-After": "1"})
    srv = server_factory(echo_openai(), script=[limited])
    code, err = hweval(*gen(srv, tmp_path / "run", "--limit", "1"))
    assert code == 0, err
    assert len(srv.seen) == 2
    assert srv.seen[1].at - srv.seen[0].at >= 0.9  # waited for Retry-After, not the 0.01 s backoff
    assert completions(tmp_path / "run")[0]["completion"] == "answer seed=0"


def test_500_burst_then_success(server_factory, hweval, tmp_path: Path) -> None:
    boom = ("json", 500, {"error": {"message": "internal error"}}, {})
    srv = server_factory(echo_openai(), script=[boom, boom, ("json", 503, {}, {}), boom])
    code, err = hweval(*gen(srv, tmp_path / "run", "--limit", "1", "--max-retries", "5"))
    assert code == 0, err
    assert len(srv.seen) == 5
    assert len(completions(tmp_path / "run")) == 1


def test_dropped_connections_are_retried(server_factory, hweval, tmp_path: Path) -> None:
    srv = server_factory(echo_openai(), script=[("close",), ("close",)])
    code, err = hweval(*gen(srv, tmp_path / "run", "--limit", "1"))
    assert code == 0, err
    assert len(srv.seen) == 3 and completions(tmp_path / "run")[0]["error"] is None


def test_server_that_never_answers_times_out(server_factory, hweval, tmp_path: Path) -> None:
    srv = server_factory(lambda s, seen: ("hang",))
    start = time.monotonic()
    code, err = hweval(*gen(srv, tmp_path / "run", "--limit", "1", "--request-timeout", "0.5",
                            "--max-retries", "1"))
    assert code == 1
    assert "no answer within 0.5s" in err and "failed after 1 retries" in err
    assert time.monotonic() - start < 20
    assert len(srv.seen) == 2 and completions(tmp_path / "run") == []


def test_client_errors_fail_fast_with_a_hint(server_factory, hweval, tmp_path: Path) -> None:
    srv = server_factory(lambda s, seen: ("json", 404, {"error": {"message": "model 'x' not found"}}, {}))
    code, err = hweval(*gen(srv, tmp_path / "run", "--limit", "1"))
    assert code == 1 and "HTTP 404" in err and "model 'x' not found" in err and "--base-url" in err
    assert len(srv.seen) == 1  # not retried


def test_dead_server_keeps_received_and_resume_continues(server_factory, hweval, tmp_path: Path) -> None:
    answered = 0

    def respond(server: FakeServer, seen: Seen):
        nonlocal answered
        answered += 1
        return ("die",) if answered > 3 else openai_reply([f"ok {last_user(seen.body)[-20:]}"])

    srv = server_factory(respond)
    run = tmp_path / "run"
    # the server stops listening within its 0.5 s shutdown poll: the retries come after it
    code, err = hweval(*gen(srv, run, "--limit", "6", "--max-connections", "1", "--max-retries", "2",
                            "-B", "retry_base_s=1", "-B", "retry_max_s=2"))
    assert code == 1
    assert "failed after 2 retries" in err and "cannot connect" in err
    kept = completions(run)
    assert len(kept) == 3 and all(r["error"] is None for r in kept)

    srv2 = server_factory(echo_openai())
    code, err = hweval(*gen(srv2, run, "--limit", "6", "--resume"))
    assert code == 0, err
    rows = completions(run)
    assert len(rows) == 6 and len({r["problem_id"] for r in rows}) == 6
    assert len(srv2.seen) == 3  # only the missing samples were asked again
    assert rows[:3] == kept


def test_refused_and_empty_answers_are_no_code(server_factory, hweval, tmp_path: Path) -> None:
    suite = registry.load("suites", SUITE)(SuiteOptions())
    problems = list(suite.problems())[:3]
    refused, empty, filtered = (last_user(_chat_body(suite, p)) for p in problems)

    def respond(server: FakeServer, seen: Seen):
        user = last_user(seen.body)
        if user == refused:
            return openai_reply([""], message_extra={"content": None, "refusal": "I can't help with that."})
        if user == empty:
            return openai_reply([""])
        assert user == filtered
        return ("json", 400, {"error": {"message": "flagged", "code": "content_policy_violation"}}, {})

    srv = server_factory(respond)
    run = tmp_path / "run"
    code, err = hweval("run", "--suite", SUITE, "--model", "openai:m", "--base-url", srv.url, "--limit", "3",
                       "--out", str(run), "-S", "validate=off", "--workers", "1", *FAST)
    assert code == 0, err
    rows = {r["problem_id"]: r for r in completions(run)}
    assert rows[problems[0].id]["error"].startswith("refused")
    assert rows[problems[1].id]["error"].startswith("empty response")
    assert rows[problems[2].id]["error"].startswith("refused")
    assert {e["status"] for e in executions(run)} == {"no_code"}


def _chat_body(suite, problem) -> dict:
    return {"messages": [{"role": m.role, "content": m.content} for m in suite.prompt(problem).messages]}


def test_key_never_written(server_factory, hweval, tmp_path: Path, monkeypatch, caplog) -> None:
    key = "sk-hweval-canary-7f3a9c1e"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    caplog.set_level("DEBUG")

    def respond(server: FakeServer, seen: Seen):
        if seen.headers.get("authorization") != f"Bearer {key}":
            return ("json", 401, {"error": {"message": "bad key"}}, {})
        return openai_reply(["fine"])

    boom = ("json", 500, {"error": {"message": f"echoing your key {key}"}}, {})
    srv = server_factory(respond, script=[boom])
    run = tmp_path / "run"
    code, err = hweval(*gen(srv, run, "--limit", "2"))
    assert code == 0, err
    assert [r["completion"] for r in completions(run)] == ["fine", "fine"]
    # a server that rejects the key and echoes it back: the message is scrubbed
    srv2 = server_factory(lambda s, seen: ("json", 401, {"error": {"message": f"Incorrect API key {key}"}}, {}))
    code, err2 = hweval(*gen(srv2, tmp_path / "run2", "--limit", "1"))
    assert code == 1 and "HTTP 401" in err2 and "***" in err2
    for folder in (run, tmp_path / "run2", tmp_path / "hweval-cache"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert key not in path.read_text(errors="replace"), path
    assert key not in err + err2 and key not in caplog.text


def test_generation_cache_reuses_samples(server_factory, hweval, tmp_path: Path) -> None:
    srv = server_factory(echo_openai())
    args = ("--limit", "2", "--n-samples", "2", "--temperature", "0.5")
    assert hweval(*gen(srv, tmp_path / "a", *args))[0] == 0
    assert len(srv.seen) == 2
    assert hweval(*gen(srv, tmp_path / "b", *args))[0] == 0
    assert len(srv.seen) == 2  # a repeated run reuses what was generated
    def by_key(run: str) -> dict:
        return {(r["problem_id"], r["sample_idx"]): r for r in completions(tmp_path / run)}

    a, b = by_key("a"), by_key("b")
    assert a.keys() == b.keys() and len(a) == 4
    assert all(a[k]["completion"] == b[k]["completion"] and a[k]["cache_key"] == b[k]["cache_key"] for k in a)
    assert all(r["usage"].get("cached") == 1 for r in b.values())
    assert hweval(*gen(srv, tmp_path / "c", *args, "--seed", "1"))[0] == 0
    assert len(srv.seen) == 4  # other settings: other keys
    assert hweval(*gen(srv, tmp_path / "d", *args, "--generation-cache", "off"))[0] == 0
    assert len(srv.seen) == 6


def test_usage_errors(server_factory, hweval, tmp_path: Path) -> None:
    code, err = hweval("generate", "--suite", SUITE, "--model", "openai:gpt-x", "--limit", "1",
                       "--out", str(tmp_path / "a"))
    assert code == 2 and "OPENAI_API_KEY" in err
    srv = server_factory(echo_openai())
    code, err = hweval(*gen(srv, tmp_path / "b", "--limit", "1", "--api-key-env", "MY_UNSET_KEY"))
    assert code == 2 and "MY_UNSET_KEY" in err
    code, err = hweval(*gen(srv, tmp_path / "c", "--limit", "1", "-B", "colour=blue"))
    assert code == 2 and "colour" in err and "mode" in err
    assert srv.seen == []


E2E_PROBLEMS = ("and_gate", "bin2gray8")


@pytest.mark.slow
def test_end_to_end_pass_with_served_references(server_factory, hweval, tmp_path: Path) -> None:
    """A server answering each prompt with the problem's reference solution scores pass (two
    problems with small testbenches: the suite's first one, abs_diff8, simulates all 65,536 input
    pairs, twice with the netlist re-test, in each of the two runs below)."""
    suite = registry.load("suites", SUITE)(SuiteOptions())
    table = {last_user(_chat_body(suite, p)): suite.reference_response(p) for p in suite.problems()
             if p.id in E2E_PROBLEMS}
    assert len(table) == 2
    srv = server_factory(echo_openai(answer=lambda body: table.get(last_user(body), "no idea")))
    run = tmp_path / "run"
    code, err = hweval("run", "--suite", SUITE, "--model", "openai:m", "--base-url", srv.url, "--problems",
                       ",".join(E2E_PROBLEMS), "--out", str(run), "-S", "validate=off", *FAST)
    assert code == 0, err
    assert {e["status"] for e in executions(run)} == {"pass"}
    assert sorted(e["problem_id"] for e in executions(run)) == sorted(E2E_PROBLEMS)
    # generate here, evaluate later from the folder alone
    split = tmp_path / "split"
    assert hweval("generate", "--suite", SUITE, "--model", "openai:m", "--base-url", srv.url, "--problems",
                  ",".join(E2E_PROBLEMS), "--out", str(split), "-S", "validate=off", *FAST)[0] == 0
    assert not (split / "executions.jsonl").exists()
    code, err = hweval("evaluate", str(split))
    assert code == 0, err
    assert {e["status"] for e in executions(split)} == {"pass"}


def test_samples_of_a_problem_received_before_a_failure_are_kept(server_factory, hweval, tmp_path: Path) -> None:
    answered = 0

    def respond(server: FakeServer, seen: Seen):
        nonlocal answered
        answered += 1
        return ("die",) if answered > 2 else openai_reply([f"sample seed={seen.body['seed']}"])

    srv = server_factory(respond)
    run = tmp_path / "run"
    code, err = hweval(*gen(srv, run, "--limit", "1", "--n-samples", "3", "--temperature", "0.9",
                            "-B", "n_per_request=1", "--max-connections", "1", "--max-retries", "1"))
    # the server is going away: depending on timing the retry finds it closing or gone
    assert code == 1 and ("cannot connect" in err or "connection dropped" in err), err
    assert sorted(r["sample_idx"] for r in completions(run)) == [0, 1]
    srv2 = server_factory(echo_openai())
    assert hweval(*gen(srv2, run, "--limit", "1", "--n-samples", "3", "--temperature", "0.9",
                       "-B", "n_per_request=1", "--resume"))[0] == 0
    assert sorted(r["sample_idx"] for r in completions(run)) == [0, 1, 2]
    assert [s.body["seed"] for s in srv2.seen] == [2]
