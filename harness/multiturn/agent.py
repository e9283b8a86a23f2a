"""Tool-using agents (``--agent``): the model works with sandboxed tools, then submits.

Each sample is one episode: the suite's prompt (plus a note on the tools), then model turns
through the backend's tool-calling API (``Backend.chat``) until the model submits, answers in
plain text (that text is its answer, as in a one-shot run), or a limit is hit: ``--max-turns``,
``--agent-tokens`` (all turns' tokens), ``--agent-wall`` (seconds). At a limit the sample is
scored on its last submission: the last answer it put through ``compile`` or ``run_checks``,
or ``no_code`` when there is none.

Every tool call and its result goes to ``agent.jsonl`` as it happens; the episode's answer is
then one line of completions.jsonl (``agent``: turns, tool calls, why it stopped) and is scored
by the ordinary evaluation, exactly like a one-shot answer. An episode cut by a kill is run
again on ``--resume``.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.backend import Backend, Conversation
from harness.errors import BackendError
from harness.multiturn.tools import TOOL_NOTE, TOOLS, Workspace
from harness.progress import Progress
from harness.results import COMPLETIONS, Journal, completion_to_json, read_completions
from harness.suite import EvalContext, Suite
from harness.types import Completion, GenerationSettings, Problem

AGENT_LOG = "agent.jsonl"
_ARG_CHARS = 2000


@dataclass(frozen=True)
class AgentLimits:
    max_turns: int = 10
    max_tokens: int | None = None
    wall_s: float = 600.0


class _Log:
    """agent.jsonl, shared by the episodes running in parallel."""

    def __init__(self, path: Path) -> None:
        self.journal, self.lock = Journal(path), threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        with self.lock:
            self.journal.append(record)


def _short(value: Any) -> Any:
    return value[:_ARG_CHARS] + "..." if isinstance(value, str) and len(value) > _ARG_CHARS else value


def _stop_reason(turns: int, tokens: int, start: float, limits: AgentLimits) -> str:
    if turns >= limits.max_turns:
        return "max_turns"
    if limits.max_tokens is not None and tokens >= limits.max_tokens:
        return "max_tokens"
    if time.monotonic() - start >= limits.wall_s:
        return "wall_time"
    return ""


def run_episode(backend: Backend, suite: Suite, problem: Problem, idx: int, settings: GenerationSettings,
                ctx: EvalContext, limits: AgentLimits, log: _Log) -> Completion:
    """One sample's episode; returns its answer as a completion (scored later like any other)."""
    prompt = suite.prompt(problem)
    messages: Conversation = [{"role": m.role, "content": m.content} for m in prompt.messages]
    messages[-1] = {**messages[-1], "content": messages[-1]["content"] + TOOL_NOTE}
    ws = Workspace(suite, problem, ctx, prompt.text)
    usage: Counter[str] = Counter()
    turns = calls = 0
    start = time.monotonic()
    where = {"suite": suite.name, "problem_id": problem.id, "sample_idx": idx}
    stop = ""
    while not (stop := _stop_reason(turns, usage["total_tokens"], start, limits)):
        reply = backend.chat(messages, TOOLS, replace(settings, seed=settings.seed + idx))
        turns += 1
        usage.update({k: v for k, v in reply.usage.items() if isinstance(v, int)})
        messages.append({"role": "assistant", "content": reply.text, "tool_calls": reply.tool_calls})
        log.write({**where, "turn": turns, "text": _short(reply.text), "usage": reply.usage, "stop": reply.stop})
        if not reply.tool_calls:  # a plain answer ends the episode, as in a one-shot run
            ws.submission, stop = (reply.text, "answered") if reply.text.strip() else (ws.submission, "empty")
            break
        for call in reply.tool_calls:
            calls += 1
            result = ws.call(call) if not ws.submitted else "ignored: already submitted"
            log.write({**where, "turn": turns, "tool": call.name,
                       "arguments": {k: _short(v) for k, v in call.arguments.items()}, "result": result})
            messages.append({"role": "tool", "tool_call_id": call.id, "name": call.name, "content": result})
        if ws.submitted:
            stop = "submitted"
            break
    answer = ws.submission if ws.submission is not None else ws.last_checked
    text = answer or ""
    return Completion(suite.name, problem.id, idx, text, prompt.sha256, usage=dict(usage),
                      latency_s=round(time.monotonic() - start, 4),
                      error=None if text.strip() else f"no submission (stopped: {stop})",
                      agent={"turns": turns, "tool_calls": calls, "stop": stop,
                             "submitted": ws.submitted})


def run_agents(run_dir: Path, backend: Backend, selected: list[tuple[Suite, list[Problem]]], n: int,
               settings: GenerationSettings, ctx: EvalContext, limits: AgentLimits, progress: Progress,
               workers: int) -> int:
    """An episode for every sample without a journaled answer; returns how many ran now."""
    done = {c.key() for c in read_completions(run_dir)}
    jobs = [(s, p, i) for s, problems in selected for p in problems for i in range(n) if (s.name, p.id, i) not in done]
    progress.start("agent", total=len(jobs) + len(done), completed=len(done))
    journal, log = Journal(run_dir / COMPLETIONS), _Log(run_dir / AGENT_LOG)
    width = max(1, min(backend.concurrency, workers))
    pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="hweval-agent")
    made = 0
    try:
        pending: set[Future[Completion]] = set()
        todo = iter(jobs)
        error: BaseException | None = None
        while True:
            while error is None and len(pending) < width * 2 and (job := next(todo, None)) is not None:
                pending.add(pool.submit(run_episode, backend, *job, settings, ctx, limits, log))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                try:
                    comp = fut.result()
                except BackendError as exc:  # stop starting episodes; keep the finished ones
                    error = error or exc
                    continue
                journal.append(completion_to_json(comp))
                made += 1
                progress.advance("agent", comp.agent.get("stop", "?"))
        if error is not None:
            raise error
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        journal.close()
        log.journal.close()
        progress.stop("agent")
    pool.shutdown()
    return made
