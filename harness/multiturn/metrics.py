"""Metrics of multi-turn runs, computed from executions.jsonl alone (``publish`` recomputes them).

Repair rounds (``--rounds R``):
- ``pass@k@rN`` for N = 1..R: pass@k counting a sample as passed when it passed in round N or
  earlier (a sample that passes stops). ``pass@k@r1`` is the one-shot score; ``pass@k@rR``
  equals the run's ``pass@k``. A sample whose last round ended in ``infra_error`` (which ends its
  repair loop) is left out of round N only from its infra round on: the rounds it was judged in
  before still count (an infra error in round 2 does not erase a round-1 failure).
- ``mean_rounds_to_pass``: over the samples that passed, the round they passed in.
- ``tokens_per_solved``: tokens of every round of every sample of the scored problems, divided
  by the problems solved (at least one sample passed); None when none is.
Agents (``--agent``): ``agent_turns``, ``agent_tool_calls`` and ``tokens_per_sample``, means over
samples with their statistics.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from harness.metrics import mean_stats, pass_at_k_table
from harness.results import ExecutionRecord, Key
from harness.types import Status


def _pass_rounds(records: list[ExecutionRecord], keep: set[str]) -> dict[Key, tuple[int | None, str, int]]:
    """Each sample of the ``keep`` problems: the round it passed in (or None), its final status
    and the round of that status."""
    passed: dict[Key, int | None] = {}
    final: dict[Key, tuple[int, str]] = {}
    for rec in records:
        if rec.problem_id not in keep:
            continue
        key = rec.key()
        passed.setdefault(key, None)
        if rec.status == Status.PASS and (passed[key] is None or rec.round < (passed[key] or 0)):
            passed[key] = rec.round
        if key not in final or rec.round >= final[key][0]:
            final[key] = (rec.round, rec.status)
    return {k: (passed[k], final[k][1], final[k][0]) for k in passed}


def round_metrics(records: list[ExecutionRecord], scored: list[str], seed: int, rounds: int) -> dict[str, Any]:
    keep = set(scored)
    samples = _pass_rounds(records, keep)
    # per problem: (round passed in or None, first round the sample is no longer judged in)
    by_problem: dict[str, list[tuple[int | None, float]]] = defaultdict(list)
    for (_, pid, _), (when, status, last) in sorted(samples.items()):
        by_problem[pid].append((when, last if status == Status.INFRA_ERROR else float("inf")))
    out: dict[str, Any] = {}
    for r in range(1, rounds + 1):
        counts = {pid: (sum(1 for _, gone in w if r < gone), sum(1 for x, gone in w if r < gone and x is not None and x <= r))
                  for pid, w in sorted(by_problem.items())}
        counts = {pid: c for pid, c in counts.items() if c[0]}
        out.update({f"{name}@r{r}": stat for name, stat in pass_at_k_table(counts, seed=seed).items()})
    final = {pid: [x for x, gone in w if gone == float("inf")] for pid, w in by_problem.items()}
    out["mean_rounds_to_pass"] = mean_stats([float(x) for w in final.values() for x in w if x is not None],
                                            seed=seed)
    solved = sum(1 for w in final.values() if any(x is not None for x in w))
    tokens = sum(rec.tokens for rec in records if rec.problem_id in keep)
    out["tokens_per_solved"] = tokens / solved if solved else None
    return out


def agent_metrics(records: list[ExecutionRecord], scored: list[str], seed: int) -> dict[str, Any]:
    """Turns, tool calls and tokens per sample of the agents' final submissions."""
    keep = set(scored)
    recs = sorted((r for r in records if r.problem_id in keep and r.status != Status.INFRA_ERROR),
                  key=lambda r: (r.problem_id, r.sample_idx))
    return {"agent_turns": mean_stats([float(r.metrics.get("agent_turns", 0)) for r in recs], seed=seed),
            "agent_tool_calls": mean_stats([float(r.metrics.get("agent_tool_calls", 0)) for r in recs], seed=seed),
            "tokens_per_sample": mean_stats([float(r.tokens) for r in recs], seed=seed)}
