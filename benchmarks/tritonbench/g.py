"""``tritonbench-g``: the G channel of TritonBench (thunlp/TritonBench): Triton operators collected
from GitHub, each with its own test code.

What the repository holds (and how TritonBench itself scores it):

* ``data/TritonBench_G_v1/<op>.py``: the reference operator (Triton kernels and their Python
  wrappers), a separator line of 146 ``#``, then a test section that calls the wrappers on inputs
  drawn with ``torch.randn`` and stores the results (``result_gold = test_<op>()``);
* ``data/TritonBench_G_v1.json``: one record per file: ``file``, ``repo``, ``star``,
  ``difficulty`` (1-5), ``simp_instru`` / ``comp_instru`` (the simple and the complex
  instruction) and ``output`` (the reference code); ``TritonBench_G_{simp,comp}_alpac_v1.json``
  are the same instructions as Alpaca prompts (the fixed preamble :data:`PREAMBLE` + the text).
* There are no stored expected outputs: TritonBench's ``0_call_acc.py`` runs the answer followed by
  the reference's test section and counts a run that exits 0 (call accuracy); ``1_exe_acc.py``
  runs the answer's file and the reference's file and compares their stdout (execution
  accuracy). The test sections store their results instead of printing them (all but 7 of the
  184 never print), so equal stdout says nothing.

Here the expected outputs are computed by running the reference's own test section in the sandbox
(the family's reference phase, fresh input seeds per run), and the answer's test-section results
(every tensor of ``result_gold``) are compared with them in the harness, with the family's
integrity rules (static allowlist, launch counting, outputs taken from the checker, never from
stdout). Metrics: ``call_acc`` (the test section ran: status pass or fail) and ``exec_acc`` (its
results match: pass), next to the family's. The golden answer is the reference itself: validation
runs it through the same checks, so a reference written against the family's rules is excluded
with the rule named. On a CPU (Triton interpreter) problems the interpreter or a CPU build of torch
cannot run (:mod:`benchmarks.tritonbench.cpu`, or a golden that raises there) are reported as not
run with the reason. ``-S instruction=comp|simp`` picks the instruction (default comp).
"""
from __future__ import annotations

import ast
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from harness.errors import DataError, UsageError
from harness.families.kernels.data import existing_path
from harness.families.kernels.problem import Problem as KernelProblem
from harness.families.kernels.problem import external_problem
from harness.families.kernels.suite import KernelSuite
from harness.metrics import mean_stats
from harness.suite import EvalContext
from harness.types import Candidate, Status, Verdict
from harness.types import Problem as CoreProblem

from .cpu import cpu_failure, cpu_unsupported, not_run

SEPARATOR = "#" * 146
FOLDER, META = "TritonBench_G_v1", "TritonBench_G_v1.json"
WHAT = "a TritonBench checkout (data/TritonBench_G_v1/ and data/TritonBench_G_v1.json) or its TritonBench_G_v1 folder"
PREAMBLE = ("You are a expert in writing Triton operators for efficient GPU programming. Use triton language "
            "write a kernel and wrapper according following instruction.")
RULES = """
Answer with the complete Python module (imports, @triton.jit kernels and the wrapper functions the
instruction names, with the same names and signatures) in a single ```python code block. It is run
with TritonBench's own test code for this operator and its results are compared with the original
operator's. Every wrapper the test calls must compute its results with the kernels it launches:
outside the kernels only allocation, shape/stride/view handling and launches are allowed; imports
are limited to torch, triton, math and typing."""
TOLERANCE = {"float32": {"atol": 1e-3, "rtol": 1e-3}, "float64": {"atol": 1e-6, "rtol": 1e-6},
             "float16": {"atol": 1e-2, "rtol": 1e-2}, "bfloat16": {"atol": 2e-2, "rtol": 2e-2}}
#: the test section ran to the end (its results were compared)
RAN = (Status.PASS, Status.FAIL)


def locate(path: Path) -> tuple[Path, Path]:
    """The folder of operator files and the metadata file of a checkout (or of the folder)."""
    for folder in (path / "data" / FOLDER, path / FOLDER, path):
        if folder.is_dir() and folder.name == FOLDER:
            meta = folder.parent / META
            if not meta.is_file():
                raise DataError(f"{meta}: missing (TritonBench-G's instructions live there; {WHAT})")
            return folder, meta
    raise DataError(f"--data {path}: no {FOLDER} folder ({WHAT})")


def read_records(path: Path) -> dict[str, dict[str, Any]]:
    """``file`` -> record of ``TritonBench_G_v1.json`` (a JSON array)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
    if not isinstance(rows, list):
        raise DataError(f"{path}: expected a JSON array of records")
    out: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("file"), str):
            raise DataError(f"{path}: record {i} has no 'file' field")
        for key in ("simp_instru", "comp_instru"):
            if not isinstance(row.get(key), str):
                raise DataError(f"{path}: record {i} ({row['file']}) has no '{key}' field")
        out[row["file"]] = row
    return out


def _apply_entry(ref: ast.Module, test: ast.Module, own: set[str]) -> str | None:
    """Where the test section calls no module-level function: the ``torch.autograd.Function`` it
    runs, as the name the reference binds to ``Cls.apply`` at module level that the test calls
    (``layer_norm = LayerNorm.apply``; ``layer_norm(x, ...)``), else as the class whose ``apply``
    it calls (``AttentionFunction.apply(q, k, v)``); the last in the reference."""
    functions = [n.name for n in ref.body if isinstance(n, ast.ClassDef) and len(n.bases) == 1
                 and ast.unparse(n.bases[0]).endswith("autograd.Function")]
    aliases = [t.id for n in ref.body if isinstance(n, ast.Assign) and len(n.targets) == 1
               for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value, ast.Attribute)
               and n.value.attr == "apply" and isinstance(n.value.value, ast.Name) and n.value.value.id in functions]
    called = {n.func.id for n in ast.walk(test) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    applied = {n.func.value.id for n in ast.walk(test) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr == "apply" and isinstance(n.func.value, ast.Name)}
    used = [a for a in aliases if a in called - own] or [c for c in functions if c in applied - own]
    return used[-1] if used else None


def _apply_note(ref: str, entry: str) -> str:
    """What the prompt adds where the entry is an autograd Function's ``apply`` (:func:`_apply_entry`)."""
    tree = ast.parse(ref)
    if any(isinstance(n, ast.FunctionDef) and n.name == entry for n in tree.body):
        return ""
    if any(isinstance(n, ast.ClassDef) and n.name == entry for n in tree.body):
        return (f"\nThe test calls `{entry}.apply(...)`: define `{entry}` as a torch.autograd.Function "
                "(@staticmethod forward/backward launching the kernels).")
    cls = next((n.value.value.id for n in tree.body if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name) and n.targets[0].id == entry
                and isinstance(n.value, ast.Attribute) and isinstance(n.value.value, ast.Name)), "Function")
    return (f"\nThe test calls `{entry}(...)`: bind it once at module level as `{entry} = {cls}.apply` of your "
            f"torch.autograd.Function `{cls}` (@staticmethod forward/backward launching the kernels).")


def entry_and_result(ref: str, test: str) -> tuple[str | None, str]:
    """The wrapper the test section calls (the last module-level function of the reference that
    it names, else the autograd Function it runs: :func:`_apply_entry`) and the variable its
    results go to (``result_gold = test_x()``)."""
    ref_tree = ast.parse(ref)
    defs = [n.name for n in ref_tree.body if isinstance(n, ast.FunctionDef)]
    tree = ast.parse(test)
    own = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    named = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used = [d for d in defs if d in named and d not in own] or [a for a in [_apply_entry(ref_tree, tree, own)] if a]
    var = "result_gold"
    for node in tree.body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id.startswith("test_")
                and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            var = node.targets[0].id
    return (used[-1] if used else None), var


def to_problem(path: Path, record: dict[str, Any], instruction: str) -> KernelProblem | str:
    """The problem, or why the loader drops it."""
    text = path.read_text(encoding="utf-8")
    if SEPARATOR not in text:
        raise DataError(f"{path}: no separator line of 146 '#' between the operator and its test section")
    ref, test = text.split(SEPARATOR, 1)
    try:
        entry, result_var = entry_and_result(ref, test)
    except SyntaxError as exc:
        raise DataError(f"{path}:{exc.lineno}: {exc.msg}") from exc
    if entry is None:
        return "the test section calls no module-level function or autograd Function of the operator"
    prompt = PREAMBLE + record[f"{instruction}_instru"].rstrip() + "\n" + RULES + _apply_note(ref, entry)
    meta: dict[str, Any] = {"tolerance": TOLERANCE, "prompt": prompt, "result_var": result_var,
                            "module_name": path.stem, "category": "tritonbench-g",
                            "difficulty": str(record.get("difficulty") or ""), "source": str(path),
                            "repo": str(record.get("repo") or ""), "golden": ref.strip() + "\n"}
    cpu = cpu_unsupported(text, channel="G")
    if cpu:
        meta["cpu_unsupported"] = cpu
    return external_problem(path.stem, ref, kind="function", entry=entry, test_code=test, meta=meta)


class TritonBenchGSuite(KernelSuite):
    name = "tritonbench-g"
    version = "1"
    description = "TritonBench-G (184 GitHub Triton operators with their tests; --data a TritonBench checkout)"
    takes_data = "required"
    cpu_min_wall_s = 300.0  # honest round 9 F5: a correct tl.dot GEMM took 39 s a call in the interpreter
    langs: ClassVar[tuple[str, ...]] = ("triton",)
    options_schema: ClassVar[dict[str, str]] = {**KernelSuite.options_schema,
                                                "instruction": "comp|simp: TritonBench's complex or simple instruction"}

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self._dropped: Counter[str] = Counter()

    def _instruction(self) -> str:
        kind = self._opt("instruction", "comp")
        if kind not in ("comp", "simp"):
            raise UsageError(f"-S instruction={kind!r}: choose comp or simp")
        return kind

    def kernel_problems(self) -> Iterator[KernelProblem]:
        folder, meta_path = locate(existing_path(self.name, self.options.data, WHAT))
        records = read_records(meta_path)
        files = sorted(folder.glob("*.py"))
        if not files:
            raise DataError(f"{folder}: no operator files")
        instruction = self._instruction()
        self._dropped = Counter()
        for path in files:
            record = records.get(path.name)
            if record is None:
                raise DataError(f"{meta_path}: no record for {path.name}")
            problem = to_problem(path, record, instruction)
            if isinstance(problem, str):
                self._dropped[problem] += 1
                continue
            yield problem

    def load_exclusions(self) -> dict[str, int]:
        self._kernel_list()
        return dict(self._dropped)

    def problems(self) -> Iterator[CoreProblem]:
        for problem in super().problems():
            problem.reference = self.kernel_problem(problem).meta["golden"]  # the golden answer
            yield problem

    def evaluate(self, problem: CoreProblem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        kp = self.kernel_problem(problem)
        cpu = None if self.gpu else kp.meta.get("cpu_unsupported")
        if cpu:
            return not_run(str(cpu))
        verdict = super().evaluate(problem, candidate, ctx)
        golden = candidate.code.strip() == str(kp.meta["golden"]).strip()
        if golden and verdict.status == Status.INFRA_ERROR and "nondeterministic" in verdict.reason:
            return Verdict(Status.FAIL, reason=verdict.reason, stages=verdict.stages, logs=verdict.logs)
        if self.gpu or verdict.status in (Status.PASS, Status.REJECTED):
            return verdict
        if verdict.status == Status.INFRA_ERROR and verdict.reason.startswith("reference failed"):
            return not_run(verdict.reason.removeprefix("reference failed: "), verdict)
        if golden and (verdict.status in (Status.RUNTIME_ERROR, Status.TIMEOUT, Status.SYNTAX_ERROR)
                       or cpu_failure(verdict.reason)):
            # GitHub code that works on its GPU: raising under the Triton interpreter is a CPU limit
            return not_run(f"the operator raises under the Triton interpreter: {verdict.reason}"[:1000], verdict)
        return verdict

    def suite_metrics(self, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
        out = super().suite_metrics(records)
        by_problem: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in records:
            if r["status"] != Status.INFRA_ERROR:
                by_problem[r["problem_id"]].append(r)
        if by_problem:
            seed = self.options.seed
            out["call_acc"] = mean_stats([sum(r["status"] in RAN for r in rs) / len(rs)
                                          for rs in by_problem.values()], seed=seed)
            out["exec_acc"] = mean_stats([sum(r["status"] == Status.PASS for r in rs) / len(rs)
                                          for rs in by_problem.values()], seed=seed)
        return out
