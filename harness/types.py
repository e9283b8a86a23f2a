"""The core records that flow through the pipeline (DESIGN.md, "Data flow").

Suite.problems() -> Problem -> Suite.prompt() -> Prompt -> Backend.generate() -> Completion
-> Suite.extract() -> Candidate -> Suite.evaluate() -> Verdict
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class Status(StrEnum):
    """One verdict vocabulary for every family."""

    PASS = "pass"
    FAIL = "fail"
    SYNTAX_ERROR = "syntax_error"
    TIMEOUT = "timeout"
    RUNTIME_ERROR = "runtime_error"
    NO_CODE = "no_code"
    REJECTED = "rejected"
    INFRA_ERROR = "infra_error"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Prompt:
    """What a backend is asked. Chat backends use ``messages``; completion backends ``text``."""

    messages: tuple[Message, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(m.content for m in self.messages)

    @property
    def sha256(self) -> str:
        return sha256_text(json.dumps([asdict(m) for m in self.messages], sort_keys=True))

    @classmethod
    def user(cls, content: str, system: str | None = None) -> Prompt:
        msgs = [Message("system", system)] if system else []
        msgs.append(Message("user", content))
        return cls(tuple(msgs))


@dataclass
class Problem:
    """One task of a suite. ``data`` holds suite-specific fields (spec, top module, paths...)."""

    suite: str
    id: str
    reference: str | None = None  # golden solution code, when the suite has one
    data: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None  # folder the problem came from, if any


@dataclass(frozen=True)
class GenerationSettings:
    temperature: float = 0.0
    max_tokens: int = 2048
    top_p: float | None = None
    seed: int = 0
    stop: tuple[str, ...] = ()


def utf8_safe(text: str) -> str:
    """``text`` with every code point UTF-8 cannot encode (lone surrogates) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # pairs rejoin
    except AttributeError:  # not a string: left for the schema check to name
        return text


@dataclass
class Completion:
    """A model's raw answer to one sample (one line of completions.jsonl)."""

    suite: str
    problem_id: str
    sample_idx: int
    completion: str
    prompt_sha256: str = ""
    usage: dict[str, int] = field(default_factory=dict)
    latency_s: float = 0.0
    error: str | None = None  # refused / empty response, recorded instead of crashing
    cache_key: str = ""
    round: int = 1  # repair round (``--rounds``): 1 is the one-shot answer
    feedback: str = ""  # what the model was told about its previous round's answer
    agent: dict[str, Any] = field(default_factory=dict)  # ``--agent``: turns, tool calls, transcript

    def key(self) -> tuple[str, str, int]:
        return (self.suite, self.problem_id, self.sample_idx)

    def __post_init__(self) -> None:
        # a lone surrogate (a model's ``\ud800`` escape) cannot be written as UTF-8: it would stop
        # the run when the journal line is written; it becomes U+FFFD, as any undecodable text
        self.completion = utf8_safe(self.completion)
        self.feedback = utf8_safe(self.feedback)

    def rkey(self) -> tuple[str, str, int, int]:
        """The journal key: one line per sample and round."""
        return (self.suite, self.problem_id, self.sample_idx, self.round)


@dataclass
class Candidate:
    """Code extracted from a completion, ready to execute."""

    code: str
    files: dict[str, str] = field(default_factory=dict)  # extra named files, if a family needs them
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        blob = self.code + "".join(f"\0{k}\0{v}" for k, v in sorted(self.files.items()))
        return sha256_text(blob)


@dataclass
class StageResult:
    """Outcome of one evaluation stage (syntax, function, perf, lint...)."""

    status: str  # a Status value, or "not_run" / "skipped" for optional stages
    reason: str = ""
    wall_s: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Verdict:
    """The harness's judgement of one candidate."""

    status: Status
    reason: str = ""
    stages: dict[str, StageResult] = field(default_factory=dict)
    wall_s: float = 0.0
    logs: dict[str, str] = field(default_factory=dict)  # capped tails
    metrics: dict[str, Any] = field(default_factory=dict)  # per-sample numbers (area, speedup...)
    rule: str | None = None  # for Status.REJECTED: the integrity rule broken

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = str(self.status)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Verdict:
        stages = {k: StageResult(**v) for k, v in (d.get("stages") or {}).items()}
        return cls(
            status=Status(d["status"]), reason=d.get("reason", ""), stages=stages,
            wall_s=d.get("wall_s", 0.0), logs=d.get("logs") or {}, metrics=d.get("metrics") or {},
            rule=d.get("rule"),
        )
