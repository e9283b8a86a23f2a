"""``rtllm``: RTLLM (v2.0 nested or v1.1 flat), loaded from the user's checkout (``--data``).

Each design's own testbench runs under Icarus; only its ``Your Design Passed`` line, tagged
with a per-run nonce, counts as a pass. Passing answers are then synthesised with yosys.

Stimulus: each problem's testbench is tried once with its unseeded random calls reseeded
(:mod:`harness.families.verilog.stimulus`): where the verified reference passes under two fresh
seeds, every evaluation draws a fresh seed (``stages.function.data.tb_seed``); otherwise the
published stimulus stays. Each verdict says which (``metrics["stimulus"]``, and the decision's
reason in ``stages.function.data.stimulus``); results.json lists the problems of each kind
(``metrics["stimulus"]``). The same trial decides whether the testbench's ``==``/``!=`` become
``===``/``!==`` (``metrics["compare"]``: ``strict`` or ``published``), so X or Z outputs cannot
slip through an ``if (out != expected)``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from benchmarks.rtllm import loader
from harness.families.verilog.loaders import TestbenchVerilogSuite, data_root
from harness.families.verilog.stimulus import ReseedTrials, stimulus_metrics, strict_testbench
from harness.families.verilog.tbeval import Testbench
from harness.suite import EvalContext
from harness.types import Candidate, Problem, Prompt, Verdict


class RtllmSuite(TestbenchVerilogSuite):
    name = "rtllm"
    version = "2"
    description = "RTLLM v2.0/v1.1 designs with their own testbenches (--data an RTLLM checkout)"
    takes_data = "required"

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self._trials = ReseedTrials()

    def load(self) -> list[Problem]:
        root = data_root(self.name, self.options.data,
                         "the root of a clone of hkust-zhiyao/RTLLM (v2.0 nested or v1.1 flat)")
        return loader.load(self.name, root)

    def prompt(self, problem: Problem) -> Prompt:
        if problem.data.get("defect"):
            return Prompt.user(f"(unusable problem: {problem.data['defect']})")
        return Prompt.user(loader.prompt_text(problem))

    def evaluate(self, problem: Problem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        if problem.data.get("defect"):
            return super().evaluate(problem, candidate, ctx)
        decision = self._trials.decide(problem, ctx)
        tb = Testbench.from_data(problem.data["tb"])
        tb = strict_testbench(tb)[0] if decision.strict else tb
        run = replace(problem, data={**problem.data, "tb": replace(tb, reseed=decision.reseeded).to_data()})
        verdict = super().evaluate(run, candidate, ctx)
        verdict.metrics["stimulus"] = decision.stimulus
        verdict.metrics["compare"] = "strict" if decision.strict else "published"
        function = verdict.stages.get("function")
        if function is not None:
            function.data["stimulus"] = decision.reason
            function.data["compare"] = decision.strict_reason
        return verdict

    def suite_metrics(self, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return {**super().suite_metrics(records), "stimulus": stimulus_metrics(list(records))}
