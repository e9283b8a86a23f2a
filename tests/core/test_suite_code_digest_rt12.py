"""Red team 12 R3: the verdict cache and reference validation are keyed on the code of the suite's
own package too (``harness.cache.suite_code_digest``), not only on the harness package: CVDP's drive
probe, TritonBench's random-operator judge and a plugin's evaluator live outside ``harness/``, and a
check tightened there left the verdict cache serving the older checker's ``pass``."""
from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import cache
from harness.cache import suite_code_digest

PLUGIN = textwrap.dedent("""\
    from harness.suite import Suite

    from .checks import THRESHOLD


    class PluginSuite(Suite):
        name = "rt12-plugin"
        family = "verilog"

        def problems(self):
            return []

        def prompt(self, problem):
            raise NotImplementedError

        def extract(self, problem, completion):
            raise NotImplementedError

        def evaluate(self, problem, candidate, ctx):
            raise NotImplementedError
    """)


@pytest.fixture
def plugin(tmp_path: Path) -> Iterator[Path]:
    pkg = tmp_path / "rt12_plugin_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(PLUGIN)
    (pkg / "checks.py").write_text("THRESHOLD = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        yield pkg
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("rt12_plugin_pkg")]:
            del sys.modules[name]
        cache._tree_digest.cache_clear()


def test_a_change_to_a_plugins_check_changes_the_key(plugin: Path) -> None:
    suite_type = importlib.import_module("rt12_plugin_pkg").PluginSuite
    before = suite_code_digest(suite_type)
    (plugin / "checks.py").write_text("THRESHOLD = 2  # tightened\n")
    cache._tree_digest.cache_clear()  # a new process computes it afresh
    assert suite_code_digest(suite_type) != before


def test_the_verdict_cache_key_follows_the_suite_code(plugin: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.sandbox.base import Limits
    from harness.suite import EvalContext
    from harness.types import Problem
    from harness.verdict_cache import VerdictCache
    from tests.core.fakes import FakeSandbox

    suite = importlib.import_module("rt12_plugin_pkg").PluginSuite()
    monkeypatch.setattr(type(suite), "content_hash", lambda self: "fixed")
    problem = Problem(suite="rt12-plugin", id="p")
    ctx = EvalContext(sandbox=FakeSandbox(), limits=Limits(wall_s=10))
    vc = VerdictCache(tmp_path / "vc")
    key = vc._key(suite, problem, "sha", ctx)
    assert vc._key(suite, problem, "sha", ctx) == key
    (plugin / "checks.py").write_text("THRESHOLD = 3\n")
    cache._tree_digest.cache_clear()
    assert vc._key(suite, problem, "sha", ctx) != key


def test_built_in_suites_are_keyed_on_the_benchmarks_package() -> None:
    from harness.registry import load

    digest = suite_code_digest(type(load("suites", "cvdp")()))
    assert digest == cache.code_digest(importlib.import_module("benchmarks").__path__[0])
