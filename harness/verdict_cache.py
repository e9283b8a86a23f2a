"""An optional persistent verdict cache shared by runs (``-S verdict_cache=on`` or
``HWEVAL_VERDICT_CACHE=DIR``).

Key: (suite name and content hash, problem id, candidate hash, tool versions, sandbox kind,
the suite's :meth:`~harness.suite.Suite.verdict_options`, wall-time limit, and the digest of the
harness's own code and of the suite's own package: :func:`harness.cache.harness_code_digest` and
:func:`harness.cache.suite_code_digest`, so a tightened checker, in the harness or beside a suite's
problems, never reuses a verdict of the older one). A later run finds
a verdict already computed for the same code under the same checks and skips the execution. Entries are :class:`harness.cache.JsonCache`
records (atomic writes; a damaged entry is a miss).
"""
from __future__ import annotations

import os
from pathlib import Path

from harness.cache import JsonCache, harness_code_digest, key_of, suite_code_digest
from harness.suite import EvalContext, Suite
from harness.types import Candidate, Problem, Verdict


class VerdictCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._store = JsonCache(root, label="verdict cache")
        self._suite_hash: dict[str, str] = {}

    def _key(self, suite: Suite, problem: Problem, cand_sha: str, ctx: EvalContext) -> str:
        from harness.tools import tool_versions

        if suite.name not in self._suite_hash:
            self._suite_hash[suite.name] = suite.content_hash()
        return key_of(suite.name, self._suite_hash[suite.name], problem.id, cand_sha, tool_versions(),
                      ctx.sandbox.name, suite.verdict_options(), ctx.limits.wall_s, harness_code_digest(),
                      suite_code_digest(type(suite)))

    def get(self, suite: Suite, problem: Problem, cand: Candidate, ctx: EvalContext) -> Verdict | None:
        record = self._store.get(self._key(suite, problem, cand.sha256, ctx))
        try:
            return Verdict.from_json(record) if isinstance(record, dict) else None
        except (TypeError, ValueError, KeyError):  # an entry of an older layout: a miss
            return None

    def put(self, suite: Suite, problem: Problem, cand_sha: str, ctx: EvalContext, verdict: Verdict) -> None:
        self._store.put(self._key(suite, problem, cand_sha, ctx), verdict.to_json())


def verdict_cache_from(option: str | None, default_root: Path) -> VerdictCache | None:
    """``on`` -> the default cache folder; a path -> that folder; off/None -> no cache."""
    value = option or os.environ.get("HWEVAL_VERDICT_CACHE")
    if not value or value == "off":
        return None
    root = default_root / "verdicts" if value == "on" else Path(value)
    root.mkdir(parents=True, exist_ok=True)
    return VerdictCache(root)
