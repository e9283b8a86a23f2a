"""On the CPU (Triton interpreter) a kernels-hard sample gets at least ``cpu_min_wall_s``: a
correct answer with a heavier algorithm (an independent solver's segmented_argsort took 242 s
under load) must not be scored `timeout` because the interpreter is slow; kernels-core too since
honest round 8 F3. On a GPU ``--timeout`` holds as given."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import harness.families.kernels.evaluate as kernel_evaluate
from benchmarks.kernels_core import KernelsCoreSuite
from benchmarks.kernels_hard import KernelsHardSuite
from harness.sandbox.base import Limits
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Candidate


@pytest.mark.parametrize("suite_cls, wall, expected", [
    (KernelsHardSuite, 60.0, 300.0), (KernelsHardSuite, 900.0, 900.0), (KernelsCoreSuite, 60.0, 300.0)])
def test_cpu_floor_on_the_sample_time(suite_cls: Any, wall: float, expected: float, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def capture(*args: Any, **kw: Any) -> Any:
        seen.update(kw)
        raise RuntimeError("captured")

    monkeypatch.setattr(kernel_evaluate, "evaluate_kernel", capture)
    suite = suite_cls(SuiteOptions(extra={"lang": "triton"}))
    problem = next(iter(suite.problems()))
    if suite.gpu:  # on a GPU --timeout holds as given
        expected = wall
    ctx = EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path, limits=Limits(wall_s=wall))
    with pytest.raises(RuntimeError, match="captured"):
        suite.evaluate(problem, Candidate(code="x"), ctx)
    assert seen["timeout_s"] == expected and seen["runner"].limits.wall_s == expected
