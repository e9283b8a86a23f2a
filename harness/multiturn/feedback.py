"""What a model is told about its answer between rounds, and what an agent's checks show.

The default feedback is built from the :class:`~harness.types.Verdict` alone, so every family
and every plugin suite has it with no code: status, the broken rule, the reason, the stage
reasons, and (``-S feedback=full``) the capped log tails. A suite may refine it
(``Suite.feedback``). Whatever a suite returns, the harness then

- removes every line that quotes hidden material: the reference solution, the problem's data
  fields and the text files of its folder (hidden testbenches live there), except the lines
  the model has already seen (its prompt, its own code);
- caps the text at :data:`MAX_FEEDBACK_CHARS`.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.types import Candidate, Problem, Status, Verdict

if TYPE_CHECKING:
    from harness.suite import EvalContext, Suite

log = logging.getLogger(__name__)

MAX_FEEDBACK_CHARS = 3000
#: hidden lines shorter than this (``end``, ``endmodule``, ``}``) say nothing and are not withheld
MIN_HIDDEN_LINE = 10
WITHHELD = "[line withheld: it quotes hidden tests or the reference]"
_MAX_FILE_BYTES = 256 * 1024
_LOG_TAIL = 800
#: a sample's scratch folder (``EvalContext.scratch``): differs per run, so it is cut from feedback,
#: which then stays the same for the same verdict (the generation cache key holds the prompt)
_SCRATCH = re.compile(r"[^\s'\"(]*/hweval-[A-Za-z0-9_-]+/(?:job\d+/)?")
_COMPILE_LEVEL = frozenset({Status.SYNTAX_ERROR, Status.NO_CODE, Status.REJECTED})


def verdict_feedback(verdict: Verdict, level: str) -> str:
    """The default feedback: what the verdict says, as much as ``level`` reveals."""
    lines = [f"Your answer was judged: {verdict.status}."]
    if verdict.rule:
        lines.append(f"Rule broken: {verdict.rule}.")
    if level == "compile":
        syntax = verdict.stages.get("syntax")
        if verdict.status in _COMPILE_LEVEL and verdict.reason:
            lines.append(verdict.reason)
        elif syntax is not None and syntax.status != Status.PASS and syntax.reason:
            lines.append(f"compile: {syntax.status}: {syntax.reason}")
        else:
            lines.append("It compiles; this run reveals nothing about the tests (-S feedback=compile).")
        return "\n".join(lines)
    if verdict.reason:
        lines.append(f"Reason: {verdict.reason}")
    for name, stage in verdict.stages.items():
        if stage.status in ("not_run", "skipped") or (stage.status == Status.PASS and level != "full"):
            continue
        same = stage.reason.strip() == verdict.reason.strip()  # already said above
        lines.append(f"- stage {name}: {stage.status}" + (f": {stage.reason}" if stage.reason and not same else ""))
    if level == "full":
        for name, tail in verdict.logs.items():
            if name != "traceback" and tail.strip():
                lines.append(f"[{name}, last lines]\n{tail[-_LOG_TAIL:]}")
    return "\n".join(lines)


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif depth < 4 and isinstance(value, dict):
        for v in value.values():
            yield from _strings(v, depth + 1)
    elif depth < 4 and isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v, depth + 1)


def _folder_texts(folder: Path | None) -> Iterator[str]:
    if folder is None or not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"))[:400]:
        try:
            if path.is_file() and path.stat().st_size <= _MAX_FILE_BYTES:
                yield path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue


class Redactor:
    """Withholds feedback lines that quote a problem's hidden material (tests, reference)."""

    def __init__(self, problem: Problem, public: str) -> None:
        seen = {ln.strip() for ln in public.splitlines()}
        texts = [problem.reference or "", *_strings(problem.data), *_folder_texts(problem.path)]
        self.hidden = {s for t in texts for ln in t.splitlines()
                       if len(s := ln.strip()) >= MIN_HIDDEN_LINE and s not in seen}
        self.blob = "\n".join(sorted(self.hidden))

    def line_is_hidden(self, line: str) -> bool:
        s = line.strip()
        if len(s) >= MIN_HIDDEN_LINE and s in self.blob:
            return True
        return any(h in s for h in self.hidden)

    def __call__(self, text: str) -> str:
        return "\n".join(WITHHELD if self.line_is_hidden(ln) else ln for ln in text.splitlines())


def cap(text: str, limit: int = MAX_FEEDBACK_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + f"\n... (cut at {limit} characters)"


def build_feedback(suite: Suite, problem: Problem, candidate: Candidate | None, verdict: Verdict, level: str,
                   public: str) -> str:
    """The suite's feedback (or the default when its hook fails), redacted and capped."""
    try:
        text = suite.feedback(problem, candidate, verdict, level)
    except Exception:  # noqa: BLE001 - a broken refinement falls back to the verdict's own words
        log.warning("%s: feedback() failed on %s; using the default", suite.name, problem.id, exc_info=True)
        text = verdict_feedback(verdict, level)
    code = candidate.code + "\n" + "\n".join(candidate.files.values()) if candidate is not None else ""
    return cap(Redactor(problem, public + "\n" + code)(_SCRATCH.sub("", text)))


def compile_only_report(suite: Suite, problem: Problem, candidate: Candidate, ctx: EvalContext) -> str:
    """The default visible check: the compile stage of a full evaluation, nothing of the tests."""
    from harness.execute import evaluate_candidate

    verdict = evaluate_candidate(suite, problem, candidate, ctx)
    syntax = verdict.stages.get("syntax")
    if verdict.status == Status.INFRA_ERROR:
        return "check: the harness could not run the check (not your fault); try again or submit"
    if verdict.status == Status.REJECTED:
        return f"check: rejected by an integrity rule ({verdict.rule or 'unnamed'}): {verdict.reason}"
    if syntax is not None and syntax.status != Status.PASS:
        return f"compile: {syntax.status}: {syntax.reason}"
    if verdict.status == Status.SYNTAX_ERROR:
        return f"compile: syntax_error: {verdict.reason}"
    return "compile: ok (this problem has no visible tests; the hidden tests run after you submit)"
