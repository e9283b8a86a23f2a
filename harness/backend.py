"""The Backend interface: turn prompts into completions.

Backends never build prompts themselves (prompts live with the suites) and never branch on
model names.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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


@dataclass(frozen=True)
class BackendOptions:
    base_url: str | None = None
    api_key_env: str | None = None
    max_connections: int = 8
    timeout_s: float = 120.0
    max_retries: int = 5
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(ABC):
    """A model. ``model`` is the part after ``NAME:`` in ``--model NAME:MODEL``."""

    name: str = "backend"
    #: how many requests the orchestrator may have in flight at once
    concurrency: int = 1

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

    def close(self) -> None:
        """Release connections, engines..."""
