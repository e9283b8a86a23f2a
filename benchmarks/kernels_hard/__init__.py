"""``kernels-hard``: kernel problems where correctness itself is hard (PyTorch reference -> Triton or CUDA).

Same folder layout and evaluator as ``kernels-core`` (see ``benchmarks/kernels_core/README.md``):
each problem is ``problems/<id>/`` with ``reference.py`` (the exact semantics in its docstring,
``CONFIGS``, ``DISTS``), ``meta.toml`` (per-dtype tolerances, work estimate) and golden
``solution_triton.py`` / ``solution_cuda.py``.

Two additions over the family defaults, both local to this suite:

* ``cpu_configs`` in ``meta.toml``: the configurations checked without a GPU. The family checks
  only ``small`` on the CPU; edge shapes (size-1 rows, empty sequences, ``k == N``) live in
  their own configurations and must be checked on the CPU too.
* ``audit_mutants``: ``hweval audit`` mutates the golden Triton answer with the family's
  mutation operators (:func:`harness.families.kernels.mutate.mutations`).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

from harness.errors import DataError
from harness.families.kernels.problem import Problem as KernelProblem
from harness.families.kernels.problem import ProblemError, list_problems, load_problem
from harness.families.kernels.suite import KernelSuite
from harness.types import Problem

PROBLEMS_DIR = Path(__file__).parent / "problems"


class HardProblem(KernelProblem):
    """A kernels problem whose CPU check covers every configuration named in ``cpu_configs``."""

    def config_names(self, gpu: bool) -> list[str]:
        if gpu:
            return super().config_names(gpu)
        names = [str(n) for n in self.meta.get("cpu_configs", []) if n in self.configs]
        return names or super().config_names(gpu)


def load_hard_problem(folder: Path) -> HardProblem:
    base = load_problem(folder)
    return HardProblem(**{f.name: getattr(base, f.name) for f in fields(base)})


class KernelsHardSuite(KernelSuite):
    name = "kernels-hard"
    version = "2"
    takes_data = "none"
    cpu_min_wall_s = 300.0  # a correct segmented_argsort answer took 242 s in the interpreter under load
    description = ("hweval's hard kernel problems (masked/-inf softmax, causal and varlen attention, int8 GEMM, "
                   "segmented scan, top-k, norm backward, long rows, bit-exact MXFP4 and requantisation, "
                   "NaN-aware sort and median...): PyTorch reference -> Triton or CUDA")

    def kernel_problems(self) -> Iterator[KernelProblem]:
        for folder in list_problems(PROBLEMS_DIR):
            try:
                yield load_hard_problem(folder)
            except ProblemError as exc:
                raise DataError(f"{folder}: {exc}") from exc

    def audit_mutants(self, problem: Problem) -> list[object]:
        """Single-site mutants of the golden answer (kernel code only), in source order."""
        from harness.families.kernels.mutate import mutations
        from harness.suite import MutantSpec

        ref = problem.reference or ""
        return [MutantSpec(m.kind, m.line, m.description, m.apply(ref)) for m in mutations(ref)]
