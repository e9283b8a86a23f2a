"""The testbench suites (VerilogEval, RTLLM) run Icarus only, as their own flows do: asking for
Verilator is an error, not a flag recorded in config.json and ignored (honest11 O6)."""
from __future__ import annotations

import pytest

from harness import registry
from harness.errors import UsageError
from harness.suite import SuiteOptions


@pytest.mark.parametrize("name", ["verilogeval-v2-spec", "verilogeval-v1-human", "rtllm"])
def test_verilator_is_refused_by_the_testbench_suites(name: str) -> None:
    with pytest.raises(UsageError, match="Icarus only"):
        registry.load("suites", name)(SuiteOptions(extra={"simulator": "verilator"}))
    registry.load("suites", name)(SuiteOptions(extra={"simulator": "icarus"}))
