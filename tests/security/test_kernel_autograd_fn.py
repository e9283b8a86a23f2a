"""Issue #14, honest round 11 O8: 28 TritonBench-G references are written around a
``torch.autograd.Function`` subclass (``class Fast_RMS_Layernorm(torch.autograd.Function)`` with
``@staticmethod forward(ctx, ...)`` / ``backward(ctx, ...)`` launching kernels, ``ctx.save_for_backward``,
``ctx.saved_tensors``, ``ctx.eps = eps``, and ``Fast_RMS_Layernorm.apply(X, W, eps)`` in the module
function). The static policy allowed only ``nn.Module`` classes: such problems were excluded and an
answer following the instruction's class structure was rejected. Now such a class is checked like a
module's methods (:mod:`harness.families.kernels.static.autograd`); torch compute in ``forward`` or
``backward``, other autograd machinery and ``forward`` called with a made-up ctx stay rejected."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.tritonbench import TritonBenchGSuite
from harness.families.kernels.static.check import analyze
from harness.suite import SuiteOptions
from harness.types import Candidate, Completion, Status
from tests.kernel_benchmarks.helpers import TRITONBENCH, bwrap_usable, context

SEPARATOR = "#" * 146

HONEST = '''import torch
import triton
import triton.language as tl


@triton.jit
def scale_kernel(x_ptr, out_ptr, n, alpha, BLOCK_SIZE: tl.constexpr):
    offs = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(out_ptr + offs, x * alpha, mask=mask)


class Scale(torch.autograd.Function):
    """y = alpha * x; dy/dx = alpha (both by the kernel)."""

    @staticmethod
    def forward(ctx, x, alpha, block=256):
        x = x.contiguous()
        out = torch.empty_like(x)
        n = x.numel()
        scale_kernel[(triton.cdiv(n, block),)](x, out, n, alpha, BLOCK_SIZE=block)
        ctx.alpha = alpha
        ctx.block = block
        ctx.save_for_backward(x)
        ctx.mark_non_differentiable(x)
        ctx.set_materialize_grads(False)
        return out

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        if not ctx.needs_input_grad[0]:
            return None, None, None
        dy = dy.contiguous()
        dx = torch.empty_like(dy)
        n = dy.numel()
        scale_kernel[(triton.cdiv(n, ctx.block),)](dy, dx, n, ctx.alpha, BLOCK_SIZE=ctx.block)
        return dx.view(x.shape), None, None


def scale(x, alpha):
    return Scale.apply(x, alpha)
'''

SETUP_CONTEXT = HONEST.replace('''    def forward(ctx, x, alpha, block=256):''', '''    def forward(x, alpha, block=256):''').replace(
    '''        ctx.alpha = alpha
        ctx.block = block
        ctx.save_for_backward(x)
        ctx.mark_non_differentiable(x)
        ctx.set_materialize_grads(False)
        return out
''', '''        return out

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, alpha = inputs
        ctx.alpha = 2.0
        ctx.block = 256
        ctx.save_for_backward(x)
''')

TEST = '''
import torch

def test_scale():
    results = {}
    x1 = torch.randn(4, 16, device='cuda')
    results['test_case_1'] = scale(x1, 2.0)
    x2 = torch.randn(300, device='cuda')
    results['test_case_2'] = scale(x2, -0.5)
    return results

result_gold = test_scale()
'''
TEST_BACKWARD = '''
import torch

def test_scale_backward():
    results = {}
    x = torch.randn(4, 16, device='cuda', requires_grad=True)
    out = scale(x, 3.0)
    out.sum().backward()
    results['test_case_1'] = out.detach().clone()
    results['test_case_2'] = x.grad.clone()
    return results

result_gold = test_scale_backward()
'''


def _violations(code: str) -> list[tuple[str, str]]:
    return [(v.rule, v.detail) for v in analyze(code, "triton", entry="scale", kind="function",
                                                 scalars=frozenset({1}))[0]]


def test_honest_function_classes_pass() -> None:
    assert _violations(HONEST) == []
    assert _violations(SETUP_CONTEXT) == []
    # ctx attributes named like Triton tensor methods (fast_rope_embedding's ``ctx.cos = cos``)
    assert _violations(HONEST.replace("ctx.alpha", "ctx.cos")) == []


@pytest.mark.parametrize(("name", "old", "new", "rule"), [
    # torch computes in forward / in backward (the test section may call .backward())
    ("forward_compute", "        return out\n\n    @staticmethod\n    def backward",
     "        return x * alpha\n\n    @staticmethod\n    def backward", "torch_compute"),
    ("backward_compute", "        return dx.view(x.shape), None, None", "        return dy * ctx.alpha, None, None",
     "torch_compute"),
    ("saved_compute", "        (x,) = ctx.saved_tensors", "        (x,) = ctx.saved_tensors\n        x.mul_(2)",
     "torch_compute"),
    # a torch function kept on ctx and called later
    ("ctx_callable", "        ctx.alpha = alpha\n", "        ctx.alpha = alpha\n        ctx.f = torch.mul\n",
     "torch_compute"),
    ("ctx_call", "        (x,) = ctx.saved_tensors", "        (x,) = ctx.saved_tensors\n        ctx.f(x)",
     "forbidden_call"),
    ("ctx_reserved", "        ctx.alpha = alpha\n", "        ctx.alpha = alpha\n        ctx.saved_tensors = (x,)\n",
     "forbidden_attribute"),
    ("ctx_rebound", "        (x,) = ctx.saved_tensors", "        ctx = torch\n        (x,) = ctx.saved_tensors",
     "forbidden_statement"),
    ("ctx_passed", "        (x,) = ctx.saved_tensors", "        (x,) = ctx.saved_tensors\n"
     "        scale_kernel[(1,)](ctx, dy, 1, 1.0, BLOCK_SIZE=16)", "host_object"),
    ("ctx_returned", "        return out\n\n    @staticmethod\n    def backward",
     "        return out, ctx\n\n    @staticmethod\n    def backward", "host_object"),
    ("ctx_hook", "        ctx.alpha = alpha\n", "        ctx.alpha = alpha\n        ctx.register_hook(print)\n",
     "forbidden_call"),
    # forward called directly with a made-up ctx; the class as a value
    ("fake_ctx", "    return Scale.apply(x, alpha)", "    return Scale.forward(None, x, alpha)", "forbidden_call"),
    ("apply_value", "    return Scale.apply(x, alpha)", "    f = Scale.apply\n    return f(x, alpha)", "forbidden_call"),
    # other class shapes and autograd machinery
    ("extra_method", "    @staticmethod\n    def backward", "    @staticmethod\n    def helper(x):\n        return x\n\n"
     "    @staticmethod\n    def backward", "forbidden_class"),
    ("class_attr", '    """y = alpha', '    cache = {}\n    """y = alpha', "forbidden_class"),
    ("init", '    """y = alpha', '    def __init__(self):\n        pass\n    """y = alpha', "forbidden_class"),
    ("not_static", "    @staticmethod\n    def backward", "    @classmethod\n    def backward", "forbidden_decorator"),
    ("once_diff", "    @staticmethod\n    def backward",
     "    @staticmethod\n    @torch.autograd.function.once_differentiable\n    def backward", "forbidden_decorator"),
    ("metaclass", "class Scale(torch.autograd.Function):", "class Scale(torch.autograd.Function, metaclass=type):",
     "forbidden_class"),
    ("grad_api", "        (x,) = ctx.saved_tensors", "        (x,) = ctx.saved_tensors\n        torch.autograd.grad(x, x)",
     "forbidden_attribute"),
])
def test_hidden_compute_and_other_autograd_use_are_rejected(name: str, old: str, new: str, rule: str) -> None:
    assert old in HONEST, name
    got = _violations(HONEST.replace(old, new, 1))
    assert rule in {r for r, _ in got}, (name, got)


def test_backward_seen_even_without_apply() -> None:
    """``backward`` is checked whether or not anything calls it (the autograd engine does)."""
    code = HONEST.replace("    return Scale.apply(x, alpha)", "    return x.new_empty(x.shape)").replace(
        "        return dx.view(x.shape), None, None", "        return dy.exp(), None, None")
    assert "torch_compute" in {r for r, _ in _violations(code)}


def _data(tmp_path: Path) -> Path:
    """The fixtures' TritonBench-G data with one problem written around an autograd Function."""
    data = tmp_path / "tb"
    shutil.copytree(TRITONBENCH, data)
    g = data / "data" / "TritonBench_G_v1"
    meta = data / "data" / "TritonBench_G_v1.json"
    rows = json.loads(meta.read_text())
    for name, test in (("scale_fn", TEST), ("scale_bw", TEST_BACKWARD)):
        (g / f"{name}.py").write_text(HONEST + "\n\n" + SEPARATOR + "\n" + test)
        rows.append({**rows[0], "file": f"{name}.py", "output": HONEST,
                     "comp_instru": "\n            The code defines `scale_kernel` and the autograd function `Scale` ...\n"})
    meta.write_text(json.dumps(rows))
    return data


def test_a_function_class_problem_is_loaded(tmp_path: Path) -> None:
    suite = TritonBenchGSuite(SuiteOptions(data=str(_data(tmp_path)), lang="triton"))
    assert {"scale_fn", "scale_bw"} <= {p.id for p in suite.problems()}


def _problem_and_golden(tmp_path: Path, pid: str) -> tuple[TritonBenchGSuite, object, str]:
    suite = TritonBenchGSuite(SuiteOptions(data=str(_data(tmp_path)), lang="triton"))
    problem = next(p for p in suite.problems() if p.id == pid)
    cand = suite.extract(problem, Completion(suite.name, problem.id, 0, suite.reference_response(problem)))
    assert cand is not None
    return suite, problem, cand.code


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_function_class_golden_passes_and_torch_forward_is_rejected(tmp_path: Path) -> None:
    suite, problem, gold = _problem_and_golden(tmp_path, "scale_fn")
    ctx = context(tmp_path)
    verdict = suite.evaluate(problem, Candidate(code=gold), ctx)  # type: ignore[arg-type]
    assert verdict.status == Status.PASS, verdict.reason
    cheat = gold.replace("        return out\n\n    @staticmethod\n    def backward",
                              "        return x * alpha\n\n    @staticmethod\n    def backward")
    verdict = suite.evaluate(problem, Candidate(code=cheat), ctx)  # type: ignore[arg-type]
    assert verdict.status == Status.REJECTED and verdict.rule == "torch_compute", verdict.reason


def test_backward_run_by_the_engine_is_recorded(tmp_path: Path) -> None:
    """At run time the answer's ``backward`` (called by the autograd engine, outside any call of the
    entry) runs under the case's op recorder: a torch op there is recorded like one in the entry."""
    import importlib.util

    import torch

    from harness.families.kernels.sandboxed.guards import GuardSet
    from harness.families.kernels.sandboxed.hooks import LaunchCounter, make_op_recorder
    from harness.families.kernels.sandboxed.worker_function import _recording, record_backward

    path = tmp_path / "answer_mod.py"
    path.write_text("import torch\n\n\nclass Twice(torch.autograd.Function):\n    @staticmethod\n"
                    "    def forward(ctx, x):\n        return x.clone()\n\n    @staticmethod\n"
                    "    def backward(ctx, dy):\n        return dy * 2\n")
    spec = importlib.util.spec_from_file_location("answer_mod", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for _ in range(2):  # a case after another: the original backward is wrapped, never a wrapper
        counter = LaunchCounter()
        recorder = make_op_recorder(counter)
        record_backward(mod, _recording(recorder, [False], GuardSet(), counter))
        x = torch.ones(3, requires_grad=True)
        mod.Twice.apply(x).sum().backward()
        assert x.grad is not None and x.grad.tolist() == [2.0, 2.0, 2.0]
        assert recorder.ops.get("aten::mul") == 1, dict(recorder.ops)


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_a_test_section_calling_backward_runs_the_answers_backward(tmp_path: Path) -> None:
    """The answer's test section runs with autograd on, as the reference's does: the golden's
    ``.backward()`` runs its backward kernel and passes; a backward kernel launched with the wrong
    factor fails on the gradient alone."""
    suite, problem, gold = _problem_and_golden(tmp_path, "scale_bw")
    ctx = context(tmp_path)
    verdict = suite.evaluate(problem, Candidate(code=gold), ctx)  # type: ignore[arg-type]
    assert verdict.status == Status.PASS, verdict.reason
    wrong = gold.replace("n, ctx.alpha, BLOCK_SIZE=ctx.block)", "n, ctx.alpha + 1.0, BLOCK_SIZE=ctx.block)")
    assert wrong != gold
    verdict = suite.evaluate(problem, Candidate(code=wrong), ctx)  # type: ignore[arg-type]
    assert verdict.status == Status.FAIL and "test_case_2" in verdict.reason and "test_case_1" not in verdict.reason, \
        verdict.reason
