"""Issue 14, kernels, round 11: CUDA static rules on honest idioms the rules rejected (honest11) and
on a host address turned into an integer (red team rt11b S1). Each honest form must be accepted with
no violation; each attack rejected with its rule. Static and fast: no nvcc.
"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static

_MODULE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <torch/extension.h>
#include <iterator>
#include <tuple>
#include <vector>
{head}
__global__ void relu_kernel(const float* __restrict__ x, float* __restrict__ y, long long n) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = fmaxf(x[i], 0.0f) * c_scale[0];
}}

torch::Tensor relu_forward(torch::Tensor x) {{
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    unsigned blocks = (unsigned)((n + 255) / 256);
{body}
    return y;
}}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="kc_relu_rt11", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose={flags}False{cflags})


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''
_SYM = "__constant__ float c_scale[4];"
_LAUNCH = "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);"


def answer(head: str, body: str, cflags: str = "") -> str:
    return _MODULE.format(head=_SYM + "\n" + head, body=body, flags="",
                          cflags=f", extra_cuda_cflags={cflags}" if cflags else "")


def _found(code: str) -> dict[str, str]:
    return {v.rule: v.detail for v in check_static(code, "cuda")}


#: honest11 F1: ``cudaMemcpyToSymbol``'s kind defaults to ``cudaMemcpyHostToDevice``
HONEST_SYMBOL = {
    "symbol_scalar_no_kind": "    const float one = 1.0f;\n    cudaMemcpyToSymbol(c_scale, &one, sizeof(float));\n",
    "symbol_array_no_kind": "    const float coef[4] = {1.f, 1.f, 1.f, 1.f};\n    cudaMemcpyToSymbol(c_scale, coef, sizeof(coef));\n",
    "symbol_offset_no_kind": "    const float one = 1.0f;\n    cudaMemcpyToSymbol(c_scale, &one, sizeof(float), 0);\n",
    "symbol_async_no_kind": "    const float one = 1.0f;\n    cudaMemcpyToSymbolAsync(c_scale, &one, sizeof(float));\n",
    "symbol_explicit_kind": "    const float one = 1.0f;\n    cudaMemcpyToSymbol(c_scale, &one, sizeof(float), 0, "
                            "cudaMemcpyHostToDevice);\n",
}
#: the other copies still need their kind; a symbol copy's kind, when given, is still checked
SYMBOL_ATTACKS = {
    "memcpy_no_kind": ("    cudaMemcpy(y.data_ptr<float>(), xc.data_ptr<float>(), 16);\n", "without its kind"),
    "symbol_computed_kind": ("    const float one = 1.0f;\n    cudaMemcpyToSymbol(c_scale, &one, 4, 0, "
                             "static_cast<cudaMemcpyKind>(2));\n", "with kind 'static_cast"),
    "symbol_host_variable_no_kind": ("    cudaMemcpyToSymbol(g_host, xc.data_ptr<float>(), 16);\n",
                                     "to 'g_host' (not a __constant__/__device__ variable)"),
    "symbol_async_kind_then_stream": ("    const float one = 1.0f;\n    cudaMemcpyToSymbolAsync(c_scale, &one, 4, 0, "
                                      "cudaMemcpyDefault, 0);\n", "with kind 'cudaMemcpyDefault'"),
}


@pytest.mark.parametrize("name", sorted(HONEST_SYMBOL))
def test_symbol_copy_with_its_default_kind_is_accepted(name: str) -> None:
    assert check_static(answer("", HONEST_SYMBOL[name] + _LAUNCH), "cuda") == []


@pytest.mark.parametrize("name", sorted(SYMBOL_ATTACKS))
def test_copies_without_an_allowed_kind_are_rejected(name: str) -> None:
    body, expected = SYMBOL_ATTACKS[name]
    found = _found(answer("static float g_host[4];", body + _LAUNCH))
    assert expected in found.get("cuda_host_copy", ""), (name, found)
