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


_HV = "    std::vector<float> hv(n);\n    float* d = y.data_ptr<float>();\n"
_TO_P = "    float* p = y.data_ptr<float>() + off;\n    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), p, n);\n"
_OFF_KERNEL = ("__global__ void relu_off(const float* x, float* y, long long off, long long n) {\n"
               "    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;\n"
               "    if (i < n) y[off + i] = fmaxf(x[i], 0.0f);\n}\n")
#: red team 11b S1: a host vector's address made an integer by std::distance from a device pointer,
#: then a "device" pointer (or a kernel's own y + off) that is the host vector (HMM), or a copy's
#: destination (red team 8 S3's device-to-host copy into a std::vector, reopened)
DISTANCE_ATTACKS = {
    "brace_init": ("", _HV + "    long long off{std::distance(d, hv.data())};\n" + _TO_P),
    "paren_init": ("", _HV + "    long long off(std::distance(d, hv.data()));\n" + _TO_P),
    "assigned": ("", _HV + "    long long off = std::distance(d, hv.data());\n" + _TO_P),
    "lambda_result": ("", _HV + "    auto where = [&]() { return std::distance(d, hv.data()); };\n"
                          "    long long off = where();\n" + _TO_P),
    "structured_binding": ("", _HV + "    const auto& [off] = std::make_tuple(std::distance(d, hv.data()));\n" + _TO_P),
    "kernel_forms_the_pointer": (_OFF_KERNEL, _HV + "    long long off{std::distance(d, hv.data())};\n"
                                 "    relu_off<<<blocks, 256>>>(xc.data_ptr<float>(), d, off, n);\n"),
    "copy_destination": ("", _HV + "    long long off{std::distance(d, hv.data())};\n    float* p = d + off;\n"
                             "    cudaMemcpy(p, xc.data_ptr<float>(), n * 4, cudaMemcpyHostToDevice);\n"),
    "address_of_an_item": ("", _HV + "    long long off{std::distance(d, &hv[0])};\n" + _TO_P),
    "host_pointer_name": ("", _HV + "    float* h = hv.data();\n    long long off{std::distance(d, h)};\n" + _TO_P),
    "reversed_unqualified": ("", _HV + "    using std::distance;\n    long long off{-distance(hv.data(), d)};\n" + _TO_P),
    "struct_member": ("struct H { float* p; };\n", _HV + "    H h{hv.data()};\n    long long off{std::distance(d, h.p)};\n"
                      + _TO_P),
    "host_array": ("", "    float* d = y.data_ptr<float>();\n    static float buf[1 << 20];\n"
                       "    long long off{std::distance(d, buf)};\n" + _TO_P),
}
#: std::distance of iterators of one container (a count, not an address)
HONEST_DISTANCE = {
    "sizes_iterators": "    auto sz = xc.sizes().vec();\n    long long rank = std::distance(sz.begin(), sz.end());\n"
                       "    TORCH_CHECK(rank >= 0);\n",
    "std_begin_end": "    std::vector<long long> dims = {n, 1};\n    long long k{std::distance(std::begin(dims), "
                     "std::end(dims))};\n    TORCH_CHECK(k == 2);\n",
}


@pytest.mark.parametrize("name", sorted(DISTANCE_ATTACKS))
def test_a_host_address_made_an_integer_by_distance_is_rejected(name: str) -> None:
    head, body = DISTANCE_ATTACKS[name]
    found = _found(answer(head, body))
    assert "of a host address (an integer made from it)" in found.get("cuda_host_pointer", ""), (name, found)


@pytest.mark.parametrize("name", sorted(HONEST_DISTANCE))
def test_distance_between_iterators_of_one_container_is_accepted(name: str) -> None:
    assert check_static(answer("", HONEST_DISTANCE[name] + _LAUNCH), "cuda") == []


#: honest11 O9: torch's half switches undefined after its own -D, nvcc's new lambda flag, ptxas -O
HONEST_FLAGS = {
    "undefine_half_switches": '["-O3", "-U__CUDA_NO_HALF_OPERATORS__", "-U__CUDA_NO_HALF_CONVERSIONS__", '
                              '"-U__CUDA_NO_HALF2_OPERATORS__", "-U__CUDA_NO_BFLOAT16_CONVERSIONS__"]',
    "extended_lambda": '["--extended-lambda", "--expt-extended-lambda"]',
    "ptxas_level_two_items": '["-Xptxas", "-O3"]',
}
#: reserved macros otherwise, and -Xptxas with anything but an optimisation level after it
FLAG_ATTACKS = {
    "define_reserved": '["-D__CUDA_NO_HALF_OPERATORS__=0"]',
    "undefine_cudacc": '["-U__CUDACC__"]',
    "undefine_arch": '["-U__CUDA_ARCH__"]',
    "ptxas_alone": '["-Xptxas"]',
    "ptxas_other_option": '["-Xptxas", "--def-load-cache=cg"]',
    "ptxas_options_long": '["--ptxas-options", "-v"]',
}


@pytest.mark.parametrize("name", sorted(HONEST_FLAGS))
def test_harmless_build_flags_are_accepted(name: str) -> None:
    assert check_static(answer("", _LAUNCH, HONEST_FLAGS[name]), "cuda") == []


@pytest.mark.parametrize("name", sorted(FLAG_ATTACKS))
def test_other_build_flags_are_rejected(name: str) -> None:
    assert "cuda_build" in _found(answer("", _LAUNCH, FLAG_ATTACKS[name])), name
