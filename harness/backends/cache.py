"""The persistent generation cache: one small JSON file per generated sample.

The key (``harness.generate.cache_key``) covers the backend's identity (backend, model, the
options that change its outputs), the exact prompt, the generation settings and the sample
index, so repeated samples stay distinct and a repeated run reuses what was already generated.
Only clean answers are stored: a refusal or an empty answer is asked again next time.

Files live under ``$HWEVAL_CACHE/generations/<key[:2]>/<key>.json`` (default
``~/.cache/hweval``); they are :class:`harness.cache.JsonCache` records, written atomically,
so concurrent runs may share the folder.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.cache import JsonCache
from harness.types import Completion

SCHEMA = "hweval.generation/1"


class GenerationCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._store = JsonCache(root, label="generation cache")

    @classmethod
    def default(cls) -> GenerationCache:
        from harness.runner import cache_dir  # late: runner imports the generation loop

        return cls(cache_dir() / "generations")

    def get(self, key: str, suite: str, problem_id: str, sample_idx: int) -> Completion | None:
        """The cached sample for ``key`` as this run's completion, or None."""
        data = self._store.get(key)  # a damaged entry is a miss, never a crash
        if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("completion"), str):
            return None
        usage = {k: v for k, v in (data.get("usage") or {}).items() if isinstance(v, int)}
        usage["cached"] = 1
        return Completion(suite, problem_id, sample_idx, data["completion"],
                          prompt_sha256=str(data.get("prompt_sha256", "")), usage=usage,
                          latency_s=float(data.get("latency_s") or 0.0), cache_key=key)

    def put(self, comp: Completion) -> None:
        """Store a clean answer (no error, non-empty); a failed write only logs."""
        if comp.error or not comp.completion.strip() or not comp.cache_key:
            return
        record: dict[str, Any] = {"schema": SCHEMA, "completion": comp.completion,
                                  "prompt_sha256": comp.prompt_sha256, "latency_s": comp.latency_s,
                                  "usage": {k: v for k, v in comp.usage.items() if k != "cached"}}
        self._store.put(comp.cache_key, record)
