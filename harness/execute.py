"""Evaluation: extract and execute every journaled completion not yet evaluated.

Identical candidates (same suite, problem and code hash) are executed once and share the
verdict. A harness or tool failure is ``infra_error`` for that sample, never a model failure.
Completions are streamed from the journal with a bounded number in flight, so memory stays flat.
"""
from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from harness.errors import ToolMissingError
from harness.progress import Progress
from harness.results import EXECUTIONS, ExecutionRecord, Journal, Key, read_completions, read_executions
from harness.suite import EvalContext, Suite
from harness.types import Completion, Problem, Status, Verdict

log = logging.getLogger(__name__)

Executor = Callable[[Callable[[], Verdict]], "Future[Verdict]"]


def judge(suite: Suite, problem: Problem, comp: Completion, ctx: EvalContext) -> tuple[str, Verdict]:
    """Extract and evaluate one completion; returns (candidate sha256, verdict)."""
    if comp.error and not comp.completion.strip():
        return "", Verdict(Status.NO_CODE, reason=f"no response: {comp.error}")
    cand = suite.extract(problem, comp)
    if cand is None:
        return "", Verdict(Status.NO_CODE, reason="no code found in the response")
    return cand.sha256, _safe_evaluate(suite, problem, cand, ctx)


def _safe_evaluate(suite: Suite, problem: Problem, cand, ctx: EvalContext) -> Verdict:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    try:
        verdict = suite.evaluate(problem, cand, ctx)
    except ToolMissingError:
        raise
    except Exception as exc:  # noqa: BLE001 - a harness failure is infra_error, never the model's
        log.debug("evaluation crashed", exc_info=True)
        verdict = Verdict(Status.INFRA_ERROR, reason=f"{type(exc).__name__}: {exc}",
                          logs={"traceback": traceback.format_exc()[-4000:]})
    if not verdict.wall_s:
        verdict.wall_s = time.monotonic() - start
    return verdict


def run_evaluation(run_dir: Path, suites: dict[str, Suite], problems: dict[tuple[str, str], Problem],
                   ctx: EvalContext, workers: int, progress: Progress) -> int:
    """Evaluate pending completions; returns how many were evaluated now."""
    done: set[Key] = set()
    shared: dict[tuple[str, str, str], tuple[int, Verdict]] = {}
    for rec in read_executions(run_dir):
        done.add(rec.key())
        if rec.candidate_sha256 and rec.status != Status.INFRA_ERROR:
            shared.setdefault((rec.suite, rec.problem_id, rec.candidate_sha256), (rec.sample_idx, rec.verdict()))
    todo = [c for c in read_completions(run_dir) if c.key() not in done and (c.suite, c.problem_id) in problems]
    progress.start("evaluate", total=len(done) + len(todo), completed=len(done))
    journal = Journal(run_dir / EXECUTIONS)
    inflight: dict[tuple[str, str, str], Future[Verdict]] = {}
    waiting: dict[Future[tuple[str, Verdict]], Completion] = {}
    count = 0

    def record(comp: Completion, sha: str, verdict: Verdict, shared_with: int | None = None) -> None:
        nonlocal count
        rec = ExecutionRecord.from_verdict(comp.key(), sha, verdict)
        rec.shared_with = shared_with
        journal.append(rec.__dict__)
        count += 1
        progress.advance("evaluate", rec.status)

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:

            def submit(comp: Completion) -> None:
                suite = suites[comp.suite]
                problem = problems[(comp.suite, comp.problem_id)]
                waiting[pool.submit(_dedup_judge, suite, problem, comp, ctx, shared, inflight)] = comp

            queue = iter(todo)
            exhausted = False
            while waiting or not exhausted:
                while not exhausted and len(waiting) < max(1, workers) * 2:
                    comp = next(queue, None)
                    if comp is None:
                        exhausted = True
                        break
                    submit(comp)
                if not waiting:
                    break
                finished, _ = wait(list(waiting), return_when=FIRST_COMPLETED)
                for fut in finished:
                    comp = waiting.pop(fut)
                    sha, verdict, twin = fut.result()  # type: ignore[misc]
                    record(comp, sha, verdict, twin)
    finally:
        journal.close()
        progress.stop("evaluate")
    return count


def _dedup_judge(suite: Suite, problem: Problem, comp: Completion, ctx: EvalContext,
                 shared: dict[tuple[str, str, str], tuple[int, Verdict]],
                 inflight: dict[tuple[str, str, str], Future[Verdict]]) -> tuple[str, Verdict, int | None]:
    """Judge ``comp`` unless an identical candidate was (or is being) executed; then share it."""
    if comp.error and not comp.completion.strip():
        return "", Verdict(Status.NO_CODE, reason=f"no response: {comp.error}"), None
    cand = suite.extract(problem, comp)
    if cand is None:
        return "", Verdict(Status.NO_CODE, reason="no code found in the response"), None
    key = (comp.suite, comp.problem_id, cand.sha256)
    if key in shared:
        idx, verdict = shared[key]
        return cand.sha256, verdict, idx
    mine: Future[Verdict] = Future()
    other = inflight.setdefault(key, mine)
    if other is not mine:
        verdict = other.result()
        return cand.sha256, verdict, shared.get(key, (None, None))[0]
    try:
        verdict = _safe_evaluate(suite, problem, cand, ctx)
    except BaseException as exc:
        mine.set_exception(exc)
        inflight.pop(key, None)
        raise
    if verdict.status != Status.INFRA_ERROR:
        shared[key] = (comp.sample_idx, verdict)
    mine.set_result(verdict)
    inflight.pop(key, None)
    return cand.sha256, verdict, None
