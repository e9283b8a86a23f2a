"""Fixtures of tests/kernel_benchmarks: small problems written for hweval in the real formats of
TritonBench (T and G channels) and KernelBench."""
from __future__ import annotations

import shutil
from pathlib import Path

from harness.suite import EvalContext
from tests.kernels.helpers import shared_sandbox

FIXTURES = Path(__file__).parent / "fixtures"
TRITONBENCH = FIXTURES / "tritonbench"
KERNELBENCH = FIXTURES / "kernelbench"
ANSWERS = FIXTURES / "answers"


def bwrap_usable() -> bool:
    return shutil.which("bwrap") is not None


def context(tmp_path: Path) -> EvalContext:
    """A real sandbox (the process's shared one: its fork servers import torch and triton once for
    every test), with a cache so that a reference runs once per test."""
    return EvalContext(sandbox=shared_sandbox(), cache_dir=tmp_path / "cache", scratch_root=tmp_path)
