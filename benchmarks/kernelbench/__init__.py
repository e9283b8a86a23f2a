"""``kernelbench``: KernelBench (ScalingIntelligence/KernelBench), read from the user's data.

``--data`` takes a checkout (``KernelBench/level{1,2,3,4}/*.py``, or that ``KernelBench/``
folder itself), ``hf://ScalingIntelligence/KernelBench`` (splits ``level_1``..``level_4``, columns
``code``, ``level``, ``name``, ``problem_id``), a folder written by ``save_to_disk`` or a
parquet/json(l) file with those columns. Problem ids: ``level1/19_ReLU``. ``-S levels=1,2``
picks levels (default 1,2,3: level 4 loads Hugging Face model weights at import time, which the
network-less sandbox cannot do).

The answer defines ``ModelNew`` (KernelBench contract; ``Model``'s random initialisation is
reproduced by seeding before both constructors). On a GPU the problems run at their own shapes.
On a CPU the reference runs as-is when its inputs fit ``-S cpu_budget`` elements (default 2**18),
else with its module-level shape constants (ints and int tuples, ``depth, height, width = ...``
included) scaled down: large ones (>= 64) divided by 4, 8, ... 1024, then medium ones (>= 16)
halved or quartered; kernel sizes, strides, paddings, dilations and groups are kept. Sizes written
as literals are made scalable first, in a copy used only to run the reference (the prompt shows the
original): integer literals >= 16 in ``get_inputs`` (``torch.rand(batch_size, 3, 224, 224)``) become
module constants and lists of integers (``layer_sizes = [16384, 16384]``) scale with the rest
(:mod:`benchmarks.kernelbench.shapes`). The least scaling that fits and runs is used, in the
sandbox. A problem no scale fits (a model whose layers fix the input size, e.g. AlexNet's ``fc1``)
is reported as not run on the CPU with the reason; one whose reference draws random numbers is
excluded at validation with the reason. On a CPU a sample gets at least 300 s whatever
``--timeout`` says (``cpu_min_wall_s``, as kernels-core: the Triton interpreter is slow, not the
answer). Tolerance: KernelBench's ``atol = rtol = 1e-2`` (fp32).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness.errors import DataError, UsageError
from harness.families.kernels.data import dataset_splits, existing_path, is_dataset_source, require_fields
from harness.families.kernels.problem import Problem, external_problem
from harness.families.kernels.suite import KernelSuite
from harness.suite import EvalContext
from harness.types import Candidate, Status, Verdict
from harness.types import Problem as CoreProblem

from .shapes import hoist_input_literals, scale_search

WHAT = ("a KernelBench checkout (KernelBench/level1/...), hf://ScalingIntelligence/KernelBench, a "
        "save_to_disk folder, or a parquet/json(l) file with columns code, level, name, problem_id")
FIELDS = ("code", "level", "name", "problem_id")
TOLERANCE = {"float32": {"atol": 1e-2, "rtol": 1e-2}, "float16": {"atol": 1e-2, "rtol": 1e-2},
             "bfloat16": {"atol": 2e-2, "rtol": 2e-2}, "float64": {"atol": 1e-2, "rtol": 1e-2}}
DEFAULT_LEVELS = (1, 2, 3)
DEFAULT_CPU_BUDGET = 1 << 18
#: the family's message when no scaled copy of a reference fits the CPU budget and runs
NO_SCALE_FITS = "no input scale fits the CPU budget"
_WEIGHTS = re.compile(r"\bfrom_pretrained\s*\(|^\s*(from|import)\s+transformers\b", re.M)


def _levels(raw: str | None) -> tuple[int, ...]:
    if not raw:
        return DEFAULT_LEVELS
    try:
        levels = tuple(sorted({int(x) for x in raw.replace("level", "").split(",") if x.strip()}))
    except ValueError as exc:
        raise UsageError(f"-S levels={raw!r}: expected numbers like 1,2,3") from exc
    if not levels or any(lv not in (1, 2, 3, 4) for lv in levels):
        raise UsageError(f"-S levels={raw!r}: KernelBench has levels 1 to 4")
    return levels


def _sort_key(stem: str) -> tuple[int, str]:
    m = re.match(r"(\d+)_", stem)
    return (int(m.group(1)) if m else 1 << 30, stem)


def rows_from_checkout(root: Path, levels: tuple[int, ...]) -> list[dict[str, Any]]:
    base = root / "KernelBench" if (root / "KernelBench").is_dir() else root
    found = [lv for lv in levels if (base / f"level{lv}").is_dir()]
    if not any((base / f"level{lv}").is_dir() for lv in (1, 2, 3, 4)):
        raise DataError(f"--data {root}: no KernelBench/level1..4 folders ({WHAT})")
    rows = []
    for lv in found:
        for path in sorted((base / f"level{lv}").glob("*.py"), key=lambda p: _sort_key(p.stem)):
            m = re.match(r"(\d+)_", path.stem)
            rows.append({"code": path.read_text(encoding="utf-8"), "level": lv, "name": path.stem,
                         "problem_id": int(m.group(1)) if m else 0, "_where": str(path)})
    return rows


def rows_from_dataset(data: str, levels: tuple[int, ...]) -> list[dict[str, Any]]:
    splits, label = dataset_splits(data)
    rows = []
    for split, split_rows in splits.items():
        for i, row in enumerate(split_rows):
            where = f"{label}[{split}] row {i}"
            require_fields(row, FIELDS, where)
            try:
                level = int(row["level"])
            except (TypeError, ValueError) as exc:
                raise DataError(f"{where}: field level={row['level']!r} is not a number") from exc
            if level in levels:
                name = str(row["name"]).removesuffix(".py")
                rows.append({**row, "level": level, "name": name, "_where": where})
    rows.sort(key=lambda r: (r["level"], _sort_key(r["name"])))
    return rows


def to_problem(row: dict[str, Any], cpu_budget: int) -> Problem:
    pid = f"level{row['level']}/{row['name']}"
    code = str(row["code"])
    meta: dict[str, Any] = {"tolerance": TOLERANCE, "category": f"level{row['level']}",
                            "difficulty": {1: "easy", 2: "medium", 3: "hard", 4: "hard"}.get(row["level"], ""),
                            "source": row.get("_where", "")}
    if _WEIGHTS.search(code):
        meta["unsupported"] = "loads Hugging Face model weights (needs transformers and the network)"
    scalable = hoist_input_literals(code)
    if scalable != code:
        meta["prompt_source"] = code  # the model sees KernelBench's own text
    return external_problem(pid, scalable, meta=meta, scale_search=scale_search(scalable), cpu_budget=cpu_budget)


class KernelBenchSuite(KernelSuite):
    name = "kernelbench"
    version = "1"
    description = "KernelBench levels 1-3 (--data a checkout, hf://ScalingIntelligence/KernelBench or a file)"
    takes_data = "required"
    cpu_min_wall_s = 300.0  # honest round 9 F5: a correct tl.dot GEMM took 39 s a call in the interpreter
    options_schema = {**KernelSuite.options_schema, "levels": "levels to load, e.g. 1,2 (default 1,2,3)",
                      "cpu_budget": "largest input size run on a CPU"}

    def problems(self) -> Iterator[CoreProblem]:
        for problem in super().problems():
            original = self.kernel_problem(problem).meta.get("prompt_source")
            if original:
                problem.data["reference_src"] = original
            yield problem

    def evaluate(self, problem: CoreProblem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        """A reference that no scaled copy lets run within the CPU budget is not run here (listed
        with the reason), never counted as a broken reference."""
        verdict = super().evaluate(problem, candidate, ctx)
        if candidate.meta.get("selfcheck") and verdict.status == Status.FAIL and NO_SCALE_FITS in verdict.reason:
            return Verdict(Status.INFRA_ERROR, reason="not run on the CPU: " + verdict.reason.split(": ", 1)[-1],
                           stages=verdict.stages, logs=verdict.logs)
        return verdict

    def kernel_problems(self) -> Iterator[Problem]:
        data = self.options.data
        levels = _levels(self.options.get("levels"))
        budget = self._int("cpu_budget", DEFAULT_CPU_BUDGET)
        if data and is_dataset_source(data):
            rows = rows_from_dataset(data, levels)
        else:
            rows = rows_from_checkout(existing_path(self.name, data, WHAT), levels)
        seen: set[str] = set()
        for row in rows:
            problem = to_problem(row, budget)
            if problem.id in seen:
                raise DataError(f"{row.get('_where', data)}: problem {problem.id} appears twice")
            seen.add(problem.id)
            yield problem
