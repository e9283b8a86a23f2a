"""``openai:MODEL``: any server speaking the OpenAI API (vLLM, SGLang, llama.cpp, Ollama,
``transformers serve``, hosted endpoints).

- ``--base-url`` (default ``https://api.openai.com/v1``); the key comes from ``OPENAI_API_KEY``
  or ``--api-key-env NAME``. A custom server may need no key; the official endpoint does.
- ``-B mode=chat`` (``/chat/completions``, default) or ``-B mode=completion`` (``/completions``
  with the prompt's plain text).
- The ``n`` samples of a problem go in one request (``n``) while the server honours it; a server
  that returns fewer choices is then asked one sample per request (``-B n_per_request=1`` does
  that from the start). Sample ``i`` of a request starting at index ``s`` is seeded
  ``seed + s``; one-sample requests are thus seeded ``seed + sample_idx``.
- Token usage of a request is split evenly over its samples, so sums over completions.jsonl
  match the server's counts; ``latency_s`` is the request's wall time.
- A refusal, a content-filter stop or an empty answer is recorded as the sample's ``error``
  (scored ``no_code``), never a crash.
"""
from __future__ import annotations

import json
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
from harness.backends.http import RETRY_OPTIONS, HttpClient, HttpStatusError, RetryPolicy, redact_url
from harness.errors import BackendError, UsageError
from harness.types import Completion, GenerationSettings

OFFICIAL_URL = "https://api.openai.com/v1"
REFUSAL_CODES = frozenset({"content_filter", "content_policy_violation"})

OPTIONS = {
    "mode": "chat (default) | completion",
    "n_per_request": "most samples asked in one request (default 16; 1 = never send n)",
    "max_tokens_field": "max_tokens (default) | max_completion_tokens",
    "seed": "on (default) | off: send the seed parameter",
    **RETRY_OPTIONS,
}


class OpenAIBackend(Backend):
    name = "openai"
    cacheable = True

    def __init__(self, model: str | None = None, options: BackendOptions | None = None) -> None:
        super().__init__(model, options)
        opts = self.options
        if not model:
            raise UsageError("the openai backend needs a model name: --model openai:MODEL "
                             "(the name the server serves)")
        opts.check_extra(self.name, OPTIONS)
        self.mode = opts.get("mode", "chat")
        if self.mode not in ("chat", "completion"):
            raise UsageError(f"-B mode={self.mode}: expected chat or completion")
        self.n_per_request = max(1, opts.get("n_per_request", 16, int))
        self.max_tokens_field = opts.get("max_tokens_field", "max_tokens")
        self.send_seed = opts.get("seed", True, bool)
        self.base_url = (opts.base_url or OFFICIAL_URL).rstrip("/")
        key_env = opts.api_key_env or "OPENAI_API_KEY"
        key = os.environ.get(key_env, "")
        if not key and (opts.api_key_env or self.base_url == OFFICIAL_URL):
            raise UsageError(f"--model openai:{model}: the API key variable {key_env} is not set "
                             "(set it, or name another with --api-key-env)")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.concurrency = max(1, opts.max_connections)
        self.client = HttpClient(self.name, self.base_url, headers, timeout_s=opts.timeout_s,
                                 retry=RetryPolicy.from_options(opts), max_connections=opts.max_connections,
                                 secrets=(key,))
        self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="openai")
        self._n_ok = self.n_per_request > 1

    def identity(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.model, "base_url": redact_url(self.base_url),
                "mode": self.mode}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def chat(self, messages: Conversation, tools: Sequence[ToolSpec], settings: GenerationSettings) -> ChatReply:
        """One turn with function calling (``--agent``); needs ``-B mode=chat``."""
        if self.mode != "chat":
            raise UsageError("--agent needs the chat API: drop -B mode=completion")
        return _chat_tools(self, messages, tools, settings)

    # -- generation ------------------------------------------------------------------------
    def generate(self, request: GenerationRequest) -> list[Completion]:
        got: dict[int, Completion] = {}
        todo = list(request.sample_indices)
        while todo:
            size = self.n_per_request if self._n_ok else 1
            chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
            futures = [self._pool.submit(self._request, request, chunk) for chunk in chunks]
            wait(futures)
            errors = [f.exception() for f in futures if f.exception() is not None]
            for f in futures:
                if f.exception() is None:
                    got.update({c.sample_idx: c for c in f.result()})
            if errors:
                first = errors[0]
                if not isinstance(first, BackendError):
                    first = BackendError(f"{self.name}: {type(first).__name__}: {first}")
                raise PartialGenerationError(str(first), sorted(got.values(), key=lambda c: c.sample_idx))
            remaining = [i for i in todo if i not in got]
            if len(remaining) == len(todo):  # no progress at all: never loop forever
                raise BackendError(f"{self.name}: {redact_url(self.base_url)} answered without choices")
            if remaining:
                self._n_ok = False  # the server ignores n: one sample per request from now on
            todo = remaining
        return [got[i] for i in request.sample_indices]

    def _body(self, request: GenerationRequest, n: int, seed: int) -> dict[str, Any]:
        s = request.settings
        body: dict[str, Any] = {"model": self.model, "temperature": s.temperature,
                                self.max_tokens_field: s.max_tokens, "stream": False}
        if self.mode == "chat":
            body["messages"] = [{"role": m.role, "content": m.content} for m in request.prompt.messages]
        else:
            body["prompt"] = request.prompt.text
        if n > 1:
            body["n"] = n
        if s.top_p is not None:
            body["top_p"] = s.top_p
        if s.stop:
            body["stop"] = list(s.stop)
        if self.send_seed:
            body["seed"] = seed
        return body

    def _request(self, request: GenerationRequest, chunk: list[int]) -> list[Completion]:
        """One HTTP request for the samples ``chunk``; returns those the answer carried."""
        path = "/chat/completions" if self.mode == "chat" else "/completions"
        body = self._body(request, len(chunk), request.settings.seed + chunk[0])
        try:
            data, latency = self.client.post_json(path, body)
        except HttpStatusError as exc:
            if exc.code in REFUSAL_CODES:  # the prompt itself was refused: recorded, not fatal
                return [self._completion(request, i, "", f"refused: {exc}", {}, 0.0) for i in chunk]
            if exc.status in (400, 422) and len(chunk) > 1 and self._n_ok:
                self._n_ok = False  # perhaps the server rejects ``n``: ask the first sample alone
                return self._request(request, chunk[:1])
            raise
        choices = sorted((c for c in data.get("choices") or [] if isinstance(c, dict)),
                         key=lambda c: c.get("index", 0))[:len(chunk)]
        usage = _split_usage(data.get("usage"), len(choices))
        return [self._completion(request, idx, *_choice_text(choice, self.mode), usage[k], latency)
                for k, (idx, choice) in enumerate(zip(chunk, choices))]

    def _completion(self, request: GenerationRequest, idx: int, text: str, error: str | None,
                    usage: dict[str, int], latency: float) -> Completion:
        return Completion(request.suite.name, request.problem.id, idx, text, request.prompt.sha256,
                          usage=usage, latency_s=round(latency, 4), error=error)


def _chat_tools(self: OpenAIBackend, messages: Conversation, tools: Sequence[ToolSpec],
                settings: GenerationSettings) -> ChatReply:
    """One turn of the chat completions API with ``tools`` (function calling)."""
    body: dict[str, Any] = {"model": self.model, "temperature": settings.temperature,
                            self.max_tokens_field: settings.max_tokens, "stream": False,
                            "messages": [_openai_message(m) for m in messages],
                            "tools": [{"type": "function", "function": {"name": t.name, "description": t.description,
                                                                        "parameters": t.parameters}} for t in tools]}
    if settings.top_p is not None:
        body["top_p"] = settings.top_p
    if self.send_seed:
        body["seed"] = settings.seed
    data, latency = self.client.post_json("/chat/completions", body)
    choices = data.get("choices") or [{}]
    choice = choices[0] if isinstance(choices[0], dict) else {}
    message = choice.get("message") or {}
    calls = []
    for k, raw in enumerate(message.get("tool_calls") or []):
        fn = raw.get("function") or {} if isinstance(raw, dict) else {}
        args, error = _arguments(fn.get("arguments"))
        calls.append(ToolCall(str(raw.get("id") or f"call_{k}"), str(fn.get("name") or ""), args, error))
    content = message.get("content")
    return ChatReply(content if isinstance(content, str) else "", calls, _split_usage(data.get("usage"), 1)[0],
                     str(choice.get("finish_reason") or ""), round(latency, 4))


def _arguments(raw: Any) -> tuple[dict[str, Any], str]:
    if isinstance(raw, dict):
        return raw, ""
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}, f"the arguments are not valid JSON: {str(raw)[:200]!r}"
    return (value, "") if isinstance(value, dict) else ({}, "the arguments must be a JSON object")


def _openai_message(m: dict[str, Any]) -> dict[str, Any]:
    if m["role"] == "tool":
        return {"role": "tool", "tool_call_id": m["tool_call_id"], "content": m["content"]}
    out: dict[str, Any] = {"role": m["role"], "content": m.get("content") or ""}
    if m.get("tool_calls"):
        out["content"] = m.get("content") or None
        out["tool_calls"] = [{"id": c.id, "type": "function",
                              "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
                             for c in m["tool_calls"]]
    return out


def _choice_text(choice: dict[str, Any], mode: str) -> tuple[str, str | None]:
    """(text, error) of one choice; error says why there is no usable text."""
    finish = choice.get("finish_reason")
    if mode == "chat":
        message = choice.get("message") or {}
        content = message.get("content")
        if isinstance(content, list):  # some servers send content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        text = content if isinstance(content, str) else ""
        refusal = message.get("refusal")
    else:
        raw = choice.get("text")
        text = raw if isinstance(raw, str) else ""
        refusal = None
    if refusal:
        return text, f"refused: {str(refusal)[:300]}"
    if finish == "content_filter":
        return text, "refused: stopped by the content filter"
    if not text.strip():
        return text, f"empty response (finish_reason={finish})"
    return text, None


def _split_usage(usage: Any, n: int) -> list[dict[str, int]]:
    """A request's token counts split evenly over its ``n`` samples (remainders to the first)."""
    n = max(n, 1)
    counts = {k: v for k, v in (usage or {}).items() if isinstance(v, int) and not isinstance(v, bool)} \
        if isinstance(usage, dict) else {}
    out: list[dict[str, int]] = [{} for _ in range(n)]
    for key, total in counts.items():
        share, rest = divmod(total, n)
        for k in range(n):
            out[k][key] = share + (rest if k == 0 else 0)
    return out
