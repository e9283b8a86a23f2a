"""Fixtures of the kernels family tests: the evaluator behind the real local sandbox."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.runner import Runner
from tests.kernels.helpers import PROBLEMS, shared_runner


@pytest.fixture(scope="session")
def kernel_runner() -> Runner:
    """bubblewrap (the default sandbox) where it is installed, else the plain runner: the test
    process's one shared sandbox (tests/kernels/helpers.shared_sandbox)."""
    return shared_runner()


@pytest.fixture
def run_eval(tmp_path: Path, kernel_runner: Runner):
    """evaluate_kernel on the CPU with test-friendly defaults; each call gets its own workdir."""
    counter = iter(range(1000))

    def run(problem: Any, code: str, lang: str = "triton", **kw: Any) -> dict[str, Any]:
        pdir = PROBLEMS / problem if isinstance(problem, str) else problem
        kw.setdefault("gpu", False)
        kw.setdefault("timeout_s", 240.0)
        kw.setdefault("seeds", 1)
        kw.setdefault("runner", kernel_runner)
        return evaluate_kernel(pdir, code, lang, tmp_path / f"w{next(counter)}", **kw)

    return run
