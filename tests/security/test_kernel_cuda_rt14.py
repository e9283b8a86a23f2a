"""Red team 14 (kernels, CUDA host code): nine answers computed with ATen on the host, launched a
kernel over no elements, and passed every static rule (they built with nvcc; on a GPU they would
pass). Each form is now ``cuda_torch_compute``; the honest forms beside them still pass. Static and
fast: no nvcc.

- s1 ``xc.data() * (xc.data() > 0)``: ``Tensor::data()`` is the tensor itself (``data`` was a "never a
  tensor" method; ``x.data<float>()``, with template arguments, is still a pointer);
- s6/s8 ``softmax(xc.data(), -1)`` beside an own ``softmax(const float*, long long)``: argument-dependent
  lookup into ATen, hidden by the same ``.data()``;
- s2 alternative tokens (``bitand``, ``bitor``, ``xor``, ``compl``, ``xor_eq``): read as their operators;
- s5 ``xc.index({...})``: a gather (``index`` is allowed for ``x.device().index()``);
- s3 ``namespace cuda { torch::Tensor t; }`` then ``cuda::t * 2``: ``cuda::`` read as the library's;
- s4 ``__extension__ auto kX = xc;`` / ``C10_UNUSED auto kX = xc;``: a word before the declaration hid it,
  and the undeclared ``kX`` read as a constant;
- s7 ``auto const& [kA, kB] = ...``: a structured binding with ``const`` after ``auto``;
- s10 ``__device__ C10_HOST_DEVICE torch::Tensor f(...)``: a header macro adds ``__host__``, so the
  function is host code (its body was blanked as device code).

Red team 14b (``b_*``), nine more values read as numbers: a tensor named ``array`` (a library type word)
or a function named ``vector``; ``[KX{xc}]`` and ``torch::Tensor ((KX)) = xc`` (an undeclared ALL_CAPS
name is a header constant only where the answer never binds it); ``typedef T a, b`` (every name an alias);
an alias bound twice (every binding counts); an own ``struct Tensor``; ``arg.tensor`` of ``at::TensorArg``
beside an own ``long long tensor``; an own ``struct cuda``.
"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static
from tests.security.test_kernel_cuda_rt10 import answer

_DUMMY = "    relu_kernel<<<1, 32>>>(xc.data_ptr<float>(), y.data_ptr<float>(), 0);\n"
ATTACKS = {
    "s1_tensor_data": ("", "    return xc.data() * (xc.data() > 0);"),
    "s6_adl_through_data": ("inline int softmax(const float* p, long long n) { return 0; }\n",
                            "    return softmax(xc.data(), -1);"),
    "s2_bitand": ("", "    auto m = xc.view(torch::kInt32) bitand xc.view(torch::kInt32);\n    return m;"),
    "s2_compl": ("", "    return compl xc;"),
    "s2_xor_eq": ("", "    auto r = xc.view(torch::kInt32);\n    r xor_eq r;\n    return r;"),
    "s2_not_eq": ("", "    return xc not_eq y;"),
    "s5_index_gather": ("", "    return xc.index({xc.view(torch::kUInt8)});"),
    "s3_own_cuda_namespace": ("namespace cuda { thread_local torch::Tensor t; }\n",
                              "    cuda::t = xc;\n    return cuda::t * (cuda::t > 0);"),
    "s3_nested_own_namespace": ("namespace a { namespace std { inline torch::Tensor t; } }\n",
                                "    return a::std::t * 2;"),
    "s4_extension_prefix": ("", "    __extension__ auto kX = xc;\n    return kX * (kX > 0);"),
    "s4_header_macro_prefix": ("", "    C10_UNUSED auto kX = xc;\n    return kX * 2;"),
    "s7_const_ref_binding": ("", "    auto const& [kA, kB] = std::make_pair(xc, xc);\n    return kA * (kB > 0);"),
    "s7_volatile_binding": ("", "    auto volatile&& [kA, kB] = std::make_pair(xc, xc);\n    return kA * 2;"),
    "s10_header_host_device": ("__device__ C10_HOST_DEVICE torch::Tensor relu_hd(torch::Tensor a) "
                               "{ return a * (a > 0); }\n", "    return relu_hd(xc);"),
    # red team 14b: values the type analysis read as numbers
    "b_a02_variable_named_array": ("", "    torch::Tensor array = xc;\n    return array * (array > 0);"),
    "b_b01_function_named_vector": ("static torch::Tensor vector(torch::Tensor v) { return v; }\n",
                                    "    return vector(xc) * 2;"),
    "b_a06_brace_init_capture": ("", "    auto f = [KX{xc}]() { return KX * (KX > 0); };\n    return f();"),
    "b_a07_typedef_list": ("typedef torch::Tensor tensor_t, tensor_alias;\n",
                           "    tensor_t xv = xc;\n    return xv * (xv > 0);"),
    "b_a08_alias_bound_twice": ("", "    { using value_type = torch::Tensor; value_type xv = xc; y = xv * 2; }\n"
                                    "    { using value_type = long long; value_type q = n; (void)q; }\n    return y;"),
    "b_a09_own_struct_named_tensor": ("namespace own { struct Tensor { int rank; }; }\n",
                                      "    torch::Tensor xv = xc;\n    return xv * (xv > 0);"),
    "b_a10_member_beside_a_decoy": ("inline long long blocks_for(long long tensor) { return tensor; }\n",
                                    '    at::TensorArg arg(xc, "x", 1);\n    return arg.tensor * (arg.tensor > 0);'),
    "b_a11b_own_struct_named_cuda": ("namespace relu_impl { struct cuda { static inline torch::Tensor held; };\n"
                                     "inline torch::Tensor go(torch::Tensor x) { cuda::held = x; "
                                     "return cuda::held * (cuda::held > 0); } }\n", "    return relu_impl::go(xc);"),
    "b_a13_double_parenthesised_declarator": ("", "    torch::Tensor ((KX)) = xc;\n    return KX * (KX > 0);"),
}
HONEST = {
    "deprecated_data_pointer": ("", "    float* p = xc.data<float>();\n    (void)p;"),
    "device_index": ("", "    int dev = xc.device().index();\n    (void)dev;"),
    "alternative_tokens_on_numbers": ("", "    if (not xc.is_cuda() or n == 0) { return y; }\n"
                                          "    long long m = n bitand 7;\n    (void)m;"),
    "own_namespace_of_constants": ("namespace cfg { constexpr int kBlock = 256; }\n",
                                   "    long long b = cfg::kBlock * 2;\n    (void)b;"),
    "own_namespace_function": ("namespace util { inline long long cdiv(long long a, long long b) "
                               "{ return (a + b - 1) / b; } }\n",
                               "    long long g = util::cdiv(n, 256) * 2;\n    (void)g;"),
    "template_block_kernel": ("template <int BLOCK_SIZE> __global__ void scale2(const float* x, float* o, long long n) "
                              "{ long long i = (long long)blockIdx.x * BLOCK_SIZE + threadIdx.x; "
                              "if (i < n) o[i] = x[i] * 2.f; }\n",
                              "    scale2<256><<<1, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), 0);"),
    "device_forceinline_helper": ("__device__ __forceinline__ float twice(float v) { return v * 2.f; }\n", ""),
    "header_constants_and_scalar_words": ("", "    long long m = INT_MAX > n ? n : 0;\n    dim3 g(1);\n"
                                              "    float h = float(m) * 2.f;\n    (void)h;\n    (void)g;"),
    "alias_bound_once_per_function": ("inline long long cdiv(long long n, long long t) { using value_type = long long; "
                                      "value_type q = (n + t - 1) / t; return q; }\n",
                                      "    long long b = cdiv(n, 256) * 2;\n    (void)b;"),
    "const_binding_of_sizes": ("", "    auto const& [rows, cols] = std::make_pair(xc.size(0), xc.numel());\n"
                                   "    long long m = rows * cols;\n    (void)m;"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_host_aten_compute_is_rejected(name: str) -> None:
    head, body = ATTACKS[name]
    found = {v.rule: v.detail for v in check_static(answer(head, _DUMMY + body), "cuda")}
    assert "cuda_torch_compute" in found, (name, found)


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_forms_pass(name: str) -> None:
    head, body = HONEST[name]
    assert check_static(answer(head, _DUMMY + body + "\n    return y;"), "cuda") == [], name
