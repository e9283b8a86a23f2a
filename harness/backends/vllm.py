"""``vllm:PATH_OR_ID``: vLLM's offline engine in-process (optional: ``pip install 'hweval[vllm]'``).

Requests arriving from the generation loop's threads are gathered into one engine call
(:class:`MicroBatcher`), so the engine sees many prompts at once, as it needs for throughput.
Every sample is its own engine request seeded ``seed + sample_idx`` (prefix caching shares the
prompt), so a sample does not depend on how requests were batched; temperature 0 decodes once
per problem and copies. The tokenizer's chat template renders the messages when it has one.
Options: ``-B dtype``, ``-B tensor_parallel_size``, ``-B gpu_memory_utilization``,
``-B max_model_len``, ``-B trust_remote_code``, ``-B enforce_eager``, ``-B batch``.
For a served model use ``vllm serve`` and ``--model openai:NAME --base-url http://HOST:PORT/v1``.
"""
from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Generic, TypeVar

from harness.backend import Backend, BackendOptions, GenerationRequest
from harness.errors import ToolMissingError, UsageError
from harness.types import Completion

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

OPTIONS = {
    "dtype": "auto (default) | float32 | bfloat16 | float16",
    "tensor_parallel_size": "GPUs to shard over (default 1)",
    "gpu_memory_utilization": "fraction of GPU memory for the engine (default 0.9)",
    "max_model_len": "context length (default: the model's)",
    "trust_remote_code": "off (default) | on",
    "enforce_eager": "off (default) | on",
    "chat_template": "auto (default) | off",
    "batch": "most engine requests per engine call (default 256)",
}


class MicroBatcher(Generic[T, R]):
    """Runs ``run_batch`` on items submitted from many threads, several at a time, in one
    worker thread. ``submit`` blocks until its items' results (or exception) are ready."""

    def __init__(self, run_batch: Callable[[list[T]], list[R]], max_batch: int, gather_s: float = 0.02) -> None:
        self._run = run_batch
        self._max = max(1, max_batch)
        self._gather_s = gather_s
        self._queue: queue.Queue[tuple[T, Future[R]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def submit(self, items: list[T]) -> list[R]:
        """Results of ``items``, in order; they may share engine calls with other threads' items."""
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="hweval-batcher", daemon=True)
                self._thread.start()
        futures: list[Future[R]] = []
        for item in items:
            futures.append(Future())
            self._queue.put((item, futures[-1]))
        return [f.result() for f in futures]

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=60)
            self._thread = None

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.monotonic() + self._gather_s
            stop = False
            while len(batch) < self._max:
                try:
                    nxt = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            try:
                results = self._run([item for item, _ in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"batch of {len(batch)} gave {len(results)} results")
            except BaseException as exc:  # noqa: BLE001 - handed to every waiting caller
                for _, fut in batch:
                    fut.set_exception(exc)
            else:
                for (_, fut), res in zip(batch, results):
                    fut.set_result(res)
            if stop:
                return


class VLLMBackend(Backend):
    name = "vllm"
    cacheable = True
    concurrency = 64  # requests gathered into one engine call

    def __init__(self, model: str | None = None, options: BackendOptions | None = None) -> None:
        super().__init__(model, options)
        if not model:
            raise UsageError("the vllm backend needs a model: --model vllm:PATH_OR_HUB_ID")
        opts = self.options
        opts.check_extra(self.name, OPTIONS)
        try:
            import vllm
        except ImportError as exc:
            raise ToolMissingError(
                "the vllm backend needs vLLM, an optional extra: pip install 'hweval[vllm]' (Linux with a "
                "CUDA GPU). Alternatively serve the model with `vllm serve MODEL` and use "
                f"--model openai:MODEL --base-url http://HOST:PORT/v1 ({exc})") from exc
        self._vllm = vllm
        self.dtype = opts.get("dtype", "auto")
        kwargs: dict[str, Any] = {
            "model": model, "dtype": self.dtype,
            "tensor_parallel_size": opts.get("tensor_parallel_size", 1, int),
            "gpu_memory_utilization": opts.get("gpu_memory_utilization", 0.9, float),
            "trust_remote_code": opts.get("trust_remote_code", False, bool),
            "enforce_eager": opts.get("enforce_eager", False, bool),
            "enable_prefix_caching": True,
        }
        if "max_model_len" in opts.extra:
            kwargs["max_model_len"] = opts.get("max_model_len", None, int)
        try:
            self.llm = vllm.LLM(**kwargs)
        except Exception as exc:  # noqa: BLE001 - bad path/id, no GPU, out of memory: reported, not raw
            raise UsageError(f"--model vllm:{model}: the engine did not start: {type(exc).__name__}: {exc}") from exc
        self.tokenizer = self.llm.get_tokenizer()
        template = getattr(self.tokenizer, "chat_template", None)
        self.template = template if isinstance(template, str) and opts.get("chat_template", "auto") != "off" \
            else None
        self._batcher: MicroBatcher[tuple[str, Any], Any] = MicroBatcher(self._run, opts.get("batch", 256, int))
        self._identity = {"backend": self.name, "model": model, "dtype": self.dtype,
                          "revision": _revision(model),
                          "chat_template": hashlib.sha256((self.template or "").encode()).hexdigest()[:16]}

    def identity(self) -> dict[str, Any]:
        return dict(self._identity)

    def close(self) -> None:
        self._batcher.close()

    def _run(self, items: list[tuple[str, Any]]) -> list[Any]:
        """One engine call. vLLM rejects a bad input (a prompt longer than the context) with
        ValueError for the whole call: then each item runs alone and a rejected one comes back as
        its ValueError, recorded on its sample. Other failures (out of memory, a dead engine) stop
        the run: they are not the model's answer."""
        try:
            return list(self.llm.generate([p for p, _ in items], [sp for _, sp in items], use_tqdm=False))
        except ValueError:
            if len(items) == 1:
                raise
        out: list[Any] = []
        for prompt, params in items:
            try:
                out.extend(self.llm.generate([prompt], [params], use_tqdm=False))
            except ValueError as exc:
                out.append(exc)
        return out

    def generate(self, request: GenerationRequest) -> list[Completion]:
        s = request.settings
        if self.template is not None:
            msgs = [{"role": m.role, "content": m.content} for m in request.prompt.messages]
            text = str(self.tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True))
        else:
            text = request.prompt.text
        limit = _max_model_len(self.llm)
        if limit is not None and len(self.tokenizer.encode(text)) >= limit:
            err = f"prompt does not fit the model's context of {limit} tokens"
            return [Completion(request.suite.name, request.problem.id, i, "", request.prompt.sha256, error=err)
                    for i in request.sample_indices]
        greedy = s.temperature <= 0
        asked = request.sample_indices[:1] if greedy else request.sample_indices
        items = [(text, self._vllm.SamplingParams(n=1, temperature=s.temperature, max_tokens=s.max_tokens,
                                                  top_p=s.top_p if s.top_p is not None else 1.0,
                                                  stop=list(s.stop) or None, seed=s.seed + idx))
                 for idx in asked]
        start = time.monotonic()
        try:
            out = dict(zip(asked, self._batcher.submit(items)))
        except ValueError as exc:  # this request alone was rejected
            out = dict.fromkeys(asked, exc)
        latency = time.monotonic() - start
        comps = []
        for idx in request.sample_indices:
            res = out[asked[0]] if greedy else out[idx]
            if isinstance(res, ValueError):
                comps.append(Completion(request.suite.name, request.problem.id, idx, "", request.prompt.sha256,
                                        error=f"the engine rejected the prompt: {str(res)[:300]}"))
                continue
            gen = res.outputs[0]
            n_prompt, n_new = len(res.prompt_token_ids or []), len(gen.token_ids or [])
            answer = gen.text or ""
            comps.append(Completion(request.suite.name, request.problem.id, idx, answer, request.prompt.sha256,
                                    usage={"prompt_tokens": n_prompt, "completion_tokens": n_new,
                                           "total_tokens": n_prompt + n_new},
                                    latency_s=round(latency / max(len(asked), 1), 4),
                                    error=None if answer.strip() else
                                    f"empty response (finish_reason={gen.finish_reason})"))
        return comps


def _max_model_len(llm: Any) -> int | None:
    config = getattr(getattr(llm, "llm_engine", None), "model_config", None)
    value = getattr(config, "max_model_len", None)
    return value if isinstance(value, int) and value > 0 else None


def _revision(model: str) -> str | None:
    from harness.backends.hf import hub_revision, weights_fingerprint

    local = Path(model).expanduser()
    return weights_fingerprint(local) if local.is_dir() else hub_revision(model)
