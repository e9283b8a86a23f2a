"""VerilogEval suites, loaded from the user's checkout or Hugging Face (nothing is bundled).

- ``verilogeval-v2-spec`` / ``verilogeval-v2-complete``: VerilogEval v2 (``--data CHECKOUT``),
  spec-to-rtl and code-complete-iccad2023; ``--shots 0..4`` in-context examples.
- ``verilogeval-v1-human`` / ``verilogeval-v1-machine``: VerilogEval v1 JSONL (``--data`` a
  checkout of branch release/1.0.0, the JSONL file, or ``hf://OWNER/NAME``).

Checking: the problem's own testbench under Icarus with a nonce-tagged verdict line
(:mod:`harness.families.verilog.tbeval`), then yosys synthesis scores for passing answers.
"""
from __future__ import annotations

from pathlib import Path

from benchmarks.verilogeval import v1, v2
from harness.families.verilog.loaders import TestbenchVerilogSuite, data_root
from harness.types import Candidate, Problem, Prompt


class _V2Suite(TestbenchVerilogSuite):
    task: str = ""
    version = "2"
    takes_data = "required"
    options_schema = {**TestbenchVerilogSuite.options_schema,
                      "shots": "0..4: in-context examples before the problem (default 0; also --shots)"}

    def _root(self) -> Path:
        return data_root(self.name, self.options.data,
                         "the root of a clone of NVlabs/verilog-eval (with dataset_spec-to-rtl/ and "
                         "dataset_code-complete-iccad2023/)")

    def load(self) -> list[Problem]:
        problems = v2.load(self.name, self._root(), self.task)
        self._prefix = v2.examples_prefix(self._root(), self.task, int(self.options.get("shots") or 0))
        return problems

    def prompt(self, problem: Problem) -> Prompt:
        if self._problems is None:
            list(self.problems())
        if problem.data.get("defect"):
            return Prompt.user(f"(unusable problem: {problem.data['defect']})")
        return v2.build_prompt(problem, self._prefix)

    def extract_code(self, problem: Problem, text: str) -> Candidate | None:
        return v2.extract(problem, text)


class VerilogEvalV2SpecSuite(_V2Suite):
    name = "verilogeval-v2-spec"
    task = v2.TASKS["spec"]
    description = "VerilogEval v2 spec-to-rtl (156 HDLBits problems; --data a verilog-eval checkout)"


class VerilogEvalV2CompleteSuite(_V2Suite):
    name = "verilogeval-v2-complete"
    task = v2.TASKS["complete"]
    description = "VerilogEval v2 code-complete-iccad2023 (--data a verilog-eval checkout)"


class _V1Suite(TestbenchVerilogSuite):
    kind: str = ""
    version = "1"
    takes_data = "required"
    options_schema = {**TestbenchVerilogSuite.options_schema,
                      "descriptions": "a JSONL file of descriptions replacing the dataset's",
                      "split": "the Hugging Face split to load"}
    path_options = frozenset({"verdict_cache", "descriptions"})

    def load(self) -> list[Problem]:
        return v1.load(self.name, self.kind, self.options)

    def prompt(self, problem: Problem) -> Prompt:
        if problem.data.get("defect"):
            return Prompt.user(f"(unusable problem: {problem.data['defect']})")
        return v1.build_prompt(problem)

    def extract_code(self, problem: Problem, text: str) -> Candidate | None:
        return v1.extract(problem, text)


class VerilogEvalV1HumanSuite(_V1Suite):
    name = "verilogeval-v1-human"
    kind = "Human"
    description = "VerilogEval v1 with human-written descriptions (--data checkout, JSONL or hf://)"


class VerilogEvalV1MachineSuite(_V1Suite):
    name = "verilogeval-v1-machine"
    kind = "Machine"
    description = "VerilogEval v1 with machine-generated descriptions (--data checkout, JSONL or hf://)"
