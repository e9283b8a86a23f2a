"""kernelbench level 3: sizes written as literals in get_inputs (and lists of layer widths) scale
down for the CPU check; a model whose layers fix the input size is listed as not run."""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.kernelbench import KernelBenchSuite
from benchmarks.kernelbench.shapes import HOIST_PREFIX, hoist_input_literals, int_lists, scale_search
from harness.suite import SuiteOptions
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import KERNELBENCH, bwrap_usable, context

TINY = KERNELBENCH / "KernelBench" / "level3" / "1_TinyConvNet.py"


def _suite() -> KernelBenchSuite:
    return KernelBenchSuite(SuiteOptions(data=str(KERNELBENCH), lang="triton", extra={"levels": "3"}))


def test_literals_in_get_inputs_become_scalable_constants() -> None:
    src = TINY.read_text()
    copy = hoist_input_literals(src)
    assert f"torch.rand(batch_size, 3, {HOIST_PREFIX}0, {HOIST_PREFIX}1)" in copy
    ns: dict = {}
    exec(compile(copy, "copy.py", "exec"), ns)  # noqa: S102 - our own fixture
    assert ns[f"{HOIST_PREFIX}0"] == 224 and ns["batch_size"] == 64  # same values as the original
    first = scale_search(copy)[0]
    assert first == {"batch_size": 16, f"{HOIST_PREFIX}0": 56, f"{HOIST_PREFIX}1": 56}  # 3 channels kept
    assert hoist_input_literals("def get_inputs():\n    return [torch.rand(4, 8)]\n").count(HOIST_PREFIX) == 0


def test_lists_of_widths_scale_with_the_constants() -> None:
    src = (KERNELBENCH / "KernelBench" / "level3" / "2_FixedInputNet.py").read_text()
    assert int_lists(src) == {"hidden_sizes": [256, 128]}
    steps = scale_search(hoist_input_literals(src))
    assert steps[0]["hidden_sizes"] == [64, 32] and steps[1]["hidden_sizes"] == [32, 16]


def test_prompt_keeps_kernelbench_text_and_the_reference_runs_the_copy() -> None:
    suite = _suite()
    problems = {p.id: p for p in suite.problems()}
    assert list(problems) == ["level3/1_TinyConvNet", "level3/2_FixedInputNet"]
    p = problems["level3/1_TinyConvNet"]
    assert "torch.rand(batch_size, 3, 224, 224)" in p.data["reference_src"]
    assert "torch.rand(batch_size, 3, 224, 224)" in suite.prompt(p).text
    assert HOIST_PREFIX in suite.kernel_problem(p).reference_source


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_literal_shape_model_runs_reduced_and_fixed_one_is_not_run(tmp_path: Path) -> None:
    suite = _suite()
    problems = {p.id: p for p in suite.problems()}
    ctx = context(tmp_path)
    check = Candidate(code="(self-check)", meta={"selfcheck": True})
    ok = suite.evaluate(problems["level3/1_TinyConvNet"], check, ctx)
    assert ok.status == Status.PASS, ok.reason
    assert ok.stages["reference"].data["globals"][f"{HOIST_PREFIX}0"] < 224
    fixed = suite.evaluate(problems["level3/2_FixedInputNet"], check, ctx)
    assert fixed.status == Status.INFRA_ERROR, fixed.reason  # listed as not run, not as a broken reference
    assert fixed.reason.startswith("not run on the CPU: ") and "no input scale fits" in fixed.reason
