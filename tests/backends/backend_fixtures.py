"""Helpers of the backend tests: real HTTP servers on 127.0.0.1 speaking the OpenAI and
Anthropic protocols with scripted misbehaviour, run-folder readers, and a tiny causal LM made
on the spot."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

#: what a handler does with one request: ("json", status, body, headers) | ("close",) |
#: ("hang",) | ("die",)
Action = tuple[Any, ...]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


@dataclass
class FakeServer:
    """A threaded HTTP server. ``script`` actions are used first, one per request; then
    ``responder(server, seen)`` decides. Every request is recorded in ``seen``."""

    responder: Callable[[FakeServer, Seen], Action]
    script: list[Action] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    httpd: ThreadingHTTPServer | None = None

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()},
                            json.loads(raw or b"{}"), time.monotonic())
                with fake.lock:
                    fake.seen.append(seen)
                    action = fake.script.pop(0) if fake.script else None
                if action is None:
                    action = fake.responder(fake, seen)
                kind = action[0]
                if kind == "close":
                    self.close_connection = True
                    return
                if kind == "hang":
                    fake.release.wait(30)
                    self.close_connection = True
                    return
                if kind == "die":
                    self.close_connection = True
                    threading.Thread(target=fake.stop, daemon=True).start()
                    return
                _, status, body, headers = action
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    @property
    def port(self) -> int:
        assert self.httpd is not None
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        self.release.set()
        if self.httpd is not None:
            httpd, self.httpd = self.httpd, None
            httpd.shutdown()
            httpd.server_close()

    def bodies(self, path_end: str = "") -> list[dict[str, Any]]:
        return [s.body for s in self.seen if s.path.endswith(path_end)]


def last_user(body: dict[str, Any]) -> str:
    if "messages" in body:
        return [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
    return str(body.get("prompt", ""))


def openai_reply(texts: list[str], *, chat: bool = True, usage: dict[str, int] | None = None,
                 finish: str = "stop", message_extra: dict[str, Any] | None = None) -> Action:
    choices = []
    for i, text in enumerate(texts):
        if chat:
            choices.append({"index": i, "finish_reason": finish,
                            "message": {"role": "assistant", "content": text, **(message_extra or {})}})
        else:
            choices.append({"index": i, "finish_reason": finish, "text": text})
    body = {"id": "cmpl-test", "object": "chat.completion" if chat else "text_completion", "model": "m",
            "choices": choices, "usage": usage or {"prompt_tokens": 10, "completion_tokens": 7 * len(texts),
                                                   "total_tokens": 10 + 7 * len(texts)}}
    return ("json", 200, body, {})


def echo_openai(honour_n: bool = True, answer: Callable[[dict[str, Any]], str] | None = None
                ) -> Callable[[FakeServer, Seen], Action]:
    """An OpenAI server answering ``answer(body)`` (default: a text naming the request), with
    ``n`` choices when ``honour_n``."""

    def respond(server: FakeServer, seen: Seen) -> Action:
        n = int(seen.body.get("n", 1)) if honour_n else 1
        base = answer(seen.body) if answer else f"answer seed={seen.body.get('seed')}"
        texts = [base if n == 1 or answer else f"{base} choice={k}" for k in range(n)]
        return openai_reply(texts, chat=seen.path.endswith("/chat/completions"))

    return respond


def completions(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / "completions.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def executions(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / "executions.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# -- a tiny causal LM, made on the spot -------------------------------------------------------
CHAT_TEMPLATE = ("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
                 "{% if add_generation_prompt %}<|assistant|>{% endif %}")


def build_tiny_model(folder: Path) -> Path:
    """A byte-level BPE tokenizer trained here (vocab ~400) with a chat template, and a
    2-layer, 32-dim GPT-2 with random weights, saved as a transformers model folder."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    corpus = ["module adder(input [7:0] a, b, output [8:0] y); assign y = a + b; endmodule",
              "Implement the following hardware module in Verilog. Answer in one ```verilog block.",
              "always @(posedge clk) begin if (rst) q <= 0; else q <= d; end"] * 30
    tok.train_from_iterator(corpus, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", pad_token="<|endoftext|>")
    fast.chat_template = CHAT_TEMPLATE
    config = GPT2Config(vocab_size=len(fast), n_positions=4096, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=0, eos_token_id=0)
    torch.manual_seed(0)
    GPT2LMHeadModel(config).save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder
