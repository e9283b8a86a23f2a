"""``harness.api``: the surface plugins import is complete, cheap to import and versioned."""
from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import harness
import harness.api as api
from harness import backend, suite, types
from harness.sandbox import base

from .helpers import GUIDE


def test_every_public_name_resolves() -> None:
    for name in api.__all__:
        assert getattr(api, name) is not None, name
    assert len(set(api.__all__)) == len(api.__all__)


def test_reexports_are_the_core_objects() -> None:
    assert api.Suite is suite.Suite and api.EvalContext is suite.EvalContext
    assert api.Backend is backend.Backend and api.GenerationRequest is backend.GenerationRequest
    assert api.Sandbox is base.Sandbox and api.Limits is base.Limits and api.ExecResult is base.ExecResult
    for name in ("Problem", "Prompt", "Message", "Completion", "Candidate", "Verdict", "StageResult", "Status"):
        assert getattr(api, name) is getattr(types, name)
    from harness.families.verilog.suite import CocotbVerilogSuite

    assert api.CocotbVerilogSuite is CocotbVerilogSuite


def test_import_is_cheap_and_lazy() -> None:
    code = ("import sys, harness.api as a; "
            "heavy = [m for m in ('torch', 'triton', 'harness.families.kernels.evaluate', "
            "'harness.families.hls.score', 'harness.families.kernels.suite', 'harness.families.hls.suite', "
            "'benchmarks') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_family_bases_are_public_and_lazy() -> None:
    from harness.families.hls.suite import HlsSuite, KernelHlsSuite
    from harness.families.kernels.suite import KernelSuite

    assert api.KernelSuite is KernelSuite and api.HlsSuite is HlsSuite and api.KernelHlsSuite is KernelHlsSuite
    assert set(api.LAZY) <= set(api.__all__) and not set(api.LAZY) & set(api.PROVISIONAL)
    for family_base in (api.KernelSuite, api.HlsSuite, api.CocotbVerilogSuite):
        assert issubclass(family_base, api.Suite)


def test_load_kernel_problems_reads_a_folder(tmp_path) -> None:
    from harness.scaffold.commands import new_suite

    pkg = new_suite("hwevaltest-kload", "kernel", tmp_path)
    problems = api.load_kernel_problems(pkg / "src" / "hwevaltest_kload" / "problems")
    assert [p.id for p in problems] == ["scale_shift"] and "class Model" in problems[0].reference_source
    (pkg / "src" / "hwevaltest_kload" / "problems" / "broken").mkdir()
    (pkg / "src" / "hwevaltest_kload" / "problems" / "broken" / "meta.toml").write_text('id = "broken"\n')
    with pytest.raises(api.DataError, match="broken"):
        api.load_kernel_problems(pkg / "src" / "hwevaltest_kload" / "problems")


@pytest.mark.parametrize("name", sorted(api.PROVISIONAL))
def test_provisional_family_helpers_resolve(name: str) -> None:
    module = api.PROVISIONAL[name].partition(":")[0]
    if module.startswith("harness.families.kernels"):
        pytest.importorskip("torch")
    module_obj = importlib.import_module(module)
    assert getattr(api, name) is getattr(module_obj, api.PROVISIONAL[name].partition(":")[2])
    assert name not in api.__all__  # not covered by the stability promise yet


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        api.nope  # noqa: B018


def test_version_and_require_api() -> None:
    assert api.PLUGIN_API_VERSION == harness.PLUGIN_API_VERSION and isinstance(api.PLUGIN_API_VERSION, int)
    current = api.PLUGIN_API_VERSION
    assert api.require_api(current) == current
    assert api.require_api(current + 1, current, plugin="x") == current
    with pytest.raises(ImportError, match=rf"plugin 'x' needs hweval plugin API {current + 1}, but .* API {current}"):
        api.require_api(current + 1, plugin="x")
    with pytest.raises(TypeError):
        api.require_api()


def test_plugin_names_and_errors() -> None:
    assert "verilog-core" in api.plugin_names("suites")
    assert {"reference", "mutant"} <= set(api.plugin_names("backends"))
    with pytest.raises(api.UsageError, match="unknown plugin kind"):
        api.plugin_names("models")
    with pytest.raises(api.UsageError, match="unknown suite 'no-such-suite'"):
        api.load_suite("no-such-suite")


def test_guide_documents_the_promise() -> None:
    text = GUIDE.read_text()
    for needle in ("PLUGIN_API_VERSION", "require_api", "hweval.suites", "hweval.backends", "PROVISIONAL"):
        assert needle in text
