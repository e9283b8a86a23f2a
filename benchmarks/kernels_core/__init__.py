"""``kernels-core``: hweval's own kernel-writing problems (PyTorch reference -> Triton or CUDA).

Each problem is a folder under ``problems/`` (see README.md): reference.py (KernelBench contract
plus CONFIGS and DISTS), meta.toml (tolerances, work estimate), golden solution_triton.py and
solution_cuda.py for the ``reference`` backend (the ``mutant`` backend corrupts them).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from harness.errors import DataError
from harness.families.kernels.problem import Problem, ProblemError, list_problems, load_problem
from harness.families.kernels.suite import KernelSuite

PROBLEMS_DIR = Path(__file__).parent / "problems"


class KernelsCoreSuite(KernelSuite):
    name = "kernels-core"
    version = "1"
    description = "hweval's built-in kernel problems (22): PyTorch reference -> Triton (default) or CUDA"
    takes_data = "none"
    #: honest round 8 F3: a correct cumsum_row with tl.associative_scan over 1024-wide chunks took
    #: 5.8 s per call in the interpreter (exact) and ran past the default 60 s over all cases
    cpu_min_wall_s = 300.0

    def kernel_problems(self) -> Iterator[Problem]:
        for folder in list_problems(PROBLEMS_DIR):
            try:
                yield load_problem(folder)
            except ProblemError as exc:
                raise DataError(f"{folder}: {exc}") from exc
