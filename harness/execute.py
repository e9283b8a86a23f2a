"""Evaluation: extract and execute every journaled completion not yet evaluated.

The driver streams completions from the journal, extracts candidates (cheap), and submits
only unique executions to an executor (a local thread pool, or Ray): identical candidates
(same suite, problem and normalised code) are executed once and share the verdict, within a
run and, with a verdict cache, across runs. A harness or tool failure is ``infra_error`` for
that sample, never a model failure. At most ``2 x workers`` executions are in flight, so
memory stays flat however large the run.

Each sample has its own error boundary: nothing one answer does ends the run. The steps run in
the harness's process on answer-controlled text (extraction and its parsers, the dedup key, the
suite's checks inside ``evaluate``) turn an exception the answer's shape causes into that
sample's failing status: in extraction (a pure function of the answer) :data:`ANSWER_FAULTS` are
``no_code``; in evaluation a ``RecursionError`` or ``MemoryError`` (nesting or size no parser of
ours follows) is ``rejected`` under rule ``too_complex``. Any other exception is the harness's
fault: ``infra_error`` for that sample alone (red team round 7 S4: an HLS answer nesting 100000
``[`` raised RecursionError during extraction and ended the run, ``--resume`` included).
"""
from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ToolMissingError
from harness.executors import Executor
from harness.progress import Progress
from harness.results import EXECUTIONS, ExecutionRecord, Journal, RKey, read_completions, read_executions
from harness.suite import EvalContext, Suite
from harness.types import Candidate, Completion, Problem, Status, Verdict, utf8_safe
from harness.verdict_cache import VerdictCache

log = logging.getLogger(__name__)

DedupKey = tuple[str, str, str]

#: what a parser raises on the text it is given (too deep, too large, a number over Python's
#: digit limit, an encoding it cannot take, text Python cannot parse): in extraction, the answer's fault
ANSWER_FAULTS: tuple[type[BaseException], ...] = (RecursionError, MemoryError, ValueError, OverflowError,
                                                  SyntaxError)
#: what only the answer's nesting or size makes the harness's own checks raise during evaluation
TOO_COMPLEX: tuple[type[BaseException], ...] = (RecursionError, MemoryError)


def _exc_text(exc: BaseException) -> str:
    """``Type: message``, short and writable (the message may quote the answer)."""
    return utf8_safe(f"{type(exc).__name__}: {exc}"[:300])


def _infra(exc: BaseException, where: str = "") -> Verdict:
    log.debug("%s crashed", where or "evaluation", exc_info=True)
    return Verdict(Status.INFRA_ERROR, reason=f"{where} crashed: {_exc_text(exc)}" if where else _exc_text(exc),
                   logs={"traceback": utf8_safe(traceback.format_exc()[-4000:])})


def extract(suite: Suite, problem: Problem, comp: Completion) -> Candidate | Verdict:
    """The candidate in a completion, or the ``no_code`` verdict. Never raises on an answer:
    an answer its parser cannot read is ``no_code`` (:data:`ANSWER_FAULTS`), any other crash of
    the extractor ``infra_error`` for this sample."""
    if comp.error and not comp.completion.strip():
        return Verdict(Status.NO_CODE, reason=f"no response: {comp.error}")
    try:
        cand = suite.extract(problem, comp)
    except ToolMissingError:
        raise
    except ANSWER_FAULTS as exc:
        return Verdict(Status.NO_CODE, reason=f"the response could not be read ({_exc_text(exc)})")
    except Exception as exc:  # noqa: BLE001 - a bug of the extractor: this sample's infra_error, not the run's end
        return _infra(exc, f"{suite.name}'s extraction")
    if cand is None:
        return Verdict(Status.NO_CODE, reason="no code found in the response")
    if comp.round > 1:  # a suite whose inputs are fixed per run draws another set per repair round
        cand.meta.setdefault("round", comp.round)
    return cand


def evaluate_candidate(suite: Suite, problem: Problem, cand: Candidate, ctx: EvalContext) -> Verdict:
    """Run the suite's evaluation; an answer nested or sized beyond what the harness's checks
    follow is ``rejected`` (``too_complex``), any other crash of the harness ``infra_error``."""
    start = time.monotonic()
    try:
        verdict = suite.evaluate(problem, cand, ctx)
    except ToolMissingError:
        raise
    except TOO_COMPLEX as exc:
        log.debug("evaluation ran out of depth or memory", exc_info=True)
        verdict = Verdict(Status.REJECTED, rule="too_complex",
                          reason=f"too_complex: the answer is nested or sized beyond what the harness's checks "
                                 f"follow ({_exc_text(exc)})")
    except Exception as exc:  # noqa: BLE001 - a harness failure is infra_error, never the model's
        verdict = _infra(exc)
    if not verdict.wall_s:
        verdict.wall_s = time.monotonic() - start
    return verdict


def completion_tokens(comp: Completion) -> int:
    """Tokens a completion cost: prompt and completion (an agent's are summed over its turns)."""
    usage = comp.usage
    total = usage.get("total_tokens")
    if isinstance(total, int):
        return total
    return sum(v for k, v in usage.items() if k in ("prompt_tokens", "completion_tokens") and isinstance(v, int))


def judge(suite: Suite, problem: Problem, comp: Completion, ctx: EvalContext) -> tuple[str, Verdict]:
    """Extract and evaluate one completion; returns (candidate sha256, verdict)."""
    got = extract(suite, problem, comp)
    if isinstance(got, Verdict):
        return "", got
    return got.sha256, evaluate_candidate(suite, problem, got, ctx)


@dataclass
class _Pending:
    owner: Completion
    sha: str
    waiters: list[Completion] = field(default_factory=list)


class _Evaluation:
    def __init__(self, run_dir: Path, suites: dict[str, Suite], problems: dict[tuple[str, str], Problem],
                 ctx: EvalContext, executor: Executor, progress: Progress, cache: VerdictCache | None,
                 dedup: bool) -> None:
        self.suites, self.problems, self.ctx, self.executor = suites, problems, ctx, executor
        self.progress, self.cache, self.dedup = progress, cache, dedup
        self.run_dir = run_dir
        self.done: set[RKey] = set()
        # verdicts of executed candidates, without logs, for sharing with identical ones
        self.shared: dict[DedupKey, tuple[int, Verdict]] = {}
        self.inflight: dict[DedupKey, _Pending] = {}
        self.futures: dict[Future[Verdict], DedupKey] = {}
        self.journal = Journal(run_dir / EXECUTIONS)
        self.count = 0

    def record(self, comp: Completion, sha: str, verdict: Verdict, shared_with: int | None = None,
               dedup_key: str = "") -> None:
        rec = ExecutionRecord.from_verdict(comp.key(), sha, verdict)
        rec.shared_with = shared_with
        rec.dedup_key = dedup_key
        rec.round = comp.round
        rec.tokens = completion_tokens(comp)
        if comp.agent:  # --agent: how the submission came about, per sample
            rec.metrics = {**rec.metrics, "agent_turns": int(comp.agent.get("turns", 0)),
                           "agent_tool_calls": int(comp.agent.get("tool_calls", 0))}
        self.journal.append(rec.__dict__)
        self.count += 1
        self.progress.advance("evaluate", rec.status)

    def _remember(self, key: DedupKey, idx: int, verdict: Verdict) -> None:
        if self.dedup and verdict.status != Status.INFRA_ERROR:
            self.shared[key] = (idx, Verdict(verdict.status, verdict.reason, verdict.stages, verdict.wall_s,
                                             {}, verdict.metrics, verdict.rule))

    def submit(self, comp: Completion) -> None:
        suite = self.suites[comp.suite]
        problem = self.problems[(comp.suite, comp.problem_id)]
        got = extract(suite, problem, comp)
        if isinstance(got, Verdict):
            self.record(comp, "", got)
            return
        key = (comp.suite, comp.problem_id, self._dedup_key(suite, got, comp))
        if key in self.shared:
            idx, verdict = self.shared[key]
            self.record(comp, got.sha256, verdict, idx, key[2])
            return
        if key in self.inflight:
            self.inflight[key].waiters.append(comp)
            return
        if self.cache is not None:
            cached = self._cached(suite, problem, got)
            if cached is not None:
                cached.metrics = {**cached.metrics, "verdict_cache": "hit"}
                self.record(comp, got.sha256, cached, None, key[2])
                self._remember(key, comp.sample_idx, cached)
                return
        self.inflight[key] = _Pending(comp, got.sha256)
        fut = self.executor.submit(evaluate_candidate, suite, problem, got, self.ctx)
        self.futures[fut] = key

    def _dedup_key(self, suite: Suite, cand: Candidate, comp: Completion) -> str:
        """The key identical candidates share; when the suite cannot compute it for this answer,
        a key of its own (no sharing): the evaluation still decides the verdict."""
        unique = f"{cand.sha256}:{comp.sample_idx}"
        if not self.dedup:
            return unique
        try:
            return suite.dedup_key(cand)
        except ToolMissingError:
            raise
        except Exception:  # noqa: BLE001 - dedup only saves work; this answer is executed on its own
            log.debug("dedup key of %s/%s #%d failed", comp.suite, comp.problem_id, comp.sample_idx, exc_info=True)
            return unique

    def _cached(self, suite: Suite, problem: Problem, cand: Candidate) -> Verdict | None:
        assert self.cache is not None
        try:
            return self.cache.get(suite, problem, cand, self.ctx)
        except ToolMissingError:
            raise
        except Exception:  # noqa: BLE001 - a cache that cannot answer is a miss
            log.debug("verdict cache lookup failed", exc_info=True)
            return None

    def finish(self, fut: Future[Verdict]) -> None:
        key = self.futures.pop(fut)
        pending = self.inflight.pop(key)
        try:
            verdict = fut.result()  # ToolMissingError propagates: the whole run stops with exit 2
        except ToolMissingError:
            raise
        except Exception as exc:  # noqa: BLE001 - the executor lost the task (a Ray worker died): infra_error
            verdict = _infra(exc, "the executor")
        self.record(pending.owner, pending.sha, verdict, None, key[2])
        for comp in pending.waiters:
            self.record(comp, pending.sha, verdict, pending.owner.sample_idx, key[2])
        self._remember(key, pending.owner.sample_idx, verdict)
        if self.cache is not None and verdict.status != Status.INFRA_ERROR:
            suite = self.suites[key[0]]
            problem = self.problems[(key[0], key[1])]
            self.cache.put(suite, problem, pending.sha, self.ctx, verdict)

    def pending_completions(self) -> Iterator[Completion]:
        for comp in read_completions(self.run_dir):
            key = comp.rkey()
            if key not in self.done and (comp.suite, comp.problem_id) in self.problems:
                self.done.add(key)  # a completion journaled twice is evaluated once
                yield comp

    def run(self, workers: int) -> int:
        for rec in read_executions(self.run_dir):
            self.done.add(rec.rkey())
            if rec.candidate_sha256 and rec.status != Status.INFRA_ERROR:
                self._remember((rec.suite, rec.problem_id, rec.dedup_key or rec.candidate_sha256),
                               rec.sample_idx, rec.verdict())
        executed = set(self.done)
        todo = sum(1 for _ in self.pending_completions())  # a counting pass: nothing is held
        self.done = executed
        self.progress.start("evaluate", total=len(executed) + todo, completed=len(executed))
        stream = self.pending_completions()
        exhausted = False
        try:
            while self.futures or not exhausted:
                while not exhausted and len(self.futures) < max(1, workers) * 2:
                    comp = next(stream, None)
                    if comp is None:
                        exhausted = True
                        break
                    self.submit(comp)
                if not self.futures:
                    continue
                finished, _ = wait(list(self.futures), return_when=FIRST_COMPLETED)
                for fut in finished:
                    self.finish(fut)
        finally:
            self.journal.close()
            self.progress.stop("evaluate")
        return self.count


def run_evaluation(run_dir: Path, suites: dict[str, Suite], problems: dict[tuple[str, str], Problem],
                   ctx: EvalContext, executor: Executor, progress: Progress,
                   cache: VerdictCache | None = None, dedup: bool = True) -> int:
    """Evaluate pending completions; returns how many samples were recorded now."""
    return _Evaluation(run_dir, suites, problems, ctx, executor, progress, cache, dedup).run(executor.workers)
