"""A verilog-core/verilog-hard testbench run on a design by cocotb's own runner (Icarus) with a
chosen ``HWEVAL_TB_SEED``, outside the harness: for tests about the testbenches themselves (the
harness draws a fresh seed per evaluation and cannot be given one). A small trusted module beside
the design writes every change of the top's inputs with its time , so a run also records the
stimulus it was given."""
from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from harness.families.verilog.ports import port_directions
from harness.types import Problem

TRACE = ('module hweval_stim_trace;\n  integer f;\n  initial f = $fopen("{path}", "w");\n'
         '  always @({events}) $fwrite(f, "%0t{fmt}\\n", $realtime{args});\nendmodule\n')


@dataclass
class Run:
    passed: bool  # every cocotb test of the testbench passed
    trace: str  # one line per change of the inputs: the time, then every input's value


def run(problem: Problem, design: str, work: Path, seed: int) -> Run:
    """Build ``design`` with the trace module in ``work`` and run the problem's tb.py with ``seed``."""
    from cocotb_tools.runner import get_runner

    work.mkdir(parents=True, exist_ok=True)
    top, path = problem.data["top"], work / f"stim_{seed}.txt"
    assert problem.reference is not None, f"{problem.id}: no reference"
    inputs = [name for name, direction in port_directions(problem.reference, top) if direction == "input"]
    assert inputs, f"{problem.id}: no input ports found in the reference"
    (work / "design.v").write_text(design)
    (work / "trace.v").write_text(TRACE.format(path=path, fmt=" %h" * len(inputs),
                                               events=" or ".join(f"{top}.{name}" for name in inputs),
                                               args="".join(f", {top}.{name}" for name in inputs)))
    (work / "tb.py").write_text(problem.data["tb"])
    for name, text in problem.data.get("tb_models", {}).items():
        (work / name).write_text(text)
    runner = get_runner("icarus")
    build = work / f"build_{seed}"
    runner.build(sources=[work / "design.v", work / "trace.v"], hdl_toplevel=top, build_dir=build,
                 build_args=["-s", "hweval_stim_trace"], timescale=("1ns", "1ps"), log_file=work / "build.log")
    xml = work / f"results_{seed}.xml"
    try:
        runner.test(hdl_toplevel=top, test_module="tb", test_dir=work, build_dir=build, results_xml=str(xml),
                    log_file=work / f"sim_{seed}.log",
                    extra_env={"HWEVAL_TB_SEED": str(seed), "COCOTB_LOG_LEVEL": "WARNING"})
    except SystemExit:  # the runner exits when a test failed; the results file says which
        pass
    cases = list(ET.parse(xml).getroot().iter("testcase"))
    passed = bool(cases) and not any(c.find("failure") is not None or c.find("error") is not None for c in cases)
    shutil.rmtree(build, ignore_errors=True)
    return Run(passed=passed, trace=path.read_text())
