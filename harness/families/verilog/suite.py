"""A family base for Verilog suites whose problems are folders with a cocotb test module.

Folder layout (see benchmarks/verilog_core/problems/*): ``meta.toml`` (id, category,
difficulty, top, clock, reset), ``spec.md``, ``ref.v`` and ``tb.py``.

Shared testbench models: ``tb_models = ["rv32_iss"]`` in ``meta.toml`` names Python modules of
the suite's :attr:`CocotbVerilogSuite.tb_models_dir` (``<dir>/rv32_iss.py``). They are written
beside ``tb.py`` in the sandbox (``import rv32_iss`` works there), are trusted checker code the
candidate never sees (like ``tb.py``), and enter the problem's cache keys
(``data["shared_files"]``, :func:`harness.suite.problem_files_digest`).

Trusted wrappers: ``extra_sources = ["wrap.v"]`` and ``sim_top = "<module>"`` in ``meta.toml``
test the answer through a wrapper of the problem folder, e.g. one instantiating the answer's
module at several parameter values; every suite of this base handles them
(:func:`problem_wrapper`, :meth:`CocotbVerilogSuite.wrapped_evaluate`).
"""
from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from harness.errors import DataError
from harness.families.verilog.audit import VerilogAuditHooks
from harness.families.verilog.cocotb_eval import FALLBACKS, check_simulator, evaluate_cocotb, synthesis_code
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.isolation import modules_expected
from harness.families.verilog.mutate import mutant
from harness.families.verilog.netcheck import ReferenceBuilds, netlist_context
from harness.families.verilog.prompt import SYSTEM, fenced_answer, spec_prompt
from harness.families.verilog.synth import (
    VERILOG_OPTIONS,
    add_synthesis,
    simulator_of,
    verilog_requirements,
    verilog_suite_metrics,
    verilog_verdict_options,
)
from harness.families.verilog.wrapsynth import Wrapper
from harness.suite import EvalContext, Requirements, Suite, SuiteOptions
from harness.types import Candidate, Completion, Problem, Prompt, Status, Verdict

REQUIRED_FILES = ("meta.toml", "spec.md", "ref.v", "tb.py")
#: ``-S`` keys of the cocotb suites: the Verilog ones and ``fallback``
COCOTB_OPTIONS: dict[str, str] = {
    **VERILOG_OPTIONS,
    "fallback": "verilator|off: build and test with Verilator 5 an answer Icarus cannot compile "
                "(default verilator; only with the icarus simulator)",
}


def fallback_of(options: SuiteOptions) -> str:
    """``-S fallback=`` as it acts: verilator by default, off when Verilator is the simulator."""
    if simulator_of(options) != "icarus":
        return "off"
    return options.get("fallback") or FALLBACKS[0]


def load_problem_folder(suite: str, folder: Path, tb_models_dir: Path | None = None) -> Problem:
    """The problem of one folder; ``tb_models_dir``: where the modules its ``tb_models`` names live."""
    for name in REQUIRED_FILES:
        if not (folder / name).is_file():
            raise DataError(f"{folder}: missing {name}")
    try:
        meta = tomllib.loads((folder / "meta.toml").read_text())
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{folder / 'meta.toml'}: {exc}") from exc
    for key in ("id", "top"):
        if key not in meta:
            raise DataError(f"{folder / 'meta.toml'}: missing field {key!r}")
    data: dict[str, Any] = {"spec": (folder / "spec.md").read_text(), "tb": (folder / "tb.py").read_text(),
                            "top": meta["top"], "meta": meta}
    models = _tb_models(folder, meta.get("tb_models", []), tb_models_dir)
    if models:
        data["tb_models"] = {path.name: path.read_text() for path in models}
        data["shared_files"] = [os.path.relpath(path, folder) for path in models]
    return Problem(suite=suite, id=str(meta["id"]), reference=(folder / "ref.v").read_text(), path=folder, data=data)


def _tb_models(folder: Path, names: Any, models_dir: Path | None) -> list[Path]:
    """The files of the shared testbench models ``meta.toml`` names; DataError naming the fault."""
    where = f"{folder / 'meta.toml'}: tb_models"
    if not names:
        return []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise DataError(f"{where} must be a list of module names")
    if models_dir is None:
        raise DataError(f"{where}: this suite has no tb_models_dir")
    paths = []
    for name in names:
        if not re.fullmatch(r"[A-Za-z_]\w*", name) or name == "tb" or name in sys.stdlib_module_names:
            raise DataError(f"{where}: {name!r} is not a usable module name (an identifier, not tb or a "
                            "standard-library module)")
        path = models_dir / f"{name}.py"
        if not path.is_file():
            raise DataError(f"{where}: {name!r} has no file {path}")
        paths.append(path)
    return paths


def testbench_files(problem: Problem) -> dict[str, str]:
    """The shared model modules to write beside the problem's ``tb.py`` (file name -> text)."""
    return dict(problem.data.get("tb_models", {}))


def problem_wrapper(problem: Problem) -> Wrapper | None:
    """The problem's trusted wrapper (``extra_sources`` and ``sim_top`` in ``meta.toml``), or None.

    ``extra_sources`` are Verilog files of the problem folder (a wrapper instantiating the answer's
    module at several parameter values, or connecting the modules of a multi-module answer) and
    ``sim_top`` the module the simulation elaborates (default: ``top``). The candidate never sees
    them; they are compiled after it as trusted sources with the reference (so the wrapper drives
    the candidate's inputs one way only). Synthesis reads the answer inside the wrapper, so it is
    scored at the parameter sets the wrapper uses, and the tests re-run on yosys's netlist of the
    wrapper (:mod:`harness.families.verilog.wrapsynth`)."""
    meta = problem.data.get("meta") or {}
    names = [str(name) for name in meta.get("extra_sources", [])]
    if not names:
        return None
    assert problem.path is not None
    sources = {name: (problem.path / name).read_text() for name in names}
    top = str(problem.data["top"])
    return Wrapper(sources, str(meta.get("sim_top", top)), tuple(sorted({top} | modules_expected(sources.values()))))


class CocotbVerilogSuite(VerilogAuditHooks, Suite):
    """Problems are folders under :attr:`problems_dir`; evaluation is cocotb in the sandbox."""

    family: ClassVar[str] = "verilog"
    problems_dir: ClassVar[Path]
    #: the folder of the shared testbench modules that a problem's ``tb_models`` names
    tb_models_dir: ClassVar[Path | None] = None
    options_schema: ClassVar[dict[str, str]] = COCOTB_OPTIONS
    takes_data: ClassVar[str] = "none"  # problems are the folders under problems_dir

    def requirements(self) -> Requirements:
        req = verilog_requirements(self.options)
        if fallback_of(self.options) == "verilator":
            return Requirements(tools=(*req.tools, "verilator"), gpu=req.gpu)
        return req

    def verdict_options(self) -> dict[str, Any]:
        out = verilog_verdict_options(self.options, simulated=True)
        out["options"] = dict(sorted({**out["options"], "fallback": fallback_of(self.options)}.items()))
        return out

    def simulation(self) -> dict[str, Any]:
        """The ``evaluate_cocotb`` keywords the options set (simulator, fallback, lint); checks the tools."""
        simulator, fallback = simulator_of(self.options), fallback_of(self.options)
        check_simulator(simulator, fallback)
        return {"simulator": simulator, "fallback": fallback,
                "lint": (self.options.get("lint", "on") or "on") != "off"}

    def problems(self) -> Iterator[Problem]:
        folders = sorted(p for p in self.problems_dir.iterdir() if (p / "meta.toml").exists())
        for folder in folders:
            yield load_problem_folder(self.name, folder, self.tb_models_dir)

    def prompt(self, problem: Problem) -> Prompt:
        return Prompt.user(spec_prompt(problem.data["spec"]), system=SYSTEM)

    def extract(self, problem: Problem, completion: Completion) -> Candidate | None:
        return extract_verilog(completion.completion, problem.data["top"])

    def evaluate(self, problem: Problem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        wrapper = problem_wrapper(problem)
        if wrapper is not None:
            return self.wrapped_evaluate(problem, candidate, wrapper, ctx)
        verdict = evaluate_cocotb(candidate, top=problem.data["top"], tb_source=problem.data["tb"], ctx=ctx,
                                  extra_files=testbench_files(problem), **self.simulation())
        code = synthesis_code(candidate, problem.reference)
        return add_synthesis(verdict, code, problem.reference, problem.data["top"], ctx, self.options,
                             retest=lambda netlist: self.netlist_verdict(problem, netlist, ctx))

    def wrapped_evaluate(self, problem: Problem, candidate: Candidate, wrapper: Wrapper, ctx: EvalContext) -> Verdict:
        """:meth:`evaluate` of a problem with a trusted wrapper (see :func:`problem_wrapper`)."""
        top = str(problem.data["top"])
        # reference=: the wrapper's connections to the candidate's inputs are made one-way
        verdict = evaluate_cocotb(candidate, top=top, tb_source=problem.data["tb"], ctx=ctx,
                                  extra_sources=wrapper.sources, sim_top=wrapper.sim_top, reference=problem.reference,
                                  extra_files=testbench_files(problem), **self.simulation())
        return add_synthesis(verdict, synthesis_code(candidate, problem.reference), problem.reference, top, ctx,
                             self.options, wrapper=wrapper,
                             retest=lambda netlist: self.wrapped_netlist_verdict(problem, netlist, wrapper, ctx))

    def netlist_verdict(self, problem: Problem, netlist: str, ctx: EvalContext) -> Verdict:
        """The problem's tests on yosys's netlist of an answer (:mod:`harness.families.verilog.netcheck`);
        one they cannot build is not completing them where they build the reference's netlist."""
        top = problem.data["top"]
        return self.reference_builds.check(problem.id, netlist, problem.reference or "", top, ctx,
                                           lambda text: self.netlist_run(problem, text, top, ctx))

    def wrapped_netlist_verdict(self, problem: Problem, netlist: str, wrapper: Wrapper, ctx: EvalContext) -> Verdict:
        """The problem's tests on yosys's netlist of the wrapper with the answer in it: the wrapper's
        module is the design, each parameter set of the answer one netlist module
        (:mod:`harness.families.verilog.wrapsynth`); as :meth:`netlist_verdict` for a build failure."""
        top, sim_top = str(problem.data["top"]), wrapper.sim_top
        return self.reference_builds.check(problem.id, netlist, problem.reference or "", top, ctx,
                                           lambda text: self.netlist_run(problem, text, sim_top, ctx), wrapper)

    def netlist_run(self, problem: Problem, netlist: str, top: str, ctx: EvalContext) -> Verdict:
        """The problem's tests on a netlist whose top module is ``top``."""
        candidate = extract_verilog(fenced_answer(netlist), top)
        if candidate is None:
            return Verdict(Status.NO_CODE, reason="no module in the netlist")
        return evaluate_cocotb(candidate, top=top, tb_source=problem.data["tb"], ctx=netlist_context(ctx),
                               extra_files=testbench_files(problem), **self.simulation())

    @property
    def reference_builds(self) -> ReferenceBuilds:
        """Whether the tests build each reference's netlist (one memo per suite object)."""
        memo = self.__dict__.get("_reference_builds")
        if memo is None:
            memo = self.__dict__.setdefault("_reference_builds", ReferenceBuilds())
        return memo

    def suite_metrics(self, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return verilog_suite_metrics(records, seed=self.options.seed)

    def reference_response(self, problem: Problem) -> str:
        assert problem.reference is not None
        return fenced_answer(problem.reference)

    def mutant_response(self, problem: Problem, sample_idx: int) -> str:
        assert problem.reference is not None
        mut = mutant(problem.reference, f"{self.name}/{problem.id}", sample_idx)
        code = mut.apply(problem.reference) if mut else problem.reference
        return fenced_answer(code)
