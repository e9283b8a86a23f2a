"""A fake suite, backend and sandbox for driving the real pipeline (``harness.runner.run``, what
``hweval run`` calls) in-process, in milliseconds.

The fake language: an answer is a fenced ```fake block holding one word that the fake sandbox
"executes": ``pass`` and ``fail`` are verdicts, ``crash`` makes the sandbox itself fail (an
infra error), ``raise`` makes the suite's evaluation raise (a harness bug: an infra error too),
``hang`` times out. Everything the fakes do is recorded in a :class:`World`, so a test can
say exactly what was asked and what was executed.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from harness import registry
from harness.api import (
    Backend,
    Candidate,
    Completion,
    EvalContext,
    ExecResult,
    GenerationRequest,
    Limits,
    Problem,
    Prompt,
    Sandbox,
    Status,
    Suite,
    Verdict,
)
from harness.suite import COMMON_OPTIONS

NAME = "hwevaltest-fake"
_BLOCK = re.compile(r"```fake\n(.*?)\n```", re.S)


def answer(word: str) -> str:
    return f"My answer:\n```fake\n{word}\n```\n"


@dataclass
class World:
    """What the fakes are told to do and what they did."""

    problems: dict[str, str] = field(default_factory=lambda: {"p0": "pass", "p1": "pass", "p2": "pass"})
    #: (problem id, sample index) -> the model's answer; default: the problem's reference
    answers: dict[tuple[str, int], str] = field(default_factory=dict)
    requests: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    executed: list[tuple[str, str]] = field(default_factory=list)  # (problem id, word) per sandbox run
    #: hooks that may raise (e.g. KeyboardInterrupt) on the n-th request / sandbox run
    on_request: Callable[[int], None] | None = None
    on_execute: Callable[[int], None] | None = None

    def answer_for(self, problem_id: str, idx: int) -> str:
        return self.answers.get((problem_id, idx), answer(self.problems[problem_id]))


WORLD = World()


class FakeSuite(Suite):
    name: ClassVar[str] = NAME
    family: ClassVar[str] = "fake"
    version: ClassVar[str] = "1"
    takes_data: ClassVar[str] = "none"
    options_schema: ClassVar[dict[str, str]] = {**COMMON_OPTIONS, "judge": "strict|lenient: lenient passes `fail`"}

    def problems(self) -> Iterator[Problem]:
        for pid, reference in WORLD.problems.items():
            yield Problem(self.name, pid, reference=reference, data={"task": f"say {reference}"})

    def prompt(self, problem: Problem) -> Prompt:
        return Prompt.user(f"Problem {problem.id}: {problem.data['task']}.")

    def extract(self, problem: Problem, completion: Completion) -> Candidate | None:
        m = _BLOCK.search(completion.completion)
        return Candidate(m.group(1).strip()) if m else None

    def evaluate(self, problem: Problem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        if candidate.code == "raise":
            raise RuntimeError("the fake checker broke")
        with ctx.scratch() as work:
            res = ctx.sandbox.run(["fake-judge", problem.id], workdir=work, files={"answer.txt": candidate.code},
                                  limits=ctx.limits)
        if res.infra_error:
            return Verdict(Status.INFRA_ERROR, reason=res.infra_error)
        if res.timed_out:
            return Verdict(Status.TIMEOUT, reason="the fake judge timed out")
        lenient = self.options.get("judge") == "lenient"
        return Verdict(Status.PASS if res.stdout == "PASS" or lenient else Status.FAIL, reason=res.stdout)

    def reference_response(self, problem: Problem) -> str:
        return answer(problem.reference or "")


class FakeBackend(Backend):
    name = NAME
    concurrency = 2
    cacheable = True  # its samples go through the generation cache

    def identity(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.model}

    def generate(self, request: GenerationRequest) -> list[Completion]:
        WORLD.requests.append((request.problem.id, tuple(request.sample_indices)))
        if WORLD.on_request is not None:
            WORLD.on_request(len(WORLD.requests))
        return [Completion(request.suite.name, request.problem.id, idx, WORLD.answer_for(request.problem.id, idx),
                           request.prompt.sha256) for idx in request.sample_indices]


class FakeSandbox(Sandbox):
    name = NAME

    def run(self, cmd: Sequence[str], *, workdir: Path, files: Mapping[str, str | bytes] | None = None,
            limits: Limits = Limits(), env: Mapping[str, str] | None = None, stdin: bytes | None = None,
            ro_paths: Sequence[Path] = (), devices: Sequence[str] = ()) -> ExecResult:
        self.write_files(workdir, files)
        word = (workdir / "answer.txt").read_text()
        WORLD.executed.append((cmd[-1], word))
        if WORLD.on_execute is not None:
            WORLD.on_execute(len(WORLD.executed))
        if word == "crash":
            return ExecResult(None, "", "", 0.0, infra_error="the fake sandbox fell over")
        if word == "hang":
            return ExecResult(None, "", "", limits.wall_s, timed_out=True)
        return ExecResult(0, "PASS" if word == "pass" else "FAIL", "", 0.001)


@contextmanager
def fake_world() -> Iterator[World]:
    """A fresh :class:`World`, with the fakes registered as ``hwevaltest-fake`` (suite, backend
    and sandbox) for the duration."""
    global WORLD
    WORLD = World()
    with ExitStack() as stack:
        for kind, obj in (("suites", FakeSuite), ("backends", FakeBackend), ("sandboxes", FakeSandbox)):
            stack.enter_context(registry.registered(kind, NAME, obj))
        yield WORLD
