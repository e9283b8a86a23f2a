"""VerilogEval v1 (NVlabs/verilog-eval, release/1.0.0): HumanEval-style JSONL.

``data/VerilogEval_{Human,Machine}.jsonl`` rows hold ``task_id``, ``prompt`` (the
``top_module`` header), ``canonical_solution`` (the body) and ``test`` (``reference_module``,
``stimulus_gen`` and ``tb``); the descriptions are in a sibling JSONL,
``descriptions/VerilogDescription_{Human,Machine}.jsonl`` (``task_id``, ``detail_description``).
``--data`` takes the checkout, the JSONL file, or ``hf://OWNER/NAME`` (descriptions then come
from the rows, or from ``-S descriptions=FILE``). As in v1's ``execution.py`` the test comes
first, then the header and the completion, compiled with ``-s tb``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import DataError
from harness.families.verilog.extract import extract_verilog
from harness.families.verilog.isolation import interface_names
from harness.families.verilog.loaders import Defect, data_root, defect_problem, hf_rows, read_jsonl
from harness.families.verilog.ports import port_directions
from harness.families.verilog.tbeval import Testbench, verdict_prints
from harness.suite import SuiteOptions
from harness.types import Candidate, Problem, Prompt

TOP = "top_module"
FIELDS = ("task_id", "prompt", "canonical_solution", "test")
DESCRIPTION_KEYS = ("detail_description", "description")
SYSTEM = ("You only complete chats with syntax correct Verilog code. End the Verilog module code completion "
          "with 'endmodule'. Do not include module, input and output definitions.")
PREFIX = ("// Implement the Verilog module based on the following description. Assume that signals are "
          "positive clock/clk triggered unless otherwise stated.\n")
WHAT = "a clone of NVlabs/verilog-eval (branch release/1.0.0), its VerilogEval_{kind}.jsonl, or hf://OWNER/NAME"


def problem_file(root: Path, kind: str) -> Path:
    if root.is_file():
        return root
    for cand in (root / "data" / f"VerilogEval_{kind}.jsonl", root / f"VerilogEval_{kind}.jsonl"):
        if cand.is_file():
            return cand
    raise DataError(f"--data {root}: no data/VerilogEval_{kind}.jsonl in the folder")


def description_file(problems: Path, kind: str, override: str | None) -> Path | None:
    if override:
        path = Path(override).expanduser()
        if not path.is_file():
            raise DataError(f"-S descriptions={override}: no such file")
        return path
    name = f"VerilogDescription_{kind}.jsonl"
    for cand in (problems.parent / name, problems.parent.parent / "descriptions" / name,
                 problems.parent / "descriptions" / name):
        if cand.is_file():
            return cand
    return None


def descriptions_from(path: Path) -> dict[str, str]:
    out = {}
    for row in read_jsonl(path, ("task_id",)):
        text = next((row[k] for k in DESCRIPTION_KEYS if isinstance(row.get(k), str)), None)
        if text is not None:
            out[row["task_id"]] = text
    return out


def load(suite: str, kind: str, options: SuiteOptions) -> list[Problem]:
    data = options.data
    descriptions: dict[str, str] = {}
    override = options.get("descriptions")
    if data and data.startswith("hf://"):
        rows, label = hf_rows(data, options.get("split"), (kind.lower(),))
        for i, row in enumerate(rows):
            missing = [k for k in FIELDS if not isinstance(row.get(k), str)]
            if missing:
                raise DataError(f"{label} row {i}: missing field(s) {', '.join(missing)}")
        desc_path = description_file(Path(), kind, override) if override else None
        if desc_path is not None:
            descriptions = descriptions_from(desc_path)
    else:
        path = problem_file(data_root(suite, data, WHAT.format(kind=kind)), kind)
        rows, label = read_jsonl(path, FIELDS), str(path)
        desc_path = description_file(path, kind, override)
        if desc_path is not None:
            descriptions = descriptions_from(desc_path)
        elif not any(isinstance(r.get(k), str) for r in rows for k in DESCRIPTION_KEYS):
            raise DataError(f"{path}: no descriptions: expected VerilogDescription_{kind}.jsonl beside it or in "
                            "../descriptions/, or pass -S descriptions=FILE")
    seen: set[str] = set()
    problems = []
    for i, row in enumerate(rows):
        tid = row["task_id"]
        if tid in seen:
            raise DataError(f"{label}: task_id {tid!r} appears twice (row {i + 1})")
        seen.add(tid)
        problems.append(_problem(suite, row, descriptions, label))
    return problems


def _problem(suite: str, row: dict[str, Any], descriptions: dict[str, str], label: str) -> Problem:
    tid = row["task_id"]
    desc = descriptions.get(tid) or next((row[k] for k in DESCRIPTION_KEYS if isinstance(row.get(k), str)), None)
    try:
        if not desc:
            raise Defect(f"{label}: no description for task {tid!r}")
        try:
            verdict_prints(row["test"], "mismatches")
        except ValueError as exc:
            raise Defect(f"{label}: task {tid!r}: {exc}") from None
    except Defect as exc:
        return defect_problem(suite, tid, str(exc), top=TOP)
    reference = row["prompt"] + row["canonical_solution"]
    tb = Testbench(files={"test.sv": row["test"]}, before=("test.sv",), after=(), root="tb", verdict="mismatches",
                   tb_file="test.sv", sources=("test.sv",), keep=tuple(sorted(interface_names(reference, TOP))),
                   top=TOP, ports=tuple(port_directions(reference, TOP)), mirrors=("reference_module",))
    return Problem(suite=suite, id=tid, reference=reference,
                   data={"top": TOP, "header": row["prompt"], "description": desc, "tb": tb.to_data()})


def build_prompt(problem: Problem) -> Prompt:
    desc = "\n".join("// " + ln for ln in problem.data["description"].strip().splitlines())
    return Prompt.user(PREFIX + desc + "\n\n" + problem.data["header"], system=SYSTEM)


def extract(problem: Problem, text: str) -> Candidate | None:
    """A whole ``top_module`` when the answer has one; otherwise header + completion body."""
    cand = extract_verilog(text, TOP)
    if cand is not None and cand.meta.get("top_found"):
        return cand
    start = text.find("```")
    if start >= 0:
        nl = text.find("\n", start)
        end = text.find("```", nl + 1) if nl >= 0 else -1
        text = text[nl + 1: end if end >= 0 else None] if nl >= 0 else text
    return extract_verilog(problem.data["header"].rstrip() + "\n" + text, TOP) or cand
