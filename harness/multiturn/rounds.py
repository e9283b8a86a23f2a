"""Repair rounds (``--rounds R``): a failing sample sees its feedback and answers again.

Round 1 is the one-shot run. Before round ``r`` (2..R), every sample whose round ``r-1``
verdict is neither ``pass`` nor ``infra_error`` (a harness failure says nothing to repair) is
asked again with the whole conversation so far: the suite's prompt, then for each earlier round
the model's answer and the feedback on it (:mod:`harness.multiturn.feedback`). A sample that
passes stops. Round ``r``'s answers are journaled with ``round: r`` (and the feedback they
answer), then evaluated like round 1's, through the same dedup and caches.

Everything is rebuilt from the two journals, so ``--resume`` continues mid-round: a sample is
asked for round ``r`` only when its round ``r-1`` verdict is journaled and its round ``r``
answer is not.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from harness.backend import Backend, GenerationRequest
from harness.execute import extract
from harness.generate import run_requests
from harness.multiturn.feedback import build_feedback
from harness.progress import Progress
from harness.results import ExecutionRecord, Key, read_completions, read_executions
from harness.suite import Suite
from harness.types import Candidate, Completion, GenerationSettings, Message, Problem, Prompt, Status

REPAIR_ASK = ("{feedback}\n\nFix your answer. Reply with the complete corrected code, in the same format as "
              "asked before.")
#: verdicts after which a sample is not asked again
FINAL = frozenset({Status.PASS, Status.INFRA_ERROR})


def repair_prompt(suite: Suite, problem: Problem, history: list[tuple[Completion, ExecutionRecord]],
                  level: str) -> tuple[Prompt, str]:
    """The conversation of the next round, and its last feedback."""
    base = suite.prompt(problem)
    messages = list(base.messages)
    public = base.text
    feedback = ""
    for comp, rec in history:
        messages.append(Message("assistant", comp.completion if comp.completion.strip() else "(no answer)"))
        got = extract(suite, problem, comp)
        candidate = got if isinstance(got, Candidate) else None
        feedback = build_feedback(suite, problem, candidate, rec.verdict(), level, public)
        messages.append(Message("user", REPAIR_ASK.format(feedback=feedback)))
        public += "\n" + comp.completion
    return Prompt(tuple(messages)), feedback


class _Journals:
    """Completions and verdicts of a run, by sample and round."""

    def __init__(self, run_dir: Path) -> None:
        self.comps: dict[Key, dict[int, Completion]] = defaultdict(dict)
        self.execs: dict[Key, dict[int, ExecutionRecord]] = defaultdict(dict)
        for comp in read_completions(run_dir):
            self.comps[comp.key()].setdefault(comp.round, comp)
        for rec in read_executions(run_dir):
            self.execs[rec.key()][rec.round] = rec

    def history(self, key: Key, upto: int) -> list[tuple[Completion, ExecutionRecord]] | None:
        """Rounds 1..upto of a sample, or None when one is missing."""
        out = []
        for r in range(1, upto + 1):
            comp, rec = self.comps[key].get(r), self.execs[key].get(r)
            if comp is None or rec is None:
                return None
            out.append((comp, rec))
        return out


def round_requests(run_dir: Path, r: int, suites: dict[str, Suite], problems: dict[tuple[str, str], Problem],
                   settings: GenerationSettings, level: str) -> Iterator[GenerationRequest]:
    """The samples to ask in round ``r``: failed in round ``r-1``, not yet asked again."""
    journals = _Journals(run_dir)
    for key in sorted(journals.comps):
        suite_name, pid, idx = key
        problem = problems.get((suite_name, pid))
        if problem is None or r in journals.comps[key]:
            continue
        last = journals.execs[key].get(r - 1)
        if last is None or last.status in FINAL:
            continue
        history = journals.history(key, r - 1)
        if history is None:
            continue
        suite = suites[suite_name]
        prompt, feedback = repair_prompt(suite, problem, history, level)
        yield GenerationRequest(suite, problem, prompt, [idx], settings, round=r, feedback=feedback)


def run_repair_rounds(run_dir: Path, rounds: int, suites: dict[str, Suite],
                      problems: dict[tuple[str, str], Problem], backend: Backend, settings: GenerationSettings,
                      level: str, evaluate: Callable[[], object], progress: Progress) -> None:
    """Rounds 2..``rounds``: ask the failing samples again, then evaluate their new answers."""
    for r in range(2, rounds + 1):
        requests = list(round_requests(run_dir, r, suites, problems, settings, level))
        if requests:
            run_requests(run_dir, backend, iter(requests), len(requests), 0, progress, f"round {r}")
        evaluate()
