"""A kernels problem: the reference, its shape configurations, distributions and tolerances.

Built-in problems are folders (``reference.py`` + ``meta.toml`` + golden solutions) whose
reference module is trusted code written by us: it is imported in the harness process and never
in the candidate's worker. Problems from external data (KernelBench, TritonBench) are built with
:func:`external_problem`: their reference source is never imported by the harness; it runs only in
a sandboxed worker phase (:mod:`harness.families.kernels.sandboxed.refcases`).
"""
from __future__ import annotations

import ast
import hashlib
import importlib.util
import inspect
import math
import operator
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

DEFAULT_TOLERANCE: dict[str, tuple[float, float]] = {
    "float32": (1e-4, 1e-4),
    "float64": (1e-8, 1e-8),
    "float16": (1e-2, 1e-2),
    "bfloat16": (2e-2, 2e-2),
}
DTYPE_BYTES = {"float32": 4, "float64": 8, "float16": 2, "bfloat16": 2, "int64": 8, "int32": 4}
_SMALL = "small"


class ProblemError(Exception):
    """The problem folder itself is malformed (an infra error, never the candidate's fault)."""


@dataclass
class Problem:
    id: str
    dir: Path | None
    meta: dict[str, Any]
    module: ModuleType | None  # built-in (trusted) problems only
    configs: dict[str, dict[str, Any]]
    dists: list[str]
    category: str = ""
    difficulty: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: reference source text (external problems; built-in ones read ``reference.py``)
    source: str = ""
    #: "module" (Model / get_inputs / get_init_inputs) or "function" (TritonBench-T)
    kind: str = "module"
    #: the name the answer must define: class ``ModelNew``, or the TritonBench-T function
    entry: str = "ModelNew"
    #: TritonBench-T: the test section that calls ``entry`` and sets ``test_results``
    test_code: str = ""
    #: KernelBench: scaled-down module constants to try on the CPU, in order
    scale_search: list[dict[str, Any]] = field(default_factory=list)
    #: largest total input size (elements) run on the CPU
    cpu_budget: int | None = None

    @property
    def trusted(self) -> bool:
        """Built-in problems: the reference runs in the harness process."""
        return self.module is not None

    @property
    def reference_source(self) -> str:
        if self.source or self.dir is None:
            return self.source
        return (self.dir / "reference.py").read_text()

    def solution_path(self, lang: str) -> Path:
        if self.dir is None:
            raise ProblemError(f"{self.id} has no golden solutions")
        return self.dir / f"solution_{lang}.py"

    def config_names(self, gpu: bool) -> list[str]:
        """CPU: only the small config (Triton interpreter); GPU: ``gpu_configs`` or every config."""
        if gpu:
            return list(self.meta.get("gpu_configs") or self.configs)
        return [_SMALL] if _SMALL in self.configs else list(self.configs)[:1]

    def init_inputs(self, config: str) -> list[Any]:
        assert self.module is not None, "init_inputs() of an external problem runs in the sandbox"
        return list(_call_flex(self.module.get_init_inputs, self.configs[config]))

    def inputs(self, config: str, dist: str, seed: int) -> list[Any]:
        assert self.module is not None, "inputs() of an external problem runs in the sandbox"
        fn = self.module.get_inputs
        params = inspect.signature(fn).parameters
        if "dist" in params:
            return list(fn(self.configs[config], dist=dist, seed=seed))
        return list(_call_flex(fn, self.configs[config]))

    def tolerance(self, dtype: str, dist: str | None = None, config: str | None = None) -> tuple[float, float]:
        """(atol, rtol) for ``dtype``; ``[tolerance.<dtype>.config.<name>]`` then
        ``[tolerance.<dtype>.dist.<name>]`` override the base values (later wins)."""
        table = self.meta.get("tolerance", {}).get(dtype, {})
        atol, rtol = DEFAULT_TOLERANCE.get(dtype, (1e-4, 1e-4))
        atol = float(table.get("atol", atol))
        rtol = float(table.get("rtol", rtol))
        for kind, name in (("config", config), ("dist", dist)):
            override = table.get(kind, {}).get(name or "", {})
            atol, rtol = float(override.get("atol", atol)), float(override.get("rtol", rtol))
        return atol, rtol

    def work(self, config: str) -> tuple[float, float]:
        """(flops, bytes) moved for one forward call at ``config`` (physical-bound estimate)."""
        perf = self.meta.get("perf", {})
        per_cfg = perf.get(config, {}) if isinstance(perf.get(config), dict) else {}
        names: dict[str, Any] = dict(self.configs[config])
        names.setdefault("dtype_bytes", 4)
        out = []
        for key in ("flops", "bytes"):
            expr = per_cfg.get(key, perf.get(key, 0))
            out.append(float(eval_formula(expr, names)))
        return out[0], out[1]


def _call_flex(fn: Callable[..., Any], config: Mapping[str, Any]) -> Any:
    """Call ``fn(config)`` when it accepts an argument, else ``fn()`` (plain KernelBench)."""
    params = inspect.signature(fn).parameters
    return fn(dict(config)) if params else fn()


_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}
_FUNCS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "log2": math.log2}


def eval_formula(expr: str | int | float, names: Mapping[str, Any]) -> float:
    """Evaluate a tiny arithmetic expression over config keys (no names beyond ``names``)."""
    if isinstance(expr, int | float):
        return float(expr)

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise ProblemError(f"unknown name {node.id!r} in formula {expr!r}")
            return names[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS:
            return _FUNCS[node.func.id](*[ev(a) for a in node.args])
        raise ProblemError(f"unsupported formula syntax in {expr!r}")

    return float(ev(ast.parse(str(expr), mode="eval")))


def import_path(path: Path, prefix: str) -> ModuleType:
    """Import a file under a unique module name (so two problems never collide)."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(f"{prefix}_{digest}", path)
    if spec is None or spec.loader is None:
        raise ProblemError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_problem(problem_dir: Path) -> Problem:
    problem_dir = Path(problem_dir)
    meta_path, ref_path = problem_dir / "meta.toml", problem_dir / "reference.py"
    if not meta_path.is_file() or not ref_path.is_file():
        raise ProblemError(f"{problem_dir} needs meta.toml and reference.py")
    meta = tomllib.loads(meta_path.read_text())
    try:
        module = import_path(ref_path, "hweval_kref")
    except Exception as exc:  # the reference itself is broken: infra, not the model's fault
        raise ProblemError(f"reference.py failed to import: {exc!r}") from exc
    for name in ("Model", "get_inputs", "get_init_inputs"):
        if not hasattr(module, name):
            raise ProblemError(f"reference.py lacks {name}")
    configs = dict(getattr(module, "CONFIGS", {}) or {_SMALL: {}})
    dists = list(getattr(module, "DISTS", ["normal"]))
    return Problem(
        id=str(meta.get("id", problem_dir.name)), dir=problem_dir, meta=meta, module=module,
        configs=configs, dists=dists, category=str(meta.get("category", "")),
        difficulty=str(meta.get("difficulty", "")),
    )


def list_problems(root: Path) -> list[Path]:
    """Problem folders under ``root`` (each holds a meta.toml), sorted by name."""
    return sorted(p.parent for p in Path(root).glob("*/meta.toml"))


def external_problem(pid: str, source: str, *, kind: str = "module", entry: str = "ModelNew",
                     test_code: str = "", meta: dict[str, Any] | None = None,
                     scale_search: list[dict[str, Any]] | None = None, cpu_budget: int | None = None,
                     dists: list[str] | None = None) -> Problem:
    """A problem from external data: configs ``small`` (CPU: as-is or scaled down, see
    :func:`harness.families.kernels.sandboxed.refcases.scale_candidates`) and ``full`` (GPU)."""
    from harness.families.kernels.sandboxed.dists import EXTERNAL_DISTS

    meta = {"gpu_configs": ["full"], **(meta or {})}
    if dists is None:  # module problems: the benchmark's inputs and two derived distributions
        dists = list(EXTERNAL_DISTS) if kind == "module" else ["default"]
    return Problem(id=pid, dir=None, meta=meta, module=None, configs={_SMALL: {}, "full": {}},
                   dists=list(dists or ["default"]), category=str(meta.get("category", "")),
                   difficulty=str(meta.get("difficulty", "")), source=source, kind=kind, entry=entry,
                   test_code=test_code, scale_search=list(scale_search or []), cpu_budget=cpu_budget)
