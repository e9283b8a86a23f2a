"""tritonbench-t, honest finding N1: a reference that writes dropout out (``torch.rand_like(x) > p``,
``torch.rand(shape) < 1 - p``, ``torch.bernoulli(full_like(x, 1 - p))``) never calls ``F.dropout``,
so the all-kept and all-dropped reference runs drew real masks, its leaves were classified as
neither fixed nor masked, and every answer was ``infra_error``. Such masks are now read with
constant samplers (:mod:`benchmarks.tritonbench.random_probe`)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from benchmarks.tritonbench import SEPARATOR, TritonBenchTSuite, random_ref, to_problem
from benchmarks.tritonbench.random_ops import classify
from harness.suite import SuiteOptions
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import ANSWERS, bwrap_usable, context

MASKS = {
    "rand_gt": "    mask = (torch.rand_like(input) > p).to(input.dtype)\n    return input * mask / (1 - p)\n",
    "rand_lt_keep": "    keep = torch.rand(input.shape, device=input.device) < (1 - p)\n"
                    "    return torch.where(keep, input / (1 - p), torch.zeros_like(input))\n",
    "bernoulli": "    mask = torch.bernoulli(torch.full_like(input, 1 - p))\n    return input * mask / (1 - p)\n",
    "uniform_in_place": "    drop = torch.empty_like(input).uniform_() < p\n    return input.masked_fill(drop, 0.0) / (1 - p)\n",
}
TEST = '''
import torch

def test_hand_dropout():
    results = {}
    results["test_case_1"] = hand_dropout(torch.randn(64, 64, device='cuda'))
    results["test_case_2"] = hand_dropout(torch.randn(32, 96, device='cuda'), p=0.2)
    results["test_case_3"] = hand_dropout(torch.randn(8, 8, device='cuda'), training=False)
    return results

test_results = test_hand_dropout()
'''


def _operator(mask: str) -> str:
    return ("import torch\n\n\ndef hand_dropout(input: torch.Tensor, p: float = 0.5, training: bool = True)"
            " -> torch.Tensor:\n    if not training or p == 0:\n        return input\n" + mask + SEPARATOR + "\n" + TEST)


@pytest.mark.parametrize("form", sorted(MASKS))
def test_a_hand_written_mask_is_read_as_dropout(tmp_path: Path, form: str) -> None:
    path = tmp_path / "hand_dropout.py"
    path.write_text(_operator(MASKS[form]))
    kp = to_problem(path, None)
    assert kp.meta["random"]
    (tmp_path / "reference.py").write_text(kp.reference_source)
    (tmp_path / "test_section.py").write_text(kp.test_code)
    (tmp_path / "job.json").write_text(json.dumps({"entry": "hand_dropout", "seed": 5, "result_var": "test_results",
                                                   "module_name": "hand_dropout"}))
    report = random_ref.run(tmp_path)  # the reference phase's code, here in-process
    runs = torch.load(tmp_path / "runs.pt", weights_only=True)
    plan, why = classify(kp, runs, report["ps"])
    assert why == ""
    assert [(leaf["key"], leaf["kind"], round(leaf.get("p", 0.0), 6)) for leaf in plan] == [
        ("test_case_1", "masked", 0.5), ("test_case_2", "masked", 0.2), ("test_case_3", "fixed", 0.0)]
    kept, dropped = runs["kept"]["values"][0], runs["dropped"]["values"][0]
    assert bool((dropped == 0).all()) and bool((kept != 0).all())  # the kept run is the kept one


def test_rand_used_as_noise_is_no_mask(tmp_path: Path) -> None:
    """``x + rand_like(x)`` compares its draws with nothing: it runs for real and stays excluded."""
    path = tmp_path / "hand_dropout.py"
    path.write_text(_operator("    return input + torch.rand_like(input) * p\n"))
    kp = to_problem(path, None)
    for name, text in (("reference.py", kp.reference_source), ("test_section.py", kp.test_code)):
        (tmp_path / name).write_text(text)
    (tmp_path / "job.json").write_text(json.dumps({"entry": "hand_dropout", "seed": 5, "result_var": "test_results"}))
    report = random_ref.run(tmp_path)
    plan, why = classify(kp, torch.load(tmp_path / "runs.pt", weights_only=True), report["ps"])
    assert report["ps"] == [[], [], []] and plan == [] and "not uniform draws" in why


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_answers_to_a_hand_written_dropout_are_judged(tmp_path: Path) -> None:
    folder = tmp_path / "tb" / "TritonBench_T_v1"
    folder.mkdir(parents=True)
    (folder / "hand_dropout.py").write_text(_operator(MASKS["rand_gt"]))
    suite = TritonBenchTSuite(SuiteOptions(data=str(tmp_path / "tb"), lang="triton"))
    (problem,) = suite.problems()
    ctx = context(tmp_path)
    check = suite.evaluate(problem, Candidate(code="(self-check)", meta={"selfcheck": True}), ctx)
    assert check.status == Status.PASS, check.reason
    good = (ANSWERS / "t_relu_dropout.py").read_text().replace("relu_dropout", "hand_dropout") \
        .replace("y = tl.maximum(x, 0.0)", "y = x").replace("p=0.5, training=True, inplace=False", "p=0.5, training=True")
    verdict = suite.evaluate(problem, Candidate(code=good), ctx)
    assert verdict.status == Status.PASS, verdict.reason
    unscaled = suite.evaluate(problem, Candidate(code=good.replace("y / (1.0 - p)", "y")), ctx)
    assert unscaled.status == Status.FAIL and "scaled by 1/(1-p)" in unscaled.reason
