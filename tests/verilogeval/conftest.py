"""Fixtures for the VerilogEval tests: our own tiny checkouts in the real formats."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness import registry
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, Suite, SuiteOptions

FIXTURES = Path(__file__).parent / "fixtures"
V2 = FIXTURES / "v2"
V1 = FIXTURES / "v1"


def make_suite(name: str, data: Path | str | None, **kw: object) -> Suite:
    return registry.load("suites", name)(SuiteOptions(data=str(data) if data is not None else None, **kw))


@pytest.fixture
def ctx(tmp_path: Path) -> EvalContext:
    cache = tmp_path / "cache"
    cache.mkdir()
    return EvalContext(sandbox=BubblewrapSandbox(), cache_dir=cache)


@pytest.fixture
def v2_copy(tmp_path: Path) -> Path:
    """A writable copy of the v2 fixture checkout, to break on purpose."""
    dst = tmp_path / "verilog-eval"
    shutil.copytree(V2, dst)
    return dst
