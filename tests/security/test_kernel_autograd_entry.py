"""Issue #14 (public flow, known false rejection): 10 of the 28 TritonBench-G references written
around a ``torch.autograd.Function`` have no module-level wrapper: the reference binds
``name = Cls.apply`` and the test section calls ``name(...)``, or the test calls ``Cls.apply(...)``
itself. The loader dropped them ("calls no module-level function"). Now the entry is that name or
that class (``benchmarks.tritonbench.g._apply_entry``); the answer binds ``entry = Cls.apply`` once at
module level (a call of ``Cls.forward``: ``static.applyentry``) or defines the class; any other use of
the class or the name stays rejected, and ``forward``'s parameters take the entry's kinds from the
reference's calls."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.tritonbench import TritonBenchGSuite
from benchmarks.tritonbench.g import entry_and_result
from harness.families.kernels.static.check import analyze, scalar_positions
from harness.suite import SuiteOptions
from harness.types import Candidate, Completion, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context
from tests.security.test_kernel_autograd_fn import HONEST, SEPARATOR

#: the class of test_kernel_autograd_fn, with its module function replaced by the alias
ALIAS = HONEST.replace("def scale(x, alpha):\n    return Scale.apply(x, alpha)\n", "scale = Scale.apply\n")
#: the class alone: the test section calls Scale.apply itself
CLASS = HONEST.replace("def scale(x, alpha):\n    return Scale.apply(x, alpha)\n", "")
TEST_ALIAS = '''
import torch

def test_scale():
    results = {}
    x = torch.randn(4, 16, device='cuda', requires_grad=True)
    out = scale(x, 2.0)
    out.sum().backward()
    results['test_case_1'] = out.detach().clone()
    results['test_case_2'] = x.grad.clone()
    results['test_case_3'] = scale(torch.randn(300, device='cuda'), -0.5, 128)
    return results

result_gold = test_scale()
'''
TEST_CLASS = TEST_ALIAS.replace("= scale(", "= Scale.apply(")


def _rules(code: str, entry: str, reference: str, test: str) -> set[str]:
    scalars = scalar_positions(reference, function=entry, test_code=test)
    return {v.rule for v in analyze(code, "triton", entry=entry, kind="function", scalars=scalars)[0]}


def test_the_loader_finds_the_alias_or_the_class() -> None:
    assert entry_and_result(ALIAS, TEST_ALIAS) == ("scale", "result_gold")
    assert entry_and_result(CLASS, TEST_CLASS) == ("Scale", "result_gold")
    # forward called with a made-up ctx (streamk_matmul's ``matmul.forward(None, ...)``): still none
    assert entry_and_result(CLASS, TEST_ALIAS.replace("= scale(", "= Scale.forward(None, "))[0] is None


def test_forward_takes_the_entrys_kinds_from_the_calls() -> None:
    for ref, test, entry in ((ALIAS, TEST_ALIAS, "scale"), (CLASS, TEST_CLASS, "Scale")):
        scalars = scalar_positions(ref, function=entry, test_code=test)
        assert {1, 2, "alpha", "block"} <= scalars and 0 not in scalars and "*@0" in scalars, scalars


def test_the_references_pass_the_static_rules() -> None:
    assert _rules(ALIAS, "scale", ALIAS, TEST_ALIAS) == set()
    assert _rules(CLASS, "Scale", CLASS, TEST_CLASS) == set()


@pytest.mark.parametrize(("name", "code", "rule"), [
    # the alias under another name, bound twice, rebound through global, named by the answer
    ("other_name", ALIAS.replace("scale = Scale.apply\n", "scale = Scale.apply\nscaled = Scale.apply\n"), "forbidden_call"),
    ("twice", ALIAS + "\nscale = Scale.apply\n", "shadowing"),
    ("global", ALIAS + "\n\ndef swap():\n    global scale\n    scale = None\n", "no_entry_function"),
    ("named", ALIAS + "\n\ndef twice(x):\n    return scale(scale(x, 1.0), 1.0)\n", "forbidden_call"),
    # not an autograd Function's apply
    ("plain", ALIAS.replace("scale = Scale.apply\n", "scale = scale_kernel.run\n"), "no_entry_function"),
    # compute in forward stays torch_compute (x a possible tensor, alpha a size)
    ("compute", ALIAS.replace("        return out\n\n    @staticmethod\n    def backward",
                              "        return x * alpha\n\n    @staticmethod\n    def backward"), "torch_compute"),
    # x stays a possible tensor (the test passes tensors there)
    ("host_read", ALIAS.replace("        n = x.numel()\n", "        n = int(x[0])\n", 1), "torch_compute"),
])
def test_other_uses_stay_rejected(name: str, code: str, rule: str) -> None:
    assert rule in _rules(code, "scale", ALIAS, TEST_ALIAS), name


def test_the_class_entry_is_only_an_autograd_function() -> None:
    plain = CLASS.replace("class Scale(torch.autograd.Function):", "class Scale:")
    assert "no_entry_function" in _rules(plain, "Scale", CLASS, TEST_CLASS)
    # the class is named only by Cls.apply(...) calls
    assert "forbidden_call" in _rules(CLASS + "\nS = Scale\n", "Scale", CLASS, TEST_CLASS)


def _suite(tmp_path: Path) -> TritonBenchGSuite:
    folder = tmp_path / "tb" / "TritonBench_G_v1"
    folder.mkdir(parents=True)
    rows = []
    for name, ref, test in (("scale_alias", ALIAS, TEST_ALIAS), ("scale_class", CLASS, TEST_CLASS)):
        (folder / f"{name}.py").write_text(ref + "\n\n" + SEPARATOR + "\n" + test)
        rows.append({"file": f"{name}.py", "repo": "example/repo", "star": 1, "difficulty": 2, "output": ref,
                     "simp_instru": "Write Scale.", "comp_instru": "The autograd function `Scale` ..."})
    (tmp_path / "tb" / "TritonBench_G_v1.json").write_text(json.dumps(rows))
    return TritonBenchGSuite(SuiteOptions(data=str(tmp_path / "tb"), lang="triton"))


def test_both_forms_load(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    got = {p.id: suite.kernel_problem(p).entry for p in suite.problems()}
    assert got == {"scale_alias": "scale", "scale_class": "Scale"}
    assert suite.load_exclusions() == {}


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_goldens_pass_and_wrong_answers_do_not(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    ctx = context(tmp_path)
    for problem in suite.problems():
        resp = suite.reference_response(problem)
        cand = suite.extract(problem, Completion(suite.name, problem.id, 0, resp))
        assert cand is not None
        verdict = suite.evaluate(problem, Candidate(code=cand.code), ctx)
        assert verdict.status == Status.PASS, (problem.id, verdict.reason)
        # a backward launched with the wrong factor: only the gradient is wrong
        wrong = cand.code.replace("n, ctx.alpha, BLOCK_SIZE=ctx.block)", "n, ctx.alpha + 1.0, BLOCK_SIZE=ctx.block)")
        verdict = suite.evaluate(problem, Candidate(code=wrong), ctx)
        assert verdict.status == Status.FAIL and "test_case_2" in verdict.reason, (problem.id, verdict.reason)
        # a backward that zeroes the incoming gradient is a write the watch sees
        wipe = cand.code.replace("        dy = dy.contiguous()\n",
                                 "        dy = dy.contiguous()\n        scale_kernel[(1,)](dy, dy, dy.numel(), 0.0, "
                                 "BLOCK_SIZE=1024)\n")
        verdict = suite.evaluate(problem, Candidate(code=wipe), ctx)
        assert verdict.status in (Status.REJECTED, Status.FAIL), (problem.id, verdict.reason)
