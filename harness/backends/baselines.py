"""Baseline backends that need no model: ``reference`` and ``mutant``.

``reference`` answers each problem with its golden solution, written as a model would (prose
around a fenced block); ``mutant`` answers with the golden solution carrying one seeded,
deterministic bug per sample (a noise-floor baseline). Both ask the suite, since what a
solution and a bug look like is the family's business.
"""
from __future__ import annotations

from harness.backend import Backend, GenerationRequest
from harness.types import Completion


class ReferenceBackend(Backend):
    name = "reference"
    concurrency = 4

    def generate(self, request: GenerationRequest) -> list[Completion]:
        text = request.suite.reference_response(request.problem)
        return [Completion(request.suite.name, request.problem.id, i, text, request.prompt.sha256)
                for i in request.sample_indices]


class MutantBackend(Backend):
    name = "mutant"
    concurrency = 4

    def generate(self, request: GenerationRequest) -> list[Completion]:
        return [Completion(request.suite.name, request.problem.id, i,
                           request.suite.mutant_response(request.problem, i), request.prompt.sha256)
                for i in request.sample_indices]
