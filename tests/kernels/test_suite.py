"""KernelSuite pieces without running kernels: prompts, extraction, self-check secrecy, verdicts,
metrics, pickling for remote executors, shape scaling and the CUDA-to-CPU device mapping."""
from __future__ import annotations

import pickle

import pytest
import torch

from benchmarks.kernels_core import KernelsCoreSuite
from harness.families.kernels.sandboxed.hooks import device_remap
from harness.families.kernels.sandboxed.refcases import exec_module, int_constants, scale_candidates
from harness.families.kernels.suite import kernel_metrics, to_verdict
from harness.suite import SuiteOptions
from harness.types import Completion, Status
from tests.kernels.helpers import PROBLEM_IDS, golden


def _suite(lang: str = "triton", **extra: str) -> KernelsCoreSuite:
    return KernelsCoreSuite(SuiteOptions(lang=lang, extra={"device": "cpu", **extra}))


def test_problems_goldens_and_prompts() -> None:
    for lang in ("triton", "cuda"):
        suite = _suite(lang)
        problems = list(suite.problems())
        assert [p.id for p in problems] == PROBLEM_IDS
        relu = next(p for p in problems if p.id == "relu")
        assert relu.reference == golden("relu", lang)
        prompt = suite.prompt(relu)
        assert prompt.messages[0].role == "system" and "class Model" in prompt.text
        assert ("@triton.jit" in prompt.text) == (lang == "triton")
        cand = suite.extract(relu, Completion("kernels-core", "relu", 0, suite.reference_response(relu)))
        assert cand is not None and cand.code.strip() == golden("relu", lang).strip()
        mutant = suite.extract(relu, Completion("kernels-core", "relu", 0, suite.mutant_response(relu, 1)))
        assert mutant is not None and mutant.code != cand.code
    assert _suite().resources(relu) == {"CPU": 1}
    assert _suite().content_hash() == _suite().content_hash()


def test_selfcheck_marker_needs_the_suite_secret() -> None:
    suite = _suite()
    relu = next(p for p in suite.problems() if p.id == "relu")
    relu.reference = None  # as for KernelBench: no golden, so the reference answer is a self-check
    text = suite.reference_response(relu)
    assert suite.extract(relu, Completion("s", "relu", 0, text)).meta.get("selfcheck") is True
    other = _suite()  # another run, another secret: a replayed marker is just a comment
    forged = other.extract(relu, Completion("s", "relu", 0, text))
    assert forged is not None and not forged.meta.get("selfcheck")


def test_suite_pickles_without_loaded_modules() -> None:
    suite = _suite()
    problems = list(suite.problems())
    clone = pickle.loads(pickle.dumps(suite))
    assert clone._kp == {}
    assert clone.kernel_problem(problems[0]).id == problems[0].id


def test_to_verdict_and_metrics() -> None:
    r = {"status": "rejected", "reason": "torch_compute: torch.relu outside a kernel (line 3)",
         "stages": {"static": {"status": "rejected", "violations": []}, "compile": {"status": "not_run"}}}
    v = to_verdict(r)
    assert v.status == Status.REJECTED and v.rule == "torch_compute" and "compiled" not in v.metrics
    ok = to_verdict({"status": "pass", "reason": "", "stages": {
        "compile": {"status": "pass"}, "perf": {"status": "pass", "speedup": 1.8, "speedup_vs_compile": 0.9,
                                               "candidate": {"median_ms": 0.5}}}})
    assert ok.metrics == {"compiled": True, "speedup": 1.8, "speedup_vs_compile": 0.9, "median_ms": 0.5}

    def rec(pid: str, status: str, **metrics: float) -> dict:
        return {"problem_id": pid, "status": status, "metrics": {"compiled": status != "syntax_error", **metrics}}

    cpu = kernel_metrics([rec("a", "pass"), rec("a", "syntax_error"), rec("b", "fail")])
    assert cpu["compile_rate"]["mean"] == pytest.approx(0.75) and "fast_1" not in cpu
    gpu = kernel_metrics([rec("a", "pass", speedup=2.5), rec("a", "pass", speedup=0.5),
                          rec("b", "fail", speedup=3.0), rec("b", "pass", speedup=1.2)])
    assert gpu["fast_0"]["mean"] == pytest.approx(0.75)  # fast_0: correct
    assert gpu["fast_1"]["mean"] == pytest.approx(0.5)
    assert gpu["fast_1.5"]["mean"] == pytest.approx(0.25) and gpu["fast_2"]["mean"] == pytest.approx(0.25)
    assert gpu["speedup"]["n"] == 4


def test_int_constants_and_scale_candidates() -> None:
    src = ("batch_size = 4096\ndim = 2048 * 8\nkernel_size = 128\nsmall = 3\nh = w = 256\n"
           "shape = (batch_size, dim)\nname = 'x'\n")
    assert int_constants(src) == {"batch_size": 4096, "dim": 16384, "kernel_size": 128, "small": 3, "h": 256,
                                  "w": 256, "shape": (4096, 16384)}
    assert int_constants("depth, height, width = 16, 32, 64\na, b = f()\n") == {"depth": 16, "height": 32, "width": 64}
    cands = scale_candidates(src)
    # the least scaling first; kernel_size and small constants kept; tuples scaled element-wise
    assert cands[0] == {"batch_size": 1024, "dim": 4096, "h": 64, "w": 64, "shape": (1024, 4096)}
    assert {"batch_size": 256, "dim": 1024, "h": 16, "w": 16, "shape": (256, 1024)} in cands
    assert [c["batch_size"] for c in cands] == sorted((c["batch_size"] for c in cands), reverse=True)


def test_exec_module_overrides_flow_into_derived_constants() -> None:
    src = "out_channels = 128\nbias_shape = (out_channels, 1, 1)\ndef get_init_inputs():\n    return [bias_shape]\n"
    mod = exec_module(src, "hweval_test_mod", "<test>", {"out_channels": 8})
    assert mod.out_channels == 8 and mod.get_init_inputs() == [(8, 1, 1)]
    shaped = exec_module("input_shape = (4096,)\n", "hweval_test_mod2", "<test>", {"input_shape": [256]})
    assert shaped.input_shape == (256,)  # a JSON list back as the tuple it replaces


def test_device_remap_maps_cuda_to_cpu_only_on_cpu() -> None:
    with device_remap("cpu"):
        tensors = [torch.tensor([1.0], device="cuda"), torch.randn(2, device=torch.device("cuda")),
                   torch.ones(2).cuda(), torch.ones(2).to("cuda"), torch.zeros(1, device="cuda:0")]
    assert all(t.device.type == "cpu" for t in tensors)
    with device_remap("cuda"), pytest.raises((RuntimeError, AssertionError)):
        torch.ones(1, device="cuda") if not torch.cuda.is_available() else (_ for _ in ()).throw(RuntimeError())
