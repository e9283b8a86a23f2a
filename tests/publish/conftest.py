"""Real runs of the built-in suite (reference and mutant baselines), shared by the slow tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import hweval


@pytest.fixture(scope="session")
def real_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """verilog-core on and_gate: the reference (passes) and the mutant with 3 samples (fails)."""
    root = tmp_path_factory.mktemp("real-runs")
    runs = {"reference": root / "reference", "mutant": root / "mutant"}
    hweval("run", "--suite", "verilog-core", "--model", "reference", "--problems", "and_gate",
           "--out", str(runs["reference"]), check=True)
    hweval("run", "--suite", "verilog-core", "--model", "mutant", "--n-samples", "3", "--problems", "and_gate",
           "--out", str(runs["mutant"]), check=True)
    return runs
