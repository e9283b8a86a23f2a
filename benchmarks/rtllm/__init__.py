"""``rtllm``: RTLLM (v2.0 nested or v1.1 flat), loaded from the user's checkout (``--data``).

Each design's own testbench runs under Icarus; only its ``Your Design Passed`` line, tagged
with a per-run nonce, counts as a pass. Passing answers are then synthesised with yosys.
"""
from __future__ import annotations

from benchmarks.rtllm import loader
from harness.families.verilog.loaders import TestbenchVerilogSuite, data_root
from harness.types import Problem, Prompt


class RtllmSuite(TestbenchVerilogSuite):
    name = "rtllm"
    version = "2"
    description = "RTLLM v2.0/v1.1 designs with their own testbenches (--data an RTLLM checkout)"
    takes_data = "required"

    def load(self) -> list[Problem]:
        root = data_root(self.name, self.options.data,
                         "the root of a clone of hkust-zhiyao/RTLLM (v2.0 nested or v1.1 flat)")
        return loader.load(self.name, root)

    def prompt(self, problem: Problem) -> Prompt:
        if problem.data.get("defect"):
            return Prompt.user(f"(unusable problem: {problem.data['defect']})")
        return Prompt.user(loader.prompt_text(problem))
