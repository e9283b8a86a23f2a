"""``tritonbench-t``: the T channel of TritonBench (thunlp/TritonBench), read from a checkout.

``--data`` takes the checkout root (``data/TritonBench_T_v1/*.py`` and the metadata file
``data/TritonBench_T_v1.json``; the repository ships it as ``TritonBench_T_v1.jsonl`` holding a
JSON array, both spellings and JSON-lines are read) or the ``TritonBench_T_v1`` folder itself.
Problem ids are the file stems (``relu_sqrt``).

Each file is a PyTorch reference function, a separator line of 146 ``#``, and a test section
that calls the function and stores its results (``test_results = test_relu_sqrt()``). The
answer defines a function of the same name and signature built on ``@triton.jit`` kernels.
Correctness: the test section runs against the reference and against the answer (same seeds,
on a CPU with ``device='cuda'`` mapped to the CPU and Triton interpreted), and every tensor of
the results is compared with dtype-aware tolerances, never stdout (most test sections print
nothing). A reference that draws random numbers (dropout, ``rand``) is checked with tests that fit a
random operator instead (:mod:`benchmarks.tritonbench.random_ops`: the kept fraction and the
``1/(1-p)`` scaling of kept values within statistical bounds, uniform draws in [0, 1) with the right
mean, draws that change with torch's generator, or stay fixed where the function is given its seed;
the prompt of such a problem tells the answer how to draw its kernels' seed); one whose random draws are followed by
operations that mix elements cannot be checked that way and stays excluded with that reason. These
checks run the Triton interpreter on the CPU, also on a GPU machine.

On a CPU, problems whose reference needs CUDA (LU factorisation without pivoting) are reported as
not run with the reason (:mod:`benchmarks.tritonbench.cpu`), never as broken references.
"""
from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.errors import DataError
from harness.families.kernels.data import existing_path
from harness.families.kernels.problem import Problem, external_problem
from harness.families.kernels.suite import KernelSuite, round_seed_base
from harness.suite import EvalContext
from harness.types import Candidate, Status, Verdict
from harness.types import Problem as CoreProblem

from .cpu import cpu_failure, cpu_unsupported, not_run
from .g import TritonBenchGSuite
from .random_ops import draws_random

SEPARATOR = "#" * 146
WHAT = "a TritonBench checkout (data/TritonBench_T_v1/ and data/TritonBench_T_v1.json) or its TritonBench_T_v1 folder"
TOLERANCE = {"float32": {"atol": 1e-3, "rtol": 1e-3}, "float64": {"atol": 1e-6, "rtol": 1e-6},
             "float16": {"atol": 1e-2, "rtol": 1e-2}, "bfloat16": {"atol": 2e-2, "rtol": 2e-2}}
META_NAMES = ("TritonBench_T_v1.json", "TritonBench_T_v1.jsonl")
#: the rule for random operators (:mod:`benchmarks.tritonbench.random_pairs`)
RANDOM_NOTE = """- This function draws random numbers: draw a fresh seed at every call with
  `seed = torch.randint(0, 2**31 - 1, (1,)).item()` (the one torch call allowed for it; its size is
  written (1,)), pass it to your kernel and draw there with tl.rand/tl.randn/tl.randint(seed, offsets).
  Your results must change with torch's random generator: a fixed seed or a hash of the element index
  fails. Where the function takes a seed, pass that to tl.rand instead; where it takes a generator,
  draw the seed from it (`torch.randint(0, 2**31 - 1, (1,), generator=generator).item()`): the same
  seed, the same result.
"""

INSTRUCTION = """You are an expert in Triton programming, capable of writing corresponding Triton kernels and \
wrapper functions based on functional descriptions and function parameters. Ensure that the wrapper \
function fully corresponds to the provided function information.
Functional Description: {description}
Wrapper Entry Information: {func_inputs}
{math}
Rules (answers that break them are rejected):
- Define the wrapper function `{entry}` at module level with exactly that signature; it must compute its
  result with one or more @triton.jit kernels that it launches.
- Outside the kernels the wrapper may only allocate (torch.empty/empty_like/zeros), query or change
  shapes/strides/views and launch kernels: no torch operators, torch.nn.functional, tensor arithmetic,
  try/except fallbacks, timers, threads, os/sys, eval/exec.
- Imports are limited to torch, triton, math and typing.
{random}
Answer with the complete module (imports, kernels and the wrapper) in a single ```python code block."""


def _folder_and_meta(path: Path) -> tuple[Path, Path | None]:
    for folder in (path / "data" / "TritonBench_T_v1", path / "TritonBench_T_v1", path):
        if folder.is_dir() and folder.name == "TritonBench_T_v1":
            metas = [folder.parent / n for n in META_NAMES if (folder.parent / n).is_file()]
            return folder, (metas[0] if metas else None)
    raise DataError(f"--data {path}: no TritonBench_T_v1 folder ({WHAT})")


def read_metadata(path: Path) -> dict[str, dict[str, Any]]:
    """``file`` -> metadata record; the file may be a JSON array or JSON lines."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
        rows = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        rows = []
        for lineno, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
    out = {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("file"), str):
            raise DataError(f"{path}: record {i} has no 'file' field")
        out[row["file"]] = row
    return out


def _entry(ref: str, stem: str, test: str) -> str | None:
    defs = [n.name for n in ast.parse(ref).body if isinstance(n, ast.FunctionDef)]
    if stem in defs:
        return stem
    called = [d for d in defs if d in test]
    return called[-1] if called else (defs[-1] if defs else None)


def _result_var(test: str) -> str:
    """The variable the test section stores its results in (``test_results = test_x()``)."""
    var = "test_results"
    for node in ast.parse(test).body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id.startswith("test_")
                and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            var = node.targets[0].id
    return var


def to_problem(path: Path, meta: dict[str, Any] | None) -> Problem:
    text = path.read_text(encoding="utf-8")
    if SEPARATOR not in text:
        raise DataError(f"{path}: no separator line of 146 '#' between the reference and its test section")
    ref, test = text.split(SEPARATOR, 1)
    try:
        entry = _entry(ref, path.stem, test)
        result_var = _result_var(test)
    except SyntaxError as exc:
        raise DataError(f"{path}:{exc.lineno}: {exc.msg}") from exc
    if entry is None:
        raise DataError(f"{path}: the reference part defines no function")
    meta = meta or {}
    random = draws_random(ref)
    prompt = INSTRUCTION.format(description=str(meta.get("description") or f"the function {entry}").strip(),
                                func_inputs=str(meta.get("func_inputs") or f"def {entry}(...)").strip(),
                                math=f"Math: {meta['math'].strip()}\n" if meta.get("math") else "", entry=entry,
                                random=RANDOM_NOTE if random else "")
    difficulty = meta.get("difficulty")
    extra: dict[str, Any] = {"random": random, "torch_reference": True}  # its aten ops are traced (refops)
    cpu = cpu_unsupported(text, channel="T")
    if cpu:
        extra["cpu_unsupported"] = cpu
    return external_problem(path.stem, ref, kind="function", entry=entry, test_code=test,
                            meta={"tolerance": TOLERANCE, "prompt": prompt, "result_var": result_var,
                                  "module_name": path.stem,
                                  "category": "tritonbench-t", "difficulty": str(difficulty or ""),
                                  "source": str(path), **extra})


__all__ = ["TritonBenchGSuite", "TritonBenchTSuite", "read_metadata"]


class TritonBenchTSuite(KernelSuite):
    name = "tritonbench-t"
    version = "1"
    description = "TritonBench-T (166 PyTorch functions -> Triton wrappers; --data a TritonBench checkout)"
    takes_data = "required"
    langs = ("triton",)
    cpu_min_wall_s = 300.0  # honest round 9 F5 (KernelBench): the interpreter is slow, not the answer

    def kernel_problems(self) -> Iterator[Problem]:
        folder, meta_path = _folder_and_meta(existing_path(self.name, self.options.data, WHAT))
        meta = read_metadata(meta_path) if meta_path is not None else {}
        files = sorted(folder.glob("*.py"))
        if not files:
            raise DataError(f"{folder}: no problem files")
        for path in files:
            yield to_problem(path, meta.get(path.name))

    def evaluate(self, problem: CoreProblem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        kp = self.kernel_problem(problem)
        if not self.gpu and kp.meta.get("cpu_unsupported"):
            return not_run(str(kp.meta["cpu_unsupported"]))
        if kp.meta.get("random"):
            from .random_eval import evaluate_random

            if not self.gpu and ctx.limits.wall_s < self.cpu_min_wall_s:  # the floor KernelSuite.evaluate applies
                ctx = replace(ctx, limits=replace(ctx.limits, wall_s=self.cpu_min_wall_s))
            seed = round_seed_base(self._seed_base, int(candidate.meta.get("round", 1)))
            verdict = evaluate_random(kp, candidate, ctx, seed=seed)
        else:
            verdict = super().evaluate(problem, candidate, ctx)
        if not self.gpu and candidate.meta.get("selfcheck") and verdict.status == Status.FAIL \
                and cpu_failure(verdict.reason):
            return not_run(verdict.reason.removeprefix("the reference does not run here: "), verdict)
        return verdict
