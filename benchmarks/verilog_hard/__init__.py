"""``verilog-hard``: block-level RTL problems from complete written specifications.

Each problem is a folder under ``problems/`` in the verilog-core layout (meta.toml, spec.md,
ref.v, tb.py) with these additions in ``meta.toml``:

- ``kind``: ``spec`` (write the design), ``complete`` (fill the holes of a partial design),
  ``modify`` (change an existing design to a change request) or ``debug`` (fix a buggy design
  given its failing log). The kind picks the framing of the prompt; spec.md holds everything
  else the model sees.
- ``hard``: one line saying what makes the problem hard (listed in the suite README).
- ``extra_sources`` and ``sim_top`` (optional): trusted Verilog files of the problem folder
  (wrappers that instantiate the candidate at several parameter values, or connect the
  modules of a multi-module answer) and the module the simulation elaborates. They are passed
  to the family evaluator as trusted ``extra_sources`` with the reference (so the wrapper drives
  the candidate's inputs one way only); the candidate never sees them. Synthesis reads the text
  that was compiled, inside the wrapper: the answer is scored at the parameter sets the wrapper
  uses, and the tests re-run on yosys's netlist of the wrapper
  (:mod:`harness.families.verilog.wrapsynth`).

The testbenches use the shared cocotb library :mod:`harness.tbkit`. Reference models that
several problems need (the binary32 rounding model, the RV32IM ISS, the DEFLATE stream bench) are
modules of ``tb_models/``, named by ``tb_models`` in ``meta.toml`` and imported by ``tb.py``
(see :mod:`harness.families.verilog.suite`); a problem never pastes another's model.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from harness.api import EvalContext, Problem, Prompt, Verdict
from harness.families.verilog.cocotb_eval import evaluate_cocotb, synthesis_code
from harness.families.verilog.isolation import modules_expected
from harness.families.verilog.prompt import NO_TESTBENCH_RULE, SYSTEM
from harness.families.verilog.suite import (
    REQUIRED_FILES,
    CocotbVerilogSuite,
    load_problem_folder,
    testbench_files,
)
from harness.families.verilog.synth import add_synthesis
from harness.families.verilog.wrapsynth import Wrapper
from harness.types import Candidate

log = logging.getLogger(__name__)

KINDS = ("spec", "complete", "modify", "debug")

_TASK = {
    "spec": "Implement the following hardware design in Verilog.",
    "complete": "Complete the partially written Verilog design below: fill in every part marked as missing "
                "so that the whole design meets its specification.",
    "modify": "Modify the existing Verilog design below as the change request asks. Keep every behaviour "
              "the change request does not mention.",
    "debug": "The Verilog design below does not meet its specification: the failing log from its "
             "testbench is shown. Find and fix every bug.",
}

_RULES = f"""Rules:
- Use exactly the module names, parameters and port lists given in the interface.
{NO_TESTBENCH_RULE}
- Answer with the complete design (every module it needs) in one ```verilog code block."""


class VerilogHardSuite(CocotbVerilogSuite):
    name = "verilog-hard"
    version = "1"
    description = "Block-level RTL from full specifications: spec, complete, modify and debug tasks, cocotb-checked"
    problems_dir = Path(__file__).parent / "problems"
    tb_models_dir = Path(__file__).parent / "tb_models"

    def problems(self) -> Iterator[Problem]:
        """Every folder with all of its files; a folder still being written (some file
        missing) is skipped with a warning, so work in progress never breaks the suite."""
        for folder in sorted(p for p in self.problems_dir.iterdir() if (p / "meta.toml").exists()):
            missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
            if missing:
                log.warning("verilog-hard: skipping %s (missing %s)", folder.name, ", ".join(missing))
                continue
            yield load_problem_folder(self.name, folder, self.tb_models_dir)

    def prompt(self, problem: Problem) -> Prompt:
        kind = str(problem.data["meta"].get("kind", "spec"))
        task = _TASK.get(kind, _TASK["spec"])
        return Prompt.user(f"{task}\n\n{problem.data['spec'].strip()}\n\n{_RULES}\n", system=SYSTEM)

    def evaluate(self, problem: Problem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        meta = problem.data["meta"]
        extra = [str(name) for name in meta.get("extra_sources", [])]
        if not extra:
            return super().evaluate(problem, candidate, ctx)
        assert problem.path is not None
        sources = {name: (problem.path / name).read_text() for name in extra}
        top, sim_top = str(problem.data["top"]), str(meta.get("sim_top", problem.data["top"]))
        # reference=: the wrapper's connections to the candidate's inputs are made one-way
        verdict = evaluate_cocotb(candidate, top=top, tb_source=problem.data["tb"], ctx=ctx, extra_sources=sources,
                                  sim_top=sim_top, reference=problem.reference, extra_files=testbench_files(problem),
                                  **self.simulation())
        wrapper = Wrapper(sources, sim_top, tuple(sorted({top} | modules_expected(sources.values()))))
        return add_synthesis(verdict, synthesis_code(candidate, problem.reference), problem.reference, top, ctx,
                             self.options, wrapper=wrapper,
                             retest=lambda netlist: self.wrapped_netlist_verdict(problem, netlist, wrapper, ctx))

    def wrapped_netlist_verdict(self, problem: Problem, netlist: str, wrapper: Wrapper, ctx: EvalContext) -> Verdict:
        """The problem's tests on yosys's netlist of the wrapper with the answer in it: the wrapper's
        module is the design, each parameter set of the answer one netlist module
        (:mod:`harness.families.verilog.wrapsynth`); as :meth:`netlist_verdict` for a build failure."""
        top, sim_top = str(problem.data["top"]), wrapper.sim_top
        return self.reference_builds.check(problem.id, netlist, problem.reference or "", top, ctx,
                                           lambda text: self.netlist_run(problem, text, sim_top, ctx), wrapper)
