"""Generation: ask the backend for every missing sample and journal each one as it arrives."""
from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

from harness.backend import Backend, GenerationRequest, PartialGenerationError
from harness.backends.cache import GenerationCache
from harness.errors import BackendError
from harness.progress import Progress
from harness.results import COMPLETIONS, Journal, Key, completion_to_json, read_completions
from harness.suite import Suite
from harness.types import Completion, GenerationSettings, Problem

log = logging.getLogger(__name__)


def cache_key(backend: Backend, settings: GenerationSettings, prompt_sha: str, idx: int) -> str:
    """Covers backend, model, options, exact prompt, generation settings and sample index."""
    blob = json.dumps({"backend": backend.identity(), "settings": settings.__dict__, "prompt": prompt_sha,
                       "sample_idx": idx}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def existing_keys(run_dir: Path) -> set[Key]:
    return {c.key() for c in read_completions(run_dir)}


def _requests(suites: list[tuple[Suite, list[Problem]]], n: int, done: set[Key],
              settings: GenerationSettings) -> Iterator[GenerationRequest]:
    for suite, problems in suites:
        for problem in problems:
            missing = [i for i in range(n) if (suite.name, problem.id, i) not in done]
            if missing:
                yield GenerationRequest(suite, problem, suite.prompt(problem), missing, settings)


def missing_keys(suites: list[tuple[Suite, list[Problem]]], n: int, done: set[Key]) -> list[Key]:
    return [(s.name, p.id, i) for s, problems in suites for p in problems for i in range(n)
            if (s.name, p.id, i) not in done]


def run_generation(run_dir: Path, backend: Backend, suites: list[tuple[Suite, list[Problem]]], n: int,
                   settings: GenerationSettings, progress: Progress) -> int:
    """Generate what is missing; returns how many samples were journaled now."""
    done = existing_keys(run_dir)
    backend.check_requests(missing_keys(suites, n, done))
    total = sum(len(p) for _, p in suites) * n
    return run_requests(run_dir, backend, _requests(suites, n, done, settings), total, len(done), progress)


def run_requests(run_dir: Path, backend: Backend, requests: Iterator[GenerationRequest], total: int, done: int,
                 progress: Progress, label: str = "generate") -> int:
    """Ask ``requests`` (through the generation cache) and journal every answer as it arrives."""
    progress.start(label, total=total, completed=done)
    journal = Journal(run_dir / COMPLETIONS)
    cache = GenerationCache.default() if backend.cacheable and backend.options.generation_cache else None
    pool = ThreadPoolExecutor(max_workers=max(1, backend.concurrency), thread_name_prefix="hweval-gen")
    loop = _Loop(journal, progress, label)
    try:
        loop.drive(pool, requests, backend, cache)
    except BaseException:  # Ctrl-C or a failure: never wait for requests still in flight
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        journal.close()
        progress.stop(label)
    return loop.made


class _Loop:
    """Keeps ``2 x concurrency`` requests in flight and journals each answer as it arrives."""

    def __init__(self, journal: Journal, progress: Progress, label: str = "generate") -> None:
        self.journal, self.progress, self.made, self.label = journal, progress, 0, label

    def record(self, comps: list[Completion]) -> None:
        for comp in comps:
            self.journal.append(completion_to_json(comp))
            self.made += 1
            status = "error" if comp.error else ("cached" if comp.usage.get("cached") else "ok")
            self.progress.advance(self.label, status)

    def drive(self, pool: ThreadPoolExecutor, reqs: Iterator[GenerationRequest], backend: Backend,
              cache: GenerationCache | None) -> None:
        width = max(1, backend.concurrency) * 2
        pending: set[Future[list[Completion]]] = set()
        exhausted = False
        error: BackendError | None = None
        while pending or not exhausted:
            while not exhausted and len(pending) < width:
                req = next(reqs, None)
                if req is None:
                    exhausted = True
                    break
                pending.add(pool.submit(_generate_one, backend, req, cache))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                try:
                    self.record(fut.result())
                except BackendError as exc:  # stop asking; keep what the others bring back
                    self.record(list(getattr(exc, "completions", None) or []))  # arrived before the failure
                    error = error or exc
                    exhausted = True
        if error is not None:
            raise error


def _generate_one(backend: Backend, req: GenerationRequest,
                  cache: GenerationCache | None = None) -> list[Completion]:
    """The request's samples, stamped with the request's round and feedback."""
    try:
        comps = _generate_cached(backend, req, cache)
    except PartialGenerationError as exc:
        _stamp(req, exc.completions)
        raise
    return _stamp(req, comps)


def _stamp(req: GenerationRequest, comps: list[Completion]) -> list[Completion]:
    for c in comps:
        c.round, c.feedback = req.round, req.feedback
    return comps


def _generate_cached(backend: Backend, req: GenerationRequest,
                     cache: GenerationCache | None = None) -> list[Completion]:
    """The request's samples: cached ones reused, the rest asked of the backend (and cached)."""
    hits: list[Completion] = []
    if cache is not None:
        for i in req.sample_indices:
            hit = cache.get(cache_key(backend, req.settings, req.prompt.sha256, i), req.suite.name,
                            req.problem.id, i)
            if hit is not None:
                hits.append(hit)
    cached = {c.sample_idx for c in hits}
    missing = [i for i in req.sample_indices if i not in cached]
    if not missing:
        return hits
    try:
        comps = _ask(backend, replace(req, sample_indices=missing))
    except BackendError as exc:  # journal what did arrive (cache hits, partial answers), then stop
        partial = _finish(backend, req, list(getattr(exc, "completions", None) or []), 0.0)
        if cache is not None:
            for c in partial:
                cache.put(c)
        raise PartialGenerationError(str(exc), hits + partial) from exc
    if cache is not None:
        for c in comps:
            cache.put(c)
    return sorted(hits + comps, key=lambda c: c.sample_idx)


def _ask(backend: Backend, req: GenerationRequest) -> list[Completion]:
    start = time.monotonic()
    try:
        comps = backend.generate(req)
    except BackendError:
        raise
    except Exception as exc:  # noqa: BLE001 - a backend bug stops the run with its name, after journaling
        raise BackendError(f"backend {backend.name} failed on {req.suite.name}/{req.problem.id}: "
                           f"{type(exc).__name__}: {exc}") from exc
    return _finish(backend, req, comps, time.monotonic() - start)


def _finish(backend: Backend, req: GenerationRequest, comps: list[Completion], elapsed: float) -> list[Completion]:
    """Fill prompt hash, cache key, latency; an empty answer is recorded as such (no_code later)."""
    for c in comps:
        c.prompt_sha256 = c.prompt_sha256 or req.prompt.sha256
        c.cache_key = c.cache_key or cache_key(backend, req.settings, req.prompt.sha256, c.sample_idx)
        if not c.latency_s:
            c.latency_s = round(elapsed / max(len(comps), 1), 4)
        if not c.completion.strip() and c.error is None:
            c.error = "empty response"
    return comps
