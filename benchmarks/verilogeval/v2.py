"""VerilogEval v2 (NVlabs/verilog-eval, main): spec-to-rtl and code-complete-iccad2023.

A checkout holds ``dataset_<task>/problems.txt`` (the problem names; anything else in the
folder is ignored) and per problem ``<name>_prompt.txt``, ``<name>_ref.sv`` (``RefModule``) and
``<name>_test.sv`` (testbench ``tb`` instantiating ``RefModule`` and ``TopModule``, ending with
``$display("Mismatches: %1d in %1d samples", ...)``); code-complete adds ``<name>_ifc.txt``.
Prompts follow ``scripts/sv-generate``; in-context examples come from the checkout's
``scripts/verilog-example-prefix_<task>_<N>-shot.txt``. The testbench is compiled the way the
original Makefile does: ``iverilog -Wall -Winfloop -Wno-timescale -g2012 -s tb`` with the
candidate first, then the test, then the reference.
"""
from __future__ import annotations

import re
from pathlib import Path

from harness.errors import DataError, UsageError
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.isolation import interface_names
from harness.families.verilog.loaders import Defect, defect_problem, read_text, rename_module
from harness.families.verilog.ports import port_directions
from harness.families.verilog.tbeval import Testbench, verdict_prints
from harness.types import Candidate, Problem, Prompt

TOP = "TopModule"
TASKS = {"spec": "spec-to-rtl", "complete": "code-complete-iccad2023"}
SYSTEM = {
    "spec-to-rtl": "\nYou are a Verilog RTL designer that only writes code using correct Verilog syntax.\n",
    "code-complete-iccad2023": "\nYou only complete chats with syntax correct Verilog code. End the Verilog module "
                               "code completion with 'endmodule'. Do not include module, input and output "
                               "definitions.\n",
}
COMPLETE_PREFIX = ("\n// Implement the Verilog module based on the following description. Assume that signals "
                   "are positive clock/clk triggered unless otherwise stated.\n")
NO_EXPLAIN = ("\nEnclose your code with [BEGIN] and [DONE]. Only output the code snippet\n"
              "and do NOT output anything else.\n")
_BEGIN_DONE = re.compile(r"\[BEGIN\](.*?)(?:\[DONE\]|\Z)", re.DOTALL)
_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)


def dataset_dir(root: Path, task: str) -> Path:
    """The ``dataset_<task>`` folder of a checkout (or the folder itself when given directly)."""
    for cand in (root / f"dataset_{task}", root):
        if (cand / "problems.txt").is_file():
            return cand
    raise DataError(f"--data {root}: not a VerilogEval v2 checkout: no dataset_{task}/problems.txt "
                    f"(pass the root of a clone of NVlabs/verilog-eval)")


def problem_names(folder: Path) -> list[str]:
    path = folder / "problems.txt"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DataError(f"{path}: unreadable: {exc.strerror or exc}") from exc
    names = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if not names:
        raise DataError(f"{path}: lists no problems")
    bad = [n for n in names if "/" in n or n.startswith(".")]
    if bad:
        raise DataError(f"{path}: not a problem name: {bad[0]!r}")
    return list(dict.fromkeys(names))


def load_problem(suite: str, folder: Path, name: str, task: str) -> Problem:
    """One problem; a missing or unusable file gives a defect problem naming it."""
    try:
        prompt = read_text(folder / f"{name}_prompt.txt")
        ref_src = read_text(folder / f"{name}_ref.sv")
        test = read_text(folder / f"{name}_test.sv")
        ifc = read_text(folder / f"{name}_ifc.txt") if task == TASKS["complete"] else ""
        try:
            reference = rename_module(ref_src, "RefModule", TOP)
        except Defect as exc:
            raise Defect(f"{folder / f'{name}_ref.sv'}: {exc}") from None
        try:
            verdict_prints(test, "mismatches")
        except ValueError as exc:
            raise Defect(f"{folder / f'{name}_test.sv'}: {exc}") from None
    except Defect as exc:
        return defect_problem(suite, name, str(exc), folder, TOP)
    test_file, ref_file = f"{name}_test.sv", f"{name}_ref.sv"
    tb = Testbench(files={test_file: test, ref_file: ref_src}, before=(), after=(test_file, ref_file), root="tb",
                   verdict="mismatches", tb_file=test_file, sources=(test_file, ref_file),
                   keep=tuple(sorted(interface_names(reference, TOP))),
                   top=TOP, ports=tuple(port_directions(reference, TOP)), mirrors=("RefModule",))
    data = {"top": TOP, "task": task, "prompt": prompt, "tb": tb.to_data()}
    if ifc:
        data["ifc"] = ifc
    return Problem(suite=suite, id=name, reference=reference, data=data, path=folder)


def load(suite: str, root: Path, task: str) -> list[Problem]:
    folder = dataset_dir(root, task)
    return [load_problem(suite, folder, name, task) for name in problem_names(folder)]


def examples_prefix(root: Path, task: str, shots: int) -> str:
    """The checkout's in-context examples for ``shots`` (0 means none)."""
    if shots == 0:
        return ""
    if not 1 <= shots <= 4:
        raise UsageError(f"--shots {shots}: VerilogEval has 0 to 4 in-context examples")
    folder = dataset_dir(root, task)
    for scripts in (folder.parent / "scripts", root / "scripts"):
        path = scripts / f"verilog-example-prefix_{task}_{shots}-shot.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    raise UsageError(f"--shots {shots}: {folder.parent / 'scripts'}/verilog-example-prefix_{task}_{shots}-shot.txt "
                     "not found (it comes with a VerilogEval checkout)")


def build_prompt(problem: Problem, prefix: str) -> Prompt:
    """The prompt ``scripts/sv-generate`` sends (no rules, no explanation)."""
    task, text = problem.data["task"], problem.data["prompt"]
    full = prefix
    if task == TASKS["complete"]:
        lines, commented = [], True
        for line in text.splitlines():
            if "module TopModule" in line:
                lines.append("")
                commented = False
            lines.append("// " + line if commented else line)
        full += COMPLETE_PREFIX + "\n".join(lines)
    else:
        full += "\nQuestion:\n" + text.strip() + "\n"
        full = full.rstrip() + "\n" + NO_EXPLAIN + "\nAnswer:\n"
    return Prompt.user(full, system=SYSTEM[task])


def extract(problem: Problem, text: str) -> Candidate | None:
    """VerilogEval's extraction: [BEGIN]..[DONE] or a code block; completions get the interface."""
    m = _BEGIN_DONE.search(text)
    if m and problem.data["task"] == TASKS["spec"]:
        text = m.group(1)
    cand = extract_verilog(text, TOP)
    if cand is not None and cand.meta.get("top_found"):
        return cand
    ifc = problem.data.get("ifc")
    if not ifc:
        return cand
    fence = _FENCE.search(text)
    body = fence.group(1) if fence else text
    return extract_verilog(ifc.rstrip() + "\n" + body, TOP) or cand
