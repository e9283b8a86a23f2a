"""tritonbench-t: random operators are checked statistically (kept fraction, 1/(1-p) scaling,
uniform draws), the ones whose draws are mixed by later operations stay excluded, and LU without
pivoting is reported as not run on the CPU."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from benchmarks.tritonbench import TritonBenchTSuite
from benchmarks.tritonbench.cpu import cpu_unsupported
from benchmarks.tritonbench.random_ops import check_answer, draws_random
from harness.suite import SuiteOptions
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import ANSWERS, TRITONBENCH, bwrap_usable, context

T_FOLDER = TRITONBENCH / "data" / "TritonBench_T_v1"


def _suite() -> TritonBenchTSuite:
    return TritonBenchTSuite(SuiteOptions(data=str(TRITONBENCH), lang="triton"))


def test_loader_marks_random_and_cpu_unsupported_problems() -> None:
    suite = _suite()
    meta = {p.id: suite.kernel_problem(p).meta for p in suite.problems()}
    assert sorted(meta) == ["dropout_matmul", "lu_unpivoted", "relu_dropout"]
    assert meta["relu_dropout"]["random"] and meta["dropout_matmul"]["random"]
    assert not meta["lu_unpivoted"]["random"] and "pivot=False" in meta["lu_unpivoted"]["cpu_unsupported"]
    # a docstring that mentions torch.rand is no random draw
    assert not draws_random('def f(x):\n    """e.g. f(torch.rand(3))"""\n    return x + 1\n')
    assert draws_random("def f(x):\n    return torch.bernoulli(x)\n")
    assert cpu_unsupported("torch.linalg.lu(A)\n", channel="T") is None  # pivoting LU runs on the CPU


def test_lu_without_pivoting_is_not_run_without_running_it(tmp_path: Path) -> None:
    suite = _suite()
    lu = next(p for p in suite.problems() if p.id == "lu_unpivoted")
    verdict = suite.evaluate(lu, Candidate(code="(self-check)", meta={"selfcheck": True}), context(tmp_path))
    assert verdict.status == Status.INFRA_ERROR  # the runner lists infra_error references as not run
    assert verdict.reason.startswith("not run on the CPU: LU factorisation without pivoting")


def _masked_case(rng: torch.Generator, keep: float, scale: float = 2.0) -> tuple[torch.Tensor, torch.Tensor]:
    kept = torch.rand(64, 64, generator=rng) + 0.5  # all-kept values (x / (1 - p), p = 0.5)
    mask = torch.rand(64, 64, generator=rng) < keep
    return kept, torch.where(mask, kept * scale / 2.0, torch.zeros(()))


def test_statistical_checks_on_known_outputs() -> None:
    kp = _suite().kernel_problem(next(p for p in _suite().problems() if p.id == "relu_dropout"))
    rng = torch.Generator().manual_seed(0)
    plan = [{"key": "a", "kind": "masked", "p": 0.5}, {"key": "b", "kind": "uniform"}]
    kept, good = _masked_case(rng, 0.5)
    dropped = torch.zeros_like(kept)
    uniform = torch.rand(4000, generator=rng)

    def verdict(a: torch.Tensor, b: torch.Tensor = uniform) -> tuple[str, str]:
        return check_answer(kp, plan, [kept, uniform], [dropped, uniform], [(["a", "b"], [a, b])] * 2)

    assert verdict(torch.where(good > 0, kept, dropped)) == ("pass", "")
    status, reason = verdict(torch.where(good > 0, kept / 2, dropped))  # kept values not scaled
    assert status == "fail" and "scaled by 1/(1-p)" in reason
    status, reason = verdict(kept)  # nothing dropped
    assert status == "fail" and "kept fraction" in reason
    _, too_many = _masked_case(rng, 0.6)
    assert verdict(torch.where(too_many > 0, kept, dropped))[0] == "fail"  # 60% kept for p = 0.5
    assert "mean" in verdict(torch.where(good > 0, kept, dropped), uniform * 0.5)[1]
    assert "outside [0, 1)" in verdict(torch.where(good > 0, kept, dropped), uniform + 1)[1]


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_random_references_and_answers(tmp_path: Path) -> None:
    suite = _suite()
    problems = {p.id: p for p in suite.problems()}
    ctx = context(tmp_path)
    check = Candidate(code="(self-check)", meta={"selfcheck": True})
    assert suite.evaluate(problems["relu_dropout"], check, ctx).status == Status.PASS
    mixed = suite.evaluate(problems["dropout_matmul"], check, ctx)
    assert mixed.status == Status.FAIL and "mix elements" in mixed.reason  # stays excluded, with the reason
    good = (ANSWERS / "t_relu_dropout.py").read_text()
    verdict = suite.evaluate(problems["relu_dropout"], Candidate(code=good), ctx)
    assert verdict.status == Status.PASS, verdict.reason
    unscaled = suite.evaluate(problems["relu_dropout"], Candidate(code=good.replace("y / (1.0 - p)", "y")), ctx)
    assert unscaled.status == Status.FAIL and "scaled by 1/(1-p)" in unscaled.reason
    cheat = good.replace("    return out\n", "    return torch.nn.functional.dropout(input, p)\n")
    assert suite.evaluate(problems["relu_dropout"], Candidate(code=cheat), ctx).status == Status.REJECTED


def test_errors_that_say_the_cpu_lacks_an_operation() -> None:
    from benchmarks.tritonbench.cpu import cpu_failure

    assert cpu_failure("RuntimeError: linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    assert cpu_failure("RuntimeError: Cannot get CUDA generator without ATen_cuda library. PyTorch splits ...")
    assert not cpu_failure("RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x3 and 4x5)")
