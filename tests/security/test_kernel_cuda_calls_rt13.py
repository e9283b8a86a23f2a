"""Red team 13 K3: CUDA host code that lets ATen compute through a call, not an operator token
(static/cudaadl.py). kernels-core relu/row_sum answers launched a dummy kernel and returned
``max(xc, torch::zeros_like(xc))`` (argument-dependent lookup: ``at::max``), ``exp(xc)``,
``std::accumulate`` over ``xc.unbind(1)`` (Tensor's ``+`` inside <numeric>) or
``operator*(xc, operator>(xc, 0))``: each passed the static gate and built with nvcc. Each form is
now ``cuda_torch_compute``; honest host code on sizes (``std::max``, ``std::accumulate`` over a
``std::vector<int64_t>``, ``std::sort``, an own struct's operator) still passes."""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.cudaadl import aten_names

_MODULE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <torch/extension.h>
#include <algorithm>
#include <numeric>
#include <vector>

struct Pair2 {{ float a, b; }};
__host__ __device__ inline Pair2 operator+(Pair2 x, Pair2 y) {{ return {{x.a + y.a, x.b + y.b}}; }}
{prelude}
__global__ void relu_k(const float* x, float* y, long long n) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i] > 0.f ? x[i] : 0.f;
}}
torch::Tensor fwd(torch::Tensor x) {{
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    std::vector<torch::Tensor> cols = xc.unbind(xc.dim() - 1);
    relu_k<<<(unsigned)((n + 255) / 256), 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);
    {tail}
}}
"""

cpp_source = "torch::Tensor fwd(torch::Tensor x);"
ext = load_inline(name="calls_rt13", cpp_sources=cpp_source, cuda_sources=cuda_source, functions=["fwd"],
                  verbose=False)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return ext.fwd(x)
'''

ATTACKS = {
    "adl_max": "return max(xc, torch::zeros_like(xc));",
    "adl_exp": "return exp(xc);",
    "adl_global_qualified": "return ::fmax(xc, y);",
    "adl_abs_of_copy": "auto t = xc;\n    return abs(t);",
    "adl_pow_in_expression": "y = pow(xc, 2);\n    return y;",
    "adl_behind_an_empty_macro": "y = C10_RDTSC exp(xc);\n    return y;",
    "adl_own_template": "return relu(xc);",
    "std_accumulate": "return std::accumulate(cols.begin(), cols.end(), torch::zeros_like(cols[0]));",
    "std_accumulate_iterators": "auto b = cols.begin();\n    auto e = std::end(cols);\n"
                                "    return std::accumulate(b, e, y);",
    "std_max_template": "return std::max<torch::Tensor>(xc, y);",
    "std_max_element": "return *std::max_element(cols.begin(), cols.end());",
    "std_inner_product": "return std::inner_product(cols.begin(), cols.end(), cols.begin(), y);",
    "std_partial_sum": "std::partial_sum(cols.begin(), cols.end(), cols.begin());\n    return cols.back();",
    "std_transform": "std::transform(cols.begin(), cols.end(), cols.begin(), cols.begin(), std::multiplies<>());\n"
                     "    return y;",
    "std_functor_called": "return std::plus<>()(xc, y);",
    "std_functor_braced": "return std::multiplies<>{}(xc, xc > 0);",
    "std_qualified_global": "return ::std::accumulate(cols.begin(), cols.end(), y);",
    "operator_call": "return operator*(xc, operator>(xc, 0));",
    "operator_member_call": "y.operator+=(xc);\n    return y;",
    "operator_qualified_call": "return at::Tensor::operator-(xc);",
    "operator_address": "auto f = &operator+;\n    return y;",
}
#: own host functions the forms call: one named like an ATen function (ADL prefers at::relu), one not
PRELUDES = {
    "adl_behind_an_empty_macro": "y = C10_RDTSC exp(xc);\n    return y;",
    "adl_own_template": "template <class T> torch::Tensor relu(T v) { return v; }",
    "own_helper": "torch::Tensor check_cuda(torch::Tensor v) { TORCH_CHECK(v.is_cuda(), \"cuda\"); return v; }",
    "own_qualified": "template <class T> torch::Tensor relu(T v) { return v; }",
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_host_calls_that_let_aten_compute_are_rejected(name: str) -> None:
    src = _MODULE.format(tail=ATTACKS[name], prelude=PRELUDES.get(name, ""))
    assert "cuda_torch_compute" in {v.rule for v in check_static(src, "cuda")}


HONEST = {
    "std_max_sizes": "int threads = std::max<int>(32, std::min<int>(1024, (int)n));\n    return y;",
    "std_min_blocks": "long long blocks = std::min((n + 255) / 256, (long long)65535);\n    return y;",
    "unqualified_min_max": "long long b = max(1LL, min(n, 4096LL));\n    return y;",
    "std_ceil": "int blocks = (int)std::ceil(n / 256.0);\n    return y;",
    "std_accumulate_sizes": "std::vector<int64_t> dims = xc.sizes().vec();\n"
                            "    int64_t rows = std::accumulate(dims.begin(), dims.end(), (int64_t)1,"
                            " std::multiplies<int64_t>()) / xc.size(-1);\n    return y;",
    "std_sort_sizes": "std::vector<int64_t> dims = xc.sizes().vec();\n"
                      "    std::sort(dims.begin(), dims.end());\n    return y;",
    "std_all_of_tensors": "TORCH_CHECK(std::all_of(cols.begin(), cols.end(),"
                          " [](const torch::Tensor& t) { return t.is_cuda(); }), \"cuda\");\n    return y;",
    "std_move_tensor": "auto out = std::move(y);\n    return out;",
    "own_struct_operator": "Pair2 p = Pair2{1.f, 2.f} + Pair2{3.f, 4.f};\n    return y;",
    "own_helper": "auto v = check_cuda(xc);\n    return y;",
    "own_qualified": "auto v = ::relu(y);\n    return v;",
    "device_of_guard": "const at::OptionalDeviceGuard guard(device_of(xc));\n    return y;",
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_host_calls_on_sizes_are_accepted(name: str) -> None:
    assert check_static(_MODULE.format(tail=HONEST[name], prelude=PRELUDES.get(name, "")), "cuda") == []


def test_aten_names_come_from_the_installed_headers() -> None:
    names = aten_names()
    assert names is not None and {"relu", "max", "exp", "sum_to", "softmax"} <= names
    assert "fwd" not in names


def test_a_call_behind_an_all_caps_word_is_read_as_a_call() -> None:
    """``C10_RDTSC`` (ApproximateClock.h) expands to nothing on x86: ``C10_RDTSC system("ls");`` read
    as a declaration of ``system`` passed every rule before."""
    src = _MODULE.format(tail='C10_RDTSC system("ls");\n    return y;', prelude="")
    assert "cuda_host_indirect" in {v.rule for v in check_static(src, "cuda")}
