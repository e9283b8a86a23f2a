"""``hf:PATH_OR_ID``: a causal LM run in-process through ``transformers`` (the ``hf`` extra).

- A local folder or a Hub id (``HF_HUB_OFFLINE=1`` keeps it to the local Hub cache).
- The tokenizer's chat template renders the messages when it has one (``-B chat_template=off``
  uses the prompt's plain text instead).
- Samples of a problem are drawn in batches of ``-B batch_size`` (``num_return_sequences``);
  a batch starting at sample ``s`` is seeded ``seed + s``. Temperature 0 is greedy: one
  decode, copied to every requested sample.
- ``-B device=auto|cpu|cuda|cuda:1|mps``, ``-B dtype=auto|float32|bfloat16|float16``,
  ``-B device_map=auto`` (accelerate), ``-B trust_remote_code=on``.
- A prompt longer than the model's context is recorded as the sample's ``error`` (``no_code``).
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path
from typing import Any

from harness.backend import Backend, BackendOptions, GenerationRequest
from harness.errors import ToolMissingError, UsageError
from harness.types import Completion, Prompt

log = logging.getLogger(__name__)

OPTIONS = {
    "device": "auto (default: cuda, then mps, then cpu) | cpu | cuda | cuda:N | mps",
    "dtype": "auto (default) | float32 | bfloat16 | float16",
    "device_map": "passed to from_pretrained (e.g. auto, to spread a model over GPUs)",
    "batch_size": "samples drawn per generate call (default 8)",
    "chat_template": "auto (default: use it when the tokenizer has one) | off",
    "trust_remote_code": "off (default) | on",
}
DTYPES = ("auto", "float32", "bfloat16", "float16")


def weights_fingerprint(folder: Path) -> str:
    """A cheap fingerprint of a local model: config files in full, weights by size and edges."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith("."):
            continue
        size = path.stat().st_size
        h.update(f"{rel}\0{size}\0".encode())
        with path.open("rb") as fh:
            if size <= 1 << 20:
                h.update(fh.read())
            else:  # big weight shards: the first and last 64 KiB
                h.update(fh.read(1 << 16))
                fh.seek(size - (1 << 16))
                h.update(fh.read())
    return h.hexdigest()[:16]


def hub_revision(model_id: str) -> str | None:
    """The commit of a Hub model in the local cache (no network)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    found = try_to_load_from_cache(model_id, "config.json")
    return Path(found).parent.name if isinstance(found, str) else None


class HFBackend(Backend):
    name = "hf"
    cacheable = True
    concurrency = 1

    def __init__(self, model: str | None = None, options: BackendOptions | None = None) -> None:
        super().__init__(model, options)
        if not model:
            raise UsageError("the hf backend needs a model: --model hf:PATH_OR_HUB_ID")
        opts = self.options
        opts.check_extra(self.name, OPTIONS)
        self.dtype = opts.get("dtype", "auto")
        if self.dtype not in DTYPES:
            raise UsageError(f"-B dtype={self.dtype}: expected one of {', '.join(DTYPES)}")
        self.batch_size = max(1, opts.get("batch_size", 8, int))
        self.use_template = opts.get("chat_template", "auto") != "off"
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise ToolMissingError(f"the hf backend needs transformers and torch: pip install 'hweval[hf]' torch "
                                   f"({exc})") from exc
        self._torch = torch
        local = Path(model).expanduser()
        self.local = local.is_dir()
        if not self.local and (model.startswith((".", "/", "~")) or local.exists()):
            raise UsageError(f"--model hf:{model}: no such model folder")
        source = str(local) if self.local else model
        trust = opts.get("trust_remote_code", False, bool)
        device = opts.get("device", "auto")
        self.device = _pick_device(torch, device)
        # transformers renamed ``torch_dtype`` to ``dtype`` in 4.56
        dtype_kw = "dtype" if _version_at_least(transformers.__version__, (4, 56)) else "torch_dtype"
        kwargs: dict[str, Any] = {"trust_remote_code": trust,
                                  dtype_kw: "auto" if self.dtype == "auto" else getattr(torch, self.dtype)}
        if opts.get("device_map", None):
            kwargs["device_map"] = opts.extra["device_map"]
        self.tokenizer: Any
        self.lm: Any
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(source, trust_remote_code=trust)
            self.lm = transformers.AutoModelForCausalLM.from_pretrained(source, **kwargs)
        except Exception as exc:  # noqa: BLE001 - missing files, unknown ids, bad configs: the user's input
            raise UsageError(f"--model hf:{model}: cannot load the model or tokenizer: "
                             f"{type(exc).__name__}: {exc}") from exc
        if "device_map" not in kwargs:
            self.lm.to(self.device)
        self.lm.eval()
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.context = _context_length(self.lm.config)
        template = getattr(self.tokenizer, "chat_template", None) if self.use_template else None
        self.template = template if isinstance(template, str) else None
        revision = weights_fingerprint(local) if self.local else hub_revision(model)
        self._identity = {"backend": self.name, "model": model, "revision": revision, "dtype": self.dtype,
                          "chat_template": hashlib.sha256((self.template or "").encode()).hexdigest()[:16]}
        self._lock = threading.Lock()
        self._warned = False

    def identity(self) -> dict[str, Any]:
        return dict(self._identity)

    def close(self) -> None:
        self.lm = None

    def render(self, prompt: Prompt) -> str:
        """The text the model sees: the chat template's rendering, or the plain prompt."""
        if self.template is None:
            return prompt.text
        messages = [{"role": m.role, "content": m.content} for m in prompt.messages]
        return str(self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))

    def generate(self, request: GenerationRequest) -> list[Completion]:
        with self._lock:
            return self._generate(request)

    def _generate(self, request: GenerationRequest) -> list[Completion]:
        torch = self._torch
        s = request.settings
        text = self.render(request.prompt)
        enc = self.tokenizer(text, return_tensors="pt", add_special_tokens=self.template is None)
        n_prompt = int(enc["input_ids"].shape[1])

        def make(idx: int, out: str, error: str | None, n_new: int, latency: float) -> Completion:
            usage = {"prompt_tokens": n_prompt, "completion_tokens": n_new, "total_tokens": n_prompt + n_new}
            return Completion(request.suite.name, request.problem.id, idx, out, request.prompt.sha256,
                              usage=usage, latency_s=round(latency, 4), error=error)

        max_new = s.max_tokens
        if self.context is not None:
            if n_prompt >= self.context:
                err = f"prompt of {n_prompt} tokens does not fit the model's context of {self.context}"
                return [make(i, "", err, 0, 0.0) for i in request.sample_indices]
            if n_prompt + max_new > self.context:
                max_new = self.context - n_prompt
                if not self._warned:
                    log.warning("hf: max new tokens cut to %d to fit the context of %d", max_new, self.context)
                    self._warned = True
        enc = {k: v.to(self.lm.device) for k, v in enc.items()}
        greedy = s.temperature <= 0
        gen: dict[str, Any] = {"max_new_tokens": max_new, "do_sample": not greedy,
                               "pad_token_id": self.tokenizer.pad_token_id}
        if not greedy:
            gen["temperature"] = s.temperature
            if s.top_p is not None:
                gen["top_p"] = s.top_p
        if s.stop:
            gen["stop_strings"] = list(s.stop)
            gen["tokenizer"] = self.tokenizer
        out: list[Completion] = []
        indices = list(request.sample_indices)
        batches = [indices] if greedy else [indices[i:i + self.batch_size]
                                            for i in range(0, len(indices), self.batch_size)]
        for batch in batches:
            torch.manual_seed(s.seed + batch[0])
            start = time.monotonic()
            with torch.no_grad():
                seqs = self.lm.generate(**enc, num_return_sequences=1 if greedy else len(batch), **gen)
            latency = time.monotonic() - start
            rows = [seqs[0]] * len(batch) if greedy else list(seqs)
            for idx, row in zip(batch, rows):
                new = row[n_prompt:]
                n_new = _generated_length(new, self.tokenizer.eos_token_id, self.tokenizer.pad_token_id)
                answer = _cut_at_stop(str(self.tokenizer.decode(new[:n_new], skip_special_tokens=True)), s.stop)
                out.append(make(idx, answer, None if answer.strip() else "empty response", n_new,
                                latency / len(rows)))
        return out


def _version_at_least(version: str, wanted: tuple[int, int]) -> bool:
    parts = []
    for piece in version.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts) >= wanted


def _pick_device(torch: Any, device: str) -> str:
    if device != "auto":
        return device
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def _context_length(config: Any) -> int | None:
    for attr in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
        value = getattr(config, attr, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def _generated_length(tokens: Any, eos: int | None, pad: int | None) -> int:
    """New tokens up to and including the first end-of-sequence token."""
    ids = tokens.tolist()
    for k, tok in enumerate(ids):
        if tok == eos:
            return k + 1
    while ids and pad is not None and ids[-1] == pad and pad != eos:
        ids.pop()
    return len(ids)


def _cut_at_stop(text: str, stop: tuple[str, ...]) -> str:
    cut = min((p for p in (text.find(x) for x in stop if x) if p >= 0), default=-1)
    return text[:cut] if cut >= 0 else text
