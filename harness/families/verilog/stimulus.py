"""Whether a testbench with published, fixed stimulus (RTLLM's) can draw a fresh seed per run.

RTLLM's testbenches print a pass line; their stimulus is what RTLLM publishes, so an answer that
plays back the expected outputs by time, ignoring its inputs, passes them. Reseeding their
unseeded random calls (:mod:`harness.families.verilog.reseed`, as VerilogEval's testbenches are)
closes that, but only where the testbench computes its expectations from the stimulus it drew:
many compare against fixed expected values, which a new stimulus would fail for every design.

So each problem is tried once (:class:`ReseedTrials`): the problem's own verified reference is run
on the reseeded testbench under two fresh seeds. Where it passes both, candidates get the
reseeded testbench with a fresh seed per evaluation; otherwise, or when the testbench draws no
unseeded random stimulus, the fixed testbench, and the decision says why. Decisions are kept per
suite object and, with ``ctx.cache_dir``, on disk (``reseed-trials/``, keyed by the testbench,
the reference, Icarus's version, the sandbox kind and the harness code). A trial that says
nothing about the testbench (``infra_error``, ``timeout``: a loaded machine) leaves the problem
fixed for this process and is not written to disk.

Comparisons: a testbench that counts errors with ``if (out != expected)`` counts none when the
design's outputs are X or Z (the condition is X, the branch not taken), so an empty module passes
it (red team round 7 S7). The same trial first runs the reference on the testbench with every
``==``/``!=`` made ``===``/``!==`` (:func:`strict_testbench`; identical wherever no operand holds
X or Z); where the reference passes that, candidates get the strict testbench (reseeded or not, as
above), and the decision records it (``strict``).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.cache import JsonCache, harness_code_digest, key_of
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.lexer import tokenize
from harness.families.verilog.prompt import fenced_answer
from harness.families.verilog.reseed import reseed
from harness.families.verilog.tbeval import Testbench, judge_testbench
from harness.suite import EvalContext
from harness.tools import tool_versions
from harness.types import Problem, Status

TRIAL_SEEDS = 2  # fresh seeds the reference must pass under before candidates are reseeded
RESEEDED, FIXED = "reseeded", "fixed"


@dataclass(frozen=True)
class Decision:
    """One problem's stimulus: ``reseeded`` (a fresh seed per evaluation) or ``fixed``, and why."""

    stimulus: str
    reason: str
    seeds: tuple[int, ...] = ()  # the trial's seeds (reseeded: the reference passed under each)
    strict: bool = False  # whether candidates get the testbench with ===/!== comparisons
    strict_reason: str = ""

    @property
    def reseeded(self) -> bool:
        return self.stimulus == RESEEDED

    def to_json(self) -> dict[str, Any]:
        return {"stimulus": self.stimulus, "reason": self.reason, "seeds": list(self.seeds), "strict": self.strict,
                "strict_reason": self.strict_reason}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        return cls(str(data["stimulus"]), str(data.get("reason", "")), tuple(int(s) for s in data.get("seeds") or ()),
                   bool(data.get("strict")), str(data.get("strict_reason", "")))


def strict_equality(source: str) -> tuple[str, int]:
    """``source`` with every ``==``/``!=`` operator (not in strings or comments) made ``===``/``!==``."""
    out, pos, count = [], 0, 0
    for tok in tokenize(source):
        if tok.kind == "op" and tok.text in ("==", "!="):
            out += [source[pos:tok.start], tok.text + "="]
            pos, count = tok.end, count + 1
    return "".join(out) + source[pos:], count


def strict_testbench(tb: Testbench) -> tuple[Testbench, int]:
    """``tb`` with strict comparisons in its Verilog sources, and how many were changed."""
    files, count = dict(tb.files), 0
    for name in tb.sources:
        if name in files:
            files[name], n = strict_equality(files[name])
            count += n
    return replace(tb, files=files), count


def random_calls(tb: Testbench) -> int:
    """How many unseeded random calls the testbench's Verilog sources make (what reseeding changes)."""
    return sum(reseed(tb.files[name])[1] for name in tb.sources if name in tb.files)


class ReseedTrials:
    """Per-problem reseeding decisions of one suite object (thread-safe: one trial per problem)."""

    def __init__(self) -> None:
        self._memo: dict[str, Decision] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def decide(self, problem: Problem, ctx: EvalContext) -> Decision:
        """The decision for ``problem`` (its ``data["tb"]`` and ``reference``), made once."""
        with self._lock:
            lock = self._locks.setdefault(problem.id, threading.Lock())
        with lock:
            found = self._memo.get(problem.id)
            if found is None:
                found = self._memo[problem.id] = _decide(problem, ctx)
            return found


def _decide(problem: Problem, ctx: EvalContext) -> Decision:
    tb = Testbench.from_data(problem.data["tb"])
    key = key_of("testbench-trial/2", problem.data["tb"], problem.reference or "", tool_versions().get("iverilog"),
                 ctx.sandbox.name, harness_code_digest())[:24]
    cache = JsonCache(Path(ctx.cache_dir, "reseed-trials"), label="reseed-trial cache", flat=True) \
        if ctx.cache_dir else None
    stored = cache.get(key) if cache is not None else None
    if isinstance(stored, dict) and stored.get("stimulus") in (RESEEDED, FIXED):
        return Decision.from_json(stored)
    strict_tb, comparisons = strict_testbench(tb)
    strict, strict_reason, final = False, "the testbench makes no ==/!= comparison", True
    if comparisons:
        strict, strict_reason, final = _strict_trial(problem, strict_tb, ctx)
    base = strict_tb if strict else tb
    if random_calls(base):
        decision, reseed_final = _trial(problem, replace(base, reseed=True), ctx)
        final = final and reseed_final
    else:
        decision = Decision(FIXED, "the testbench draws no unseeded random stimulus")
    decision = replace(decision, strict=strict, strict_reason=strict_reason)
    if final and cache is not None:
        cache.put(key, decision.to_json())
    return decision


def _strict_trial(problem: Problem, tb: Testbench, ctx: EvalContext) -> tuple[bool, str, bool]:
    """Whether the reference passes ``tb`` with strict comparisons: (strict, why, final)."""
    ref = extract_verilog(fenced_answer(problem.reference or ""), problem.data["top"])
    if ref is None:
        return False, "no usable reference to try strict comparisons with", True
    verdict = judge_testbench(ref, tb, ctx)
    if verdict.status in (Status.INFRA_ERROR, Status.TIMEOUT):
        return False, f"the strict trial was inconclusive ({verdict.status}); kept as published for this run", False
    if verdict.status is not Status.PASS:
        return False, (f"the reference fails the testbench with ===/!== ({verdict.status}: "
                       f"{verdict.reason.strip()[:200]}): comparisons kept as published"), True
    return True, "the reference passes the testbench with ==/!= made ===/!== (X or Z outputs count as wrong)", True


def _trial(problem: Problem, tb: Testbench, ctx: EvalContext) -> tuple[Decision, bool]:
    """Run the reference on the reseeded ``tb`` under :data:`TRIAL_SEEDS` fresh seeds; the
    decision, and whether it is final (worth caching)."""
    seeds: list[int] = []
    for _ in range(TRIAL_SEEDS):
        ref = extract_verilog(fenced_answer(problem.reference or ""), problem.data["top"])  # fresh meta per run
        if ref is None:
            return Decision(FIXED, "no usable reference to try the reseeded testbench with"), True
        verdict = judge_testbench(ref, tb, ctx)
        fn = verdict.stages.get("function")
        seed = fn.data.get("tb_seed") if fn is not None else None
        if verdict.status in (Status.INFRA_ERROR, Status.TIMEOUT):
            return Decision(FIXED, f"the reseeded trial was inconclusive ({verdict.status}: "
                            f"{verdict.reason.strip()[:200]}); kept fixed for this run"), False
        if verdict.status is not Status.PASS:
            return Decision(FIXED, f"the reference fails the reseeded testbench (seed {seed}: {verdict.status}: "
                            f"{verdict.reason.strip()[:200]}): it compares against fixed expected values"), True
        seeds.append(int(seed) if seed is not None else 0)
    return Decision(RESEEDED, f"the reference passes the reseeded testbench under {TRIAL_SEEDS} fresh seeds",
                    tuple(seeds)), True


def stimulus_metrics(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Which problems ran with reseeded and which with fixed stimulus (from the executions'
    ``metrics["stimulus"]``), for results.json."""
    out: dict[str, set[str]] = {RESEEDED: set(), FIXED: set()}
    for r in records:
        kind = (r.get("metrics") or {}).get("stimulus")
        if kind in out:
            out[kind].add(str(r.get("problem_id")))
    return {k: sorted(v) for k, v in out.items()}
