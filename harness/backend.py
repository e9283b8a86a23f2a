"""The Backend interface: turn prompts into completions.

Backends never build prompts themselves (prompts live with the suites) and never branch on
model names.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness.errors import BackendError, UsageError
from harness.types import Completion, GenerationSettings, Problem, Prompt

if TYPE_CHECKING:
    from harness.suite import Suite


@dataclass
class GenerationRequest:
    """Samples ``sample_indices`` of one problem."""

    suite: Suite
    problem: Problem
    prompt: Prompt
    sample_indices: list[int]
    settings: GenerationSettings = field(default_factory=GenerationSettings)
    round: int = 1  # repair round (``--rounds``); the prompt then holds the earlier rounds
    feedback: str = ""  # the feedback that ends the prompt of a repair round


@dataclass(frozen=True)
class BackendOptions:
    base_url: str | None = None
    api_key_env: str | None = None
    max_connections: int = 8
    timeout_s: float = 120.0
    max_retries: int = 5
    extra: dict[str, Any] = field(default_factory=dict)  # ``-B key=value`` pairs
    generation_cache: bool = True  # may the generation loop reuse/stash this backend's samples

    def check_extra(self, backend: str, known: dict[str, str]) -> None:
        """Refuse ``-B`` keys this backend does not know, naming the ones it does."""
        unknown = sorted(set(self.extra) - set(known))
        if unknown:
            listing = "; ".join(f"{k}: {v}" for k, v in sorted(known.items())) or "none"
            raise UsageError(f"-B {', '.join(unknown)}: not an option of the {backend} backend "
                             f"(known: {listing})")

    def get(self, key: str, default: Any, cast: Any = str) -> Any:
        """``-B key=value`` converted with ``cast`` (``bool`` accepts on/off/true/false/1/0)."""
        if key not in self.extra:
            return default
        raw = self.extra[key]
        try:
            if cast is bool:
                if str(raw).lower() not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
                    raise ValueError(raw)
                return str(raw).lower() in ("on", "true", "1", "yes")
            return cast(raw)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"-B {key}={raw}: expected {getattr(cast, '__name__', cast)}") from exc


@dataclass(frozen=True)
class ToolSpec:
    """A tool offered to a model (``--agent``): ``parameters`` is a JSON Schema object."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]
    error: str = ""  # the arguments were not a JSON object: the tool answers with this


@dataclass
class ChatReply:
    """One model turn of a tool-using conversation."""

    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    stop: str = ""
    latency_s: float = 0.0


#: a conversation in the backend-neutral form: {"role": "system"|"user", "content"},
#: {"role": "assistant", "content", "tool_calls": [ToolCall]}, {"role": "tool", "tool_call_id",
#: "name", "content"}; each tool-calling backend converts it to its protocol
Conversation = list[dict[str, Any]]


class PartialGenerationError(BackendError):
    """A backend failed after some samples of a request had arrived: the generation loop
    journals ``completions`` before stopping, so nothing received is lost."""

    def __init__(self, message: str, completions: list[Completion]) -> None:
        super().__init__(message)
        self.completions = completions


class Backend(ABC):
    """A model. ``model`` is the part after ``NAME:`` in ``--model NAME:MODEL``."""

    name: str = "backend"
    #: how many requests the orchestrator may have in flight at once
    concurrency: int = 1
    #: model backends set this: their samples go through the persistent generation cache
    cacheable: bool = False

    def __init__(self, model: str | None = None, options: BackendOptions | None = None) -> None:
        self.model = model
        self.options = options or BackendOptions()

    @abstractmethod
    def generate(self, request: GenerationRequest) -> list[Completion]:
        """One Completion per requested sample index (in order)."""

    def identity(self) -> dict[str, Any]:
        """What identifies this backend's outputs, for the generation cache key and config.json.
        Never includes secrets."""
        return {"backend": self.name, "model": self.model}

    def check_requests(self, keys: Sequence[tuple[str, str, int]]) -> None:
        """Raise UsageError when some of these (suite, problem_id, sample_idx) samples cannot be
        produced at all, before any is asked (a replay file that lacks lines)."""

    def chat(self, messages: Conversation, tools: Sequence[ToolSpec], settings: GenerationSettings) -> ChatReply:
        """One turn of a tool-using conversation (``--agent``); backends with a tool-calling API
        override it (``openai``, ``anthropic``)."""
        raise UsageError(f"--agent: the {self.name} backend has no tool-calling API (use openai:MODEL or "
                         "anthropic:MODEL)")

    def close(self) -> None:
        """Release connections, engines..."""
