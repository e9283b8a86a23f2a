"""``verilog-hard``: block-level RTL problems from complete written specifications.

Each problem is a folder under ``problems/`` in the verilog-core layout (meta.toml, spec.md,
ref.v, tb.py) with these additions in ``meta.toml``:

- ``kind``: ``spec`` (write the design), ``complete`` (fill the holes of a partial design),
  ``modify`` (change an existing design to a change request) or ``debug`` (fix a buggy design
  given its failing log). The kind picks the framing of the prompt; spec.md holds everything
  else the model sees.
- ``hard``: one line saying what makes the problem hard (listed in the suite README).
- ``extra_sources`` and ``sim_top`` (optional): a trusted wrapper (instantiating the candidate
  at several parameter values, or connecting the modules of a multi-module answer) and the module
  the simulation elaborates; handled by the family base for every cocotb Verilog suite
  (:func:`harness.families.verilog.suite.problem_wrapper`).

The testbenches use the shared cocotb library :mod:`harness.tbkit`. Reference models that
several problems need (the binary32 rounding model, the RV32IM ISS, the DEFLATE stream bench) are
modules of ``tb_models/``, named by ``tb_models`` in ``meta.toml`` and imported by ``tb.py``
(see :mod:`harness.families.verilog.suite`); a problem never pastes another's model.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from harness.api import Problem, Prompt
from harness.families.verilog.prompt import NO_TESTBENCH_RULE, SYSTEM
from harness.families.verilog.suite import REQUIRED_FILES, CocotbVerilogSuite, load_problem_folder

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
    version = "3"
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
