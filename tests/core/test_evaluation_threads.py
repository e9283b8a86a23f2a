"""How many evaluation threads a run uses (issue 22): twice ``--workers`` only for Verilog suites
on a sandbox that then bounds itself to ``--workers`` sandboxes at once."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness.config import RunConfig
from harness.runner import Plan, evaluation_threads
from harness.sandbox.base import Sandbox


class _Sandbox(Sandbox):
    name = "probe"

    def __init__(self, bounds: bool) -> None:
        self.bounds = bounds
        self.asked: list[int] = []

    def run(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("nothing runs here")

    def bound(self, slots: int) -> bool:
        self.asked.append(slots)
        return self.bounds


def _plan(*families: str) -> Plan:
    suites = {f"s{i}": SimpleNamespace(family=f) for i, f in enumerate(families)}
    return Plan(suites, {n: [] for n in suites}, {n: 0 for n in suites})  # type: ignore[arg-type]


@pytest.mark.parametrize(("families", "bounds", "executor", "threads", "asked"), [
    (("verilog",), True, "local", 6, [3]),
    (("verilog", "verilog"), True, "local", 6, [3]),
    (("verilog",), False, "local", 3, [3]),  # a sandbox that does not bound itself: --workers threads
    (("verilog", "hls"), True, "local", 3, []),  # another family in the run: nothing changes
    (("kernel",), True, "local", 3, []),
    (("verilog",), True, "ray", 3, []),
])
def test_threads(families: tuple[str, ...], bounds: bool, executor: str, threads: int, asked: list[int],
                 tmp_path: Path) -> None:
    sandbox = _Sandbox(bounds)
    cfg = RunConfig(suites=["x"], model="m", workers=3, executor=executor, out=str(tmp_path))
    assert evaluation_threads(cfg, _plan(*families), sandbox) == threads
    assert sandbox.asked == asked


def test_the_base_sandbox_does_not_bound_itself() -> None:
    assert Sandbox.bound(_Sandbox(True), 2) is False
