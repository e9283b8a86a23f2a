"""Red team 7, kernels family (issue 14): each finding's class, its attacks asserted not to pass and
honest variants asserted to pass.

S5: a wrong answer padded with a 100000-term expression raised RecursionError in the harness's
static stage (``ast.parse``), which the run recorded as the harness's ``infra_error``: the sample was
dropped from the score. Now text Python cannot parse for depth or memory is ``syntax_error`` (CPython
cannot compile it either), text our checks cannot follow is ``rejected`` (``too_complex``), and the
extraction of the code block never raises.

S3: a ``cudaMemcpy`` whose kind is computed from an allowed enumerator
(``static_cast<decltype(cudaMemcpyHostToDevice)>(cudaMemcpyHostToDevice + 1)`` is device to host)
passed the CUDA checks, and so did ``dlsym(nullptr, "cudaMemcpy")``. Now the kind must be a literal
``cudaMemcpyHostToDevice``/``cudaMemcpyDeviceToDevice`` at its position in a listed call form, the
enumerators appear nowhere else, and the loader's/driver's lookups by name are ``cuda_symbol_lookup``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.extract import extract_code
from harness.families.kernels.runner import Runner
from harness.families.kernels.static.check import analyze, check_static
from tests.kernels.helpers import PROBLEMS, bwrap_usable, shared_runner

ROOT = Path(__file__).resolve().parents[2]
RELU_TRITON = (ROOT / "benchmarks/kernels_core/problems/relu/solution_triton.py").read_text()
IDENTITY = '''import torch
import triton
import triton.language as tl


@triton.jit
def _copy(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask), mask=mask)


class ModelNew(torch.nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        n = x.numel()
        _copy[(triton.cdiv(n, 1024),)](x, y, n, BLOCK=1024)
        return y
'''

# -- S5: answer-controlled parser and checker failures ---------------------------------------------

PADS = {  # name: (padding line, the verdict of the padded identity answer)
    "rt7_sum_100000_terms": ("_PAD = " + "+".join(["1"] * 100000), "syntax_error"),
    "minus_100000": ("_PAD = " + "-" * 100000 + "1", "syntax_error"),
    "not_50000": ("_PAD = " + "not " * 50000 + "1", "syntax_error"),
    "attribute_chain": ("_PAD = math" + ".a" * 100000, "syntax_error"),
    "sum_900_terms": ("_PAD = " + "+".join(["1"] * 900), "rejected"),  # parses; our checks cannot follow it
}


@pytest.fixture(scope="module")
def runner() -> Runner:
    return shared_runner()  # one sandbox and fork servers per test process


def _evaluate(tmp_path: Path, runner: Runner, code: str, lang: str = "triton") -> dict[str, Any]:
    return evaluate_kernel(PROBLEMS / "relu", code, lang, tmp_path / "w", gpu=False, timeout_s=240.0, seeds=1,
                           runner=runner, ref_cache=tmp_path / "refs")


class TestDeepAnswers:
    """S5: the answer's shape is the answer's failure, never the harness's."""

    @pytest.mark.parametrize("name", sorted(PADS))
    def test_padded_wrong_answer_is_the_answers_failure(self, tmp_path: Path, runner: Runner, name: str) -> None:
        pad, expected = PADS[name]
        r = _evaluate(tmp_path, runner, IDENTITY.replace("import math\n", "") + "\nimport math\n" + pad + "\n")
        assert r["status"] == expected, r["reason"]
        assert ("nested too deeply" in r["reason"]) if expected == "syntax_error" else r["reason"].startswith(
            "too_complex"), r["reason"]

    def test_the_padded_golden_answer_is_not_dropped_either(self, tmp_path: Path, runner: Runner) -> None:
        r = _evaluate(tmp_path, runner, RELU_TRITON + "\n_PAD = " + "+".join(["1"] * 100000) + "\n")
        assert r["status"] == "syntax_error", r["reason"]

    def test_analyze_never_raises_anything_but_syntax_error(self) -> None:
        for pad, expected in PADS.values():
            code = RELU_TRITON + "\n" + pad + "\n"
            if expected == "syntax_error":
                with pytest.raises(SyntaxError):
                    analyze(code, "triton")
            else:
                assert [v.rule for v in analyze(code, "triton")[0]] == ["too_complex"]

    def test_extraction_of_a_deep_response_does_not_raise(self) -> None:
        pad = "_PAD = " + "+".join(["1"] * 100000) + "\n"
        assert extract_code(pad) is None  # no fence and not parseable: no_code
        assert extract_code("I could not finish; here is a table:\n```\n" + pad + "```\n") is None  # untagged block
        assert extract_code("```python\n" + pad + "```\n") == pad  # a fenced block is taken as it is

    def test_honest_nesting_is_accepted(self) -> None:
        """Ordinary depth stays fine: a 60-term sum, nested parentheses and a long chain of views."""
        extra = ("\nSCALE = " + " + ".join(["1"] * 60) + "\nDEPTH = " + "(" * 40 + "1" + ")" * 40 + "\n")
        assert check_static(RELU_TRITON + extra, "triton") == []
        views = RELU_TRITON.replace("x.contiguous()", "x" + ".view(-1)" * 30 + ".contiguous()")
        assert views != RELU_TRITON and check_static(views, "triton") == []


# -- S3: CUDA copies whose direction the checks cannot read ----------------------------------------

_KIND = "cudaMemcpyHostToDevice"
_BODY = '''
torch::Tensor relu_forward(torch::Tensor x) {{
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    float *h = new float[n > 0 ? n : 1];
{decl}    {copy};
    for (long long i = 0; i < n; i++) h[i] = h[i] > 0.0f ? h[i] : 0.0f;
    cudaMemcpy(y.data_ptr<float>(), h, n * sizeof(float), cudaMemcpyHostToDevice);
    delete[] h;
    touch_kernel<<<1, 32>>>(y.data_ptr<float>(), n);
    return y;
}}
'''
_MODULE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
{head}
__global__ void touch_kernel(float* __restrict__ y, long long n) {{
    if (n < 0) y[0] = 0.0f;
}}
{body}"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="kc_relu_rt7", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''
_SRC = "h, xc.data_ptr<float>(), n * sizeof(float)"
CUDA_ATTACKS = {  # name: (head, declarations, the copy to the host, rule)
    "rt7_decltype_plus_one": ("", "", f"cudaMemcpy({_SRC}, static_cast<decltype({_KIND})>({_KIND} + 1))",
                              "cuda_host_copy"),
    "device_to_device_minus_one": ("", "", f"cudaMemcpy({_SRC}, static_cast<decltype(cudaMemcpyDeviceToDevice)>"
                                   "(cudaMemcpyDeviceToDevice - 1))", "cuda_host_copy"),
    "allowed_kind_elsewhere_in_the_call": ("", "", f"cudaMemcpy(h, xc.data_ptr<float>(), n * sizeof(float) + 0 * "
                                           f"{_KIND}, static_cast<decltype({_KIND})>(2))", "cuda_host_copy"),
    "local_named_like_the_enumerator": ("", "    auto cudaMemcpyDeviceToDevice = static_cast<decltype("
                                        f"{_KIND})>(2);\n", f"cudaMemcpy({_SRC}, cudaMemcpyDeviceToDevice)",
                                        "cuda_host_copy"),
    "conditional_kind": ("", "", f"cudaMemcpy({_SRC}, n > 0 ? {_KIND} : cudaMemcpyDeviceToDevice)", "cuda_host_copy"),
    "kind_from_a_template_argument": ("template <class K> K as_kind(int v) { return static_cast<K>(v); }", "",
                                      f"cudaMemcpy({_SRC}, as_kind<decltype({_KIND})>(2))", "cuda_host_copy"),
    "async_with_computed_kind": ("", "", f"cudaMemcpyAsync({_SRC}, static_cast<decltype({_KIND})>(2), 0)",
                                 "cuda_host_copy"),
    "rt7_dlsym": ('extern "C" void* dlsym(void*, const char*);\ntypedef int (*copy_fn)(void*, const void*, size_t, '
                  "int);", "", f'((copy_fn)dlsym(nullptr, "cudaMemcpy"))({_SRC}, 2)', "cuda_symbol_lookup"),
    "dlopen_then_dlsym": ("#include <dlfcn.h>\ntypedef int (*copy_fn)(void*, const void*, size_t, int);",
                          '    void* lib = dlopen("libcudart.so", RTLD_NOW);\n',
                          f'((copy_fn)dlsym(lib, "cudaMemcpy"))({_SRC}, 2)', "cuda_symbol_lookup"),
    "driver_entry_point": ("typedef int (*dtoh_fn)(void*, unsigned long long, size_t);",
                           '    void* fp = nullptr;\n    cudaGetDriverEntryPoint("cuMemcpyDtoH", &fp, 0);\n',
                           "((dtoh_fn)fp)(h, (unsigned long long)xc.data_ptr<float>(), n * sizeof(float))",
                           "cuda_symbol_lookup"),
}
CUDA_HONEST = {  # copies to and within the device, written as people write them
    "device_to_device": "cudaMemcpy(y.data_ptr<float>(), xc.data_ptr<float>(), 0, cudaMemcpyDeviceToDevice)",
    "parenthesised_and_qualified": "cudaMemcpy(y.data_ptr<float>(), xc.data_ptr<float>(), n * sizeof(float), "
                                   "(::cudaMemcpyDeviceToDevice))",
    "async_on_a_stream": "cudaMemcpyAsync(y.data_ptr<float>(), xc.data_ptr<float>(), n * sizeof(float), "
                         "cudaMemcpyDeviceToDevice, at::cuda::getCurrentCUDAStream())",
    "two_d": "cudaMemcpy2D(y.data_ptr<float>(), 4, xc.data_ptr<float>(), 4, 4, n, cudaMemcpyDeviceToDevice)",
    "to_symbol": "cudaMemcpyToSymbol(c_scale, h, sizeof(float), 0, cudaMemcpyHostToDevice)",
}


def _cuda(head: str, decl: str, copy: str) -> str:
    const = "__constant__ float c_scale;\n" if "c_scale" in copy and "c_scale" not in head else ""
    return _MODULE.format(head=const + head, body=_BODY.format(decl=decl, copy=copy))


class TestCudaCopyKinds:
    """S3: the direction of every copy is read where the compiler reads it."""

    @pytest.mark.parametrize("name", sorted(CUDA_ATTACKS))
    def test_copies_to_the_host_are_rejected(self, name: str) -> None:
        head, decl, copy, rule = CUDA_ATTACKS[name]
        found = check_static(_cuda(head, decl, copy), "cuda")
        assert rule in [v.rule for v in found], found

    @pytest.mark.parametrize("name", sorted(CUDA_HONEST))
    def test_copies_to_the_device_are_accepted(self, name: str) -> None:
        assert check_static(_cuda("", "", CUDA_HONEST[name]), "cuda") == []

    # kernels-hard's (and kernels-core's) CUDA goldens pass check_static(code, "cuda") in
    # tests/security/test_kernel_cuda_rt8.py::test_goldens_and_the_honest_corpus_are_accepted.

    def test_the_message_names_the_computed_kind(self) -> None:
        head, decl, copy, _ = CUDA_ATTACKS["rt7_decltype_plus_one"]
        found = check_static(_cuda(head, decl, copy), "cuda")
        assert any("not a literal cudaMemcpyHostToDevice or cudaMemcpyDeviceToDevice" in v.detail for v in found)

    @pytest.mark.slow
    @pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
    def test_rejected_before_anything_is_built(self, tmp_path: Path, runner: Runner) -> None:
        head, decl, copy, _ = CUDA_ATTACKS["rt7_decltype_plus_one"]
        r = _evaluate(tmp_path, runner, _cuda(head, decl, copy), lang="cuda")
        assert r["status"] == "rejected" and r["reason"].startswith("cuda_host_copy"), r["reason"]
        assert "compile" not in r["stages"] or r["stages"]["compile"].get("status") in (None, "not_run")
