"""The persistent generation cache: one small JSON file per generated sample.

The key (``harness.generate.cache_key``) covers the backend's identity (backend, model, the
options that change its outputs), the exact prompt, the generation settings and the sample
index, so repeated samples stay distinct and a repeated run reuses what was already generated.
Only clean answers are stored: a refusal or an empty answer is asked again next time.

Files live under ``$HWEVAL_CACHE/generations/<key[:2]>/<key>.json`` (default
``~/.cache/hweval``); writes are atomic, so concurrent runs may share the folder.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from harness.types import Completion

log = logging.getLogger(__name__)

SCHEMA = "hweval.generation/1"


class GenerationCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def default(cls) -> GenerationCache:
        from harness.runner import cache_dir  # late: runner imports the generation loop

        return cls(cache_dir() / "generations")

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str, suite: str, problem_id: str, sample_idx: int) -> Completion | None:
        """The cached sample for ``key`` as this run's completion, or None."""
        path = self._path(key)
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # a damaged entry is a miss, never a crash
            log.warning("generation cache: ignoring unreadable %s (%s)", path, exc)
            return None
        if data.get("schema") != SCHEMA or not isinstance(data.get("completion"), str):
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
        path = self._path(comp.cache_key)
        record = {"schema": SCHEMA, "completion": comp.completion, "prompt_sha256": comp.prompt_sha256,
                  "usage": {k: v for k, v in comp.usage.items() if k != "cached"},
                  "latency_s": comp.latency_s}
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh, sort_keys=True)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("generation cache: could not write %s (%s)", path, exc)
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
