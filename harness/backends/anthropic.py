"""``anthropic:MODEL``: the Anthropic Messages API (``POST /v1/messages``).

The key comes from ``ANTHROPIC_API_KEY`` (or ``--api-key-env NAME``); ``--base-url`` defaults to
``https://api.anthropic.com``. System messages go to the ``system`` field. The API has no ``n``
and no seed: each sample is its own request, run concurrently up to ``--max-connections``.
``top_p`` is sent only when given (some models refuse it together with ``temperature``).
A ``refusal`` stop or an empty answer is recorded as the sample's ``error`` (scored ``no_code``).
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from harness.backend import (
    Backend,
    BackendOptions,
    ChatReply,
    Conversation,
    GenerationRequest,
    PartialGenerationError,
    ToolCall,
    ToolSpec,
)
from harness.backends.http import RETRY_OPTIONS, HttpClient, RetryPolicy, redact_url
from harness.errors import BackendError, UsageError
from harness.types import Completion, GenerationSettings

OFFICIAL_URL = "https://api.anthropic.com"
OPTIONS = {"anthropic_version": "the anthropic-version header (default 2023-06-01)", **RETRY_OPTIONS}


class AnthropicBackend(Backend):
    name = "anthropic"
    cacheable = True

    def __init__(self, model: str | None = None, options: BackendOptions | None = None) -> None:
        super().__init__(model, options)
        opts = self.options
        if not model:
            raise UsageError("the anthropic backend needs a model name: --model anthropic:MODEL")
        opts.check_extra(self.name, OPTIONS)
        base = (opts.base_url or OFFICIAL_URL).rstrip("/")
        self.base_url = base[: -len("/v1")] if base.endswith("/v1") else base
        key_env = opts.api_key_env or "ANTHROPIC_API_KEY"
        key = os.environ.get(key_env, "")
        if not key and (opts.api_key_env or self.base_url == OFFICIAL_URL):
            raise UsageError(f"--model anthropic:{model}: the API key variable {key_env} is not set "
                             "(set it, or name another with --api-key-env)")
        headers = {"anthropic-version": opts.get("anthropic_version", "2023-06-01")}
        if key:
            headers["x-api-key"] = key
        self.concurrency = max(1, opts.max_connections)
        self.client = HttpClient(self.name, self.base_url, headers, timeout_s=opts.timeout_s,
                                 retry=RetryPolicy.from_options(opts), max_connections=opts.max_connections,
                                 secrets=(key,))
        self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="anthropic")

    def identity(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.model, "base_url": redact_url(self.base_url)}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def chat(self, messages: Conversation, tools: Sequence[ToolSpec], settings: GenerationSettings) -> ChatReply:
        """One turn with ``tools`` (``tool_use`` blocks; results go back as ``tool_result`` blocks)."""
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        body: dict[str, Any] = {"model": self.model, "max_tokens": settings.max_tokens,
                                "temperature": settings.temperature, "messages": _anthropic_messages(messages),
                                "tools": [{"name": t.name, "description": t.description, "input_schema": t.parameters}
                                          for t in tools]}
        if system:
            body["system"] = system
        if settings.top_p is not None:
            body["top_p"] = settings.top_p
        data, latency = self.client.post_json("/v1/messages", body)
        blocks = [b for b in data.get("content") or [] if isinstance(b, dict)]
        text = "".join(b.get("text", "") for b in blocks if b.get("type") == "text")
        calls = [ToolCall(str(b.get("id") or f"toolu_{k}"), str(b.get("name") or ""),
                          b["input"] if isinstance(b.get("input"), dict) else {},
                          "" if isinstance(b.get("input"), dict) else "the input must be a JSON object")
                 for k, b in enumerate(blocks) if b.get("type") == "tool_use"]
        return ChatReply(text, calls, _usage(data.get("usage") or {}), str(data.get("stop_reason") or ""),
                         round(latency, 4))

    def generate(self, request: GenerationRequest) -> list[Completion]:
        futures = {i: self._pool.submit(self._one, request, i) for i in request.sample_indices}
        wait(list(futures.values()))
        done = [f.result() for f in futures.values() if f.exception() is None]
        errors = [f.exception() for f in futures.values() if f.exception() is not None]
        if errors:
            first = errors[0]
            if not isinstance(first, BackendError):
                first = BackendError(f"{self.name}: {type(first).__name__}: {first}")
            raise PartialGenerationError(str(first), done)
        return done

    def _body(self, request: GenerationRequest) -> dict[str, Any]:
        s = request.settings
        system = "\n\n".join(m.content for m in request.prompt.messages if m.role == "system")
        body: dict[str, Any] = {
            "model": self.model, "max_tokens": s.max_tokens, "temperature": s.temperature,
            "messages": [{"role": m.role, "content": m.content} for m in request.prompt.messages
                         if m.role != "system"],
        }
        if system:
            body["system"] = system
        if s.top_p is not None:
            body["top_p"] = s.top_p
        if s.stop:
            body["stop_sequences"] = list(s.stop)
        return body

    def _one(self, request: GenerationRequest, idx: int) -> Completion:
        def make(text: str, error: str | None, usage: dict[str, int], latency: float) -> Completion:
            return Completion(request.suite.name, request.problem.id, idx, text, request.prompt.sha256,
                              usage=usage, latency_s=round(latency, 4), error=error)

        data, latency = self.client.post_json("/v1/messages", self._body(request))
        blocks = data.get("content") or []
        text = "".join(b.get("text", "") for b in blocks if isinstance(b, dict) and b.get("type") == "text")
        raw = data.get("usage") or {}
        usage = {}
        if isinstance(raw.get("input_tokens"), int):
            usage["prompt_tokens"] = raw["input_tokens"]
        if isinstance(raw.get("output_tokens"), int):
            usage["completion_tokens"] = raw["output_tokens"]
        if usage:
            usage["total_tokens"] = sum(usage.values())
        stop = data.get("stop_reason")
        error = None
        if stop == "refusal":
            error = "refused: stop_reason=refusal"
        elif not text.strip():
            error = f"empty response (stop_reason={stop})"
        return make(text, error, usage, latency)


def _usage(raw: dict[str, Any]) -> dict[str, int]:
    usage = {}
    if isinstance(raw.get("input_tokens"), int):
        usage["prompt_tokens"] = raw["input_tokens"]
    if isinstance(raw.get("output_tokens"), int):
        usage["completion_tokens"] = raw["output_tokens"]
    if usage:
        usage["total_tokens"] = sum(usage.values())
    return usage


def _anthropic_messages(messages: Conversation) -> list[dict[str, Any]]:
    """The neutral conversation as Messages API turns: tool calls become ``tool_use`` blocks, and
    consecutive tool results one user turn of ``tool_result`` blocks."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if m["role"] == "system":
            continue
        if m["role"] == "tool":
            block = {"type": "tool_result", "tool_use_id": m["tool_call_id"], "content": m["content"]}
            if out and out[-1]["role"] == "user" and isinstance(out[-1]["content"], list):
                out[-1]["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
            continue
        if m["role"] == "assistant" and m.get("tool_calls"):
            content: list[dict[str, Any]] = [{"type": "text", "text": m["content"]}] if m.get("content") else []
            content += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in m["tool_calls"]]
            out.append({"role": "assistant", "content": content})
            continue
        out.append({"role": m["role"], "content": m.get("content") or "(empty)"})
    return out
