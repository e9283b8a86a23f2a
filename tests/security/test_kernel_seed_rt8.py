"""Issue 14, kernels: a TritonBench-T random operator may not draw its numbers from addresses.

docs/integrity.md listed as remaining: an answer may derive its "random" numbers from tensor
``data_ptr`` values (addresses) rather than the sanctioned seed draw. It passed: a seed of
``y.data_ptr() % (2**31 - 1)`` in the wrapper, or the output pointer's bits read in the kernel
(``y_ptr.to(tl.int64, bitcast=True)``), made the two runs the checker compares independent (other
addresses), so both tests of ``random_pairs`` held although nothing followed torch's generator.
Now the first run is repeated under its own generator seed after allocations of unpredictable sizes
(``worker_function._ballast``), and every random leaf must come out identical
(``random_pairs.repeat_problems``): whatever the answer draws from besides the generator shows.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
import torch

from benchmarks.tritonbench.random_ops import check_answer
from benchmarks.tritonbench.random_pairs import repeat_problems
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context
from tests.security.test_kernel_seed_rt7 import _DRAW, _DROP, _NOISE, DROPOUT_SHAPES, NOISE_LIKE

HONEST_NOISE = {
    "tl_rand": ("v = tl.rand(seed, offs)", _DRAW),
    "alignment_checked_with_data_ptr": ("v = tl.rand(seed, offs)", _DRAW + "\n    assert y.data_ptr() % 4 == 0"),
}
ADDRESS_NOISE = {  # name: (the kernel's draw, the wrapper's seed line)
    "data_ptr_seed": ("v = tl.rand(seed, offs)", "seed = y.data_ptr() % 2147483647"),
    "data_ptr_shifted": ("v = tl.rand(seed, offs)", "seed = (y.data_ptr() >> 6) & 0x7fffffff"),
    "pointer_bits_in_the_kernel": ("v = tl.rand(y_ptr.to(tl.int64, bitcast=True).to(tl.int32), offs)", "seed = 0"),
}


def _leaf(values: list[Any]) -> tuple[list[str], list[Any]]:
    return [f"k{i}" for i in range(len(values))], values


class TestRepeat:
    """The rerun under the first run's generator seed must repeat every random leaf exactly."""

    PLAN = [{"key": "k0", "kind": "uniform"}, {"key": "k1", "kind": "masked", "p": 0.5}, {"key": "k2", "kind": "fixed"}]

    def test_an_identical_rerun_passes(self) -> None:
        g = torch.Generator().manual_seed(0)
        first = _leaf([torch.rand(64, generator=g), torch.randn(8, generator=g), torch.randn(4, generator=g)])
        again = _leaf([v.clone() for v in first[1]])
        assert repeat_problems(self.PLAN, first, again) == []

    def test_other_draws_fail_and_name_the_leaf(self) -> None:
        g = torch.Generator().manual_seed(1)
        first = _leaf([torch.rand(64, generator=g), torch.randn(8, generator=g), torch.randn(4, generator=g)])
        again = _leaf([torch.rand(64, generator=g), first[1][1].clone(), first[1][2].clone()])
        found = repeat_problems(self.PLAN, first, again)
        assert len(found) == 1 and found[0].startswith("result k0:") and "besides the generator" in found[0]
        again = _leaf([first[1][0].clone(), first[1][1] * 2, first[1][2].clone()])
        assert repeat_problems(self.PLAN, first, again)[0].startswith("result k1:")

    def test_fixed_leaves_are_left_to_the_reference_comparison(self) -> None:
        g = torch.Generator().manual_seed(2)
        first = _leaf([torch.rand(64, generator=g), torch.randn(8, generator=g), torch.randn(4, generator=g)])
        again = _leaf([first[1][0].clone(), first[1][1].clone(), first[1][2] + 1e-7])
        assert repeat_problems(self.PLAN, first, again) == []

    def test_nan_repeats_itself(self) -> None:
        first = _leaf([torch.tensor([0.5, float("nan")]), torch.zeros(1), torch.zeros(1)])
        assert repeat_problems(self.PLAN, first, _leaf([v.clone() for v in first[1]])) == []

    def test_check_answer_applies_it_to_a_third_run(self) -> None:
        """check_answer's statistics read the first two runs; a third is the rerun of the first."""
        from benchmarks.tritonbench import TritonBenchTSuite
        from harness.suite import SuiteOptions
        from tests.kernel_benchmarks.helpers import TRITONBENCH

        suite = TritonBenchTSuite(SuiteOptions(data=str(TRITONBENCH), lang="triton"))
        kp = suite.kernel_problem(next(p for p in suite.problems() if p.id == "relu_dropout"))
        g = torch.Generator().manual_seed(8)
        kept = torch.rand(64, 64, generator=g) + 0.5
        dropped = torch.zeros_like(kept)
        plan = [{"key": "a", "kind": "masked", "p": 0.5, "cross": "independent"}]

        def run() -> tuple[list[str], list[Any]]:
            return ["a"], [torch.where(torch.rand(64, 64, generator=g) >= 0.5, kept, dropped)]

        first, second = run(), run()
        assert check_answer(kp, plan, [kept], [dropped], [first, second, first]) == ("pass", "")
        status, reason = check_answer(kp, plan, [kept], [dropped], [first, second, run()])
        assert status == "fail" and "a rerun under the same seed" in reason


@pytest.fixture(scope="module")
def tbt(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from benchmarks.tritonbench import TritonBenchTSuite
    from harness.suite import SuiteOptions

    root = tmp_path_factory.mktemp("tbt_addr")
    folder = root / "data" / "TritonBench_T_v1"
    folder.mkdir(parents=True)
    files = {"noise_like.py": NOISE_LIKE, "dropout_shapes.py": DROPOUT_SHAPES}
    for name, text in files.items():
        (folder / name).write_text(text)
    (root / "data" / "TritonBench_T_v1.json").write_text(json.dumps(
        [{"file": name, "description": name} for name in files]))
    suite = TritonBenchTSuite(SuiteOptions(data=str(root), lang="triton"))
    (root / "ctx").mkdir()
    return suite, {p.id: p for p in suite.problems()}, context(root / "ctx")


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
@pytest.mark.parametrize("name", sorted(ADDRESS_NOISE))
def test_address_noise_end_to_end(tbt: Any, name: str) -> None:
    suite, problems, ctx = tbt
    draw, seed = ADDRESS_NOISE[name]
    verdict = suite.evaluate(problems["noise_like"], Candidate(code=_NOISE.format(draw=draw, seed=seed)), ctx)
    assert verdict.status == Status.FAIL, verdict.reason
    assert "a rerun under the same seed of torch's generator" in verdict.reason, verdict.reason


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
@pytest.mark.parametrize("name", sorted(HONEST_NOISE))
def test_honest_draws_pass_with_the_rerun(tbt: Any, name: str) -> None:
    suite, problems, ctx = tbt
    draw, seed = HONEST_NOISE[name]
    verdict = suite.evaluate(problems["noise_like"], Candidate(code=_NOISE.format(draw=draw, seed=seed)), ctx)
    assert verdict.status == Status.PASS, verdict.reason
    seeds = verdict.stages["correctness"].data["draw_seeds"]
    assert len(seeds) == 3 and seeds["random/seed0-again"] == seeds["random/seed0"] != seeds["random/seed1"]


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_dropout_seeded_from_addresses_fails_and_honest_dropout_passes(tbt: Any) -> None:
    suite, problems, ctx = tbt
    keep = "keep = tl.rand(seed, offs) >= p"
    for seed, expected in (("seed = x.data_ptr() % 2147483647", Status.FAIL), (_DRAW, Status.PASS)):
        code = _DROP.format(param="seed", keep=keep, seed=seed, name="dropout_shapes", extra="")
        verdict = suite.evaluate(problems["dropout_shapes"], Candidate(code=code), ctx)
        assert verdict.status == expected, (seed, verdict.reason)
