"""Issue 14, kernels: CUDA host code makes no pointer from an integer and writes nowhere past what it
allocated (rule ``cuda_host_pointer``, :mod:`harness.families.kernels.static.hostptr`).

Round 8's ``cuda_host_indirect`` left two ways to reach a function the text does not name: a
functional cast ``T(addr)`` to a template parameter, alias, ``decltype`` or type trait bound to a
pointer type (it reads as a call of a listed or own name), and memory corruption, where host code
writes past a host array, through ``&v + 12``, past a vector's end, after ``delete`` or through
``%n``, to overwrite a return address or GOT slot that an allowed call then jumps through. Each
attack here is an answer that does that and then launches a correct kernel; each must be rejected
with the rule, and the honest host forms beside them (and every golden and corpus answer, in
test_kernel_cuda_rt8.py) accepted. Static and fast, but for one slow nvcc build of the honest forms and three attacks.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import nvcc_path
from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.cuda import InlineExtension
from harness.families.kernels.static.hostptr import opaque_types

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "kernels"
_MODULE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cstdint>
#include <vector>
#include <algorithm>
{head}
__global__ void relu_kernel(const float* __restrict__ x, float* __restrict__ y, long long n) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = fmaxf(x[i], 0.0f);
}}

torch::Tensor relu_forward(torch::Tensor x) {{
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
{body}
    relu_kernel<<<(unsigned)((n + 255) / 256), 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);
    return y;
}}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="kc_relu_rt9", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''
_ADDR = "    unsigned long long a = 0x601018ULL + (unsigned long long)n;\n"
_T = "template <class T> T at_addr(unsigned long long a) { return T(a); }"
#: name: (declarations before the kernel, host statements); each writes where it should not
ATTACKS = {
    # an integer becomes a pointer through a cast the round-8 rule read as a call or an arithmetic cast
    "template_parameter_functional_cast": (_T, _ADDR + "    float* p = at_addr<float*>(a); p[0] = 1.0f;"),
    "template_parameter_named_scalar_t": ("template <class scalar_t> scalar_t conv(unsigned long long a) "
                                          "{ return scalar_t(a); }", _ADDR + "    auto p = conv<float*>(a); p[0] = 1.0f;"),
    "template_parameter_c_cast": ("template <typename scalar_t> scalar_t conv(unsigned long long a) "
                                  "{ return (scalar_t)a; }", _ADDR + "    auto p = conv<long long*>(a); p[0] = 1;"),
    "template_parameter_deduced": ("template <class P> P like(P proto, unsigned long long a) { return P(a); }",
                                   _ADDR + "    auto p = like(y.data_ptr<float>(), a); p[0] = 1.0f;"),
    "alias_through_a_trait_named_scalar_t": ("using scalar_t = std::decay_t<float*>;",
                                             _ADDR + "    scalar_t p = scalar_t(a); p[0] = 1.0f;"),
    "decltype_functional_cast": ("", _ADDR + "    float* yp = y.data_ptr<float>();\n"
                                 "    auto p = decltype(yp)(a); p[0] = 1.0f;"),
    "decltype_c_cast": ("", _ADDR + "    float* yp = y.data_ptr<float>();\n    auto p = (decltype(yp))a; p[0] = 1.0f;"),
    "trait_functional_cast": ("", _ADDR + "    auto p = std::remove_cv_t<float*>(a); p[0] = 1.0f;"),
    "conditional_t_functional_cast": ("", _ADDR + "    auto p = std::conditional_t<true, float*, int>(a); p[0] = 1.0f;"),
    "trait_type_member": ("", _ADDR + "    auto p = std::conditional<true, float*, int>::type(a); p[0] = 1.0f;"),
    "void_pointer_from_an_integer": ("", _ADDR + "    cudaMemcpy((void*)a, xc.data_ptr<float>(), 8, "
                                     "cudaMemcpyDeviceToDevice);"),
    "reinterpret_cast_to_void_pointer": ("", _ADDR + "    cudaMemset(reinterpret_cast<void*>(a), 0, 8);"),
    # memory corruption through host addresses, arrays, containers and the allocator
    "address_of_a_local_plus_offset": ("", "    float v = 0.0f;\n    float* p = &v + 12; p[0] = 1.0f;"),
    "dereference_past_a_local": ("", "    float v = 0.0f;\n    *(&v + 12) = 1.0f;"),
    "dereference_after_if": ("", "    float v = 0.0f; float* p = &v;\n    if (n > 0) *p = 1.0f;"),
    "own_function_returning_a_host_address": ("static float* at_of(std::vector<float>& v) { return v.data(); }",
                                              "    std::vector<float> v(2);\n    long long gap = at_of(v) - "
                                              "at_of(v) + 40;\n    (void)gap;"),
    "pointer_increment": ("", "    float v = 0.0f; float* p = &v;\n    p += 12; p[0] = 1.0f;"),
    "local_array_variable_index": ("", "    float t[2] = {0.0f, 0.0f};\n    t[n + 40] = 1.0f;"),
    "local_array_constant_past_the_end": ("", "    float t[2] = {0.0f, 0.0f};\n    t[7] = 1.0f;"),
    "commuted_index": ("", "    float t[2] = {0.0f, 0.0f}; long long k = n + 40;\n    k[t] = 1.0f;"),
    "loop_past_the_array": ("", "    float t[2];\n    for (int i = 0; i < 8; i++) t[i] = 1.0f;"),
    "loop_variable_written_in_the_body": ("", "    float t[4];\n    for (int i = 0; i < 4; i++) { i += 10; t[i] = 1.0f; }"),
    "vector_variable_index": ("", "    std::vector<float> v(2);\n    v[n + 100] = 1.0f;"),
    "vector_data_index": ("", "    std::vector<float> v(2);\n    v.data()[n + 100] = 1.0f;"),
    "vector_swapped_then_indexed": ("", "    std::vector<float> a(8), b(1);\n    a.swap(b); a[7] = 1.0f;"),
    "vector_resized_then_indexed": ("", "    std::vector<float> a(8);\n    a.resize(1); a[7] = 1.0f;"),
    "vector_reassigned_then_indexed": ("", "    std::vector<float> a(8);\n    a = std::vector<float>(1); a[7] = 1.0f;"),
    "data_pointer_of_a_vector": ("", "    std::vector<float> v(2); float* p = v.data();\n    p[40] = 1.0f;"),
    "fill_n_past_a_vector": ("", "    std::vector<float> v(2);\n    std::fill_n(v.data(), n + 100, 1.0f);"),
    "fill_past_end_iterator": ("", "    std::vector<float> v(2);\n    std::fill(v.begin(), v.begin() + 100, 1.0f);"),
    "iterator_arithmetic": ("", "    std::vector<float> v(2); auto it = v.begin();\n    it += 40; it[0] = 1.0f;"),
    "new_array_variable_index": ("", "    float* t = new float[2];\n    t[n + 3] = 1.0f; delete[] t;"),
    "use_after_delete": ("", "    float* t = new float[4];\n    delete[] t; t[0] = 1.0f;"),
    "delete_of_a_vector_buffer": ("", "    std::vector<float> v(4); float* p = v.data();\n    delete[] p;"),
    "delete_in_a_loop": ("", "    float* t = new float[4];\n    for (int i = 0; i < 2; i++) { delete[] t; }"),
    "placement_new": ("#include <new>", "    long long w = 0;\n    new (&w) float(1.0f);"),
    "printf_percent_n": ("", '    printf("%100$n");'),
    "variable_length_array": ("", "    float big[n];\n    big[0] = 1.0f;"),
    "array_member_index": ("struct Box { float a[2]; };", "    Box b;\n    b.a[n + 9] = 1.0f;"),
    "reference_then_address": ("", "    float t[2] = {0.0f, 0.0f}; float& r = t[1];\n    (&r)[5] = 1.0f;"),
    # storage that moves or shrinks under an index or reference the checks had bounded
    "reference_kept_across_growth": ("", "    std::vector<float> v = {0.0f}; float& r = v[0];\n"
                                     "    for (int k = 0; k < 64; k++) v.push_back(0.0f);\n    r = 1.0f;"),
    "range_for_reference_with_growth": ("", "    std::vector<float> v = {0.0f};\n"
                                        "    for (auto& e : v) { v.push_back(0.0f); e = 1.0f; }"),
    "vector_aliased_by_reference": ("", "    std::vector<float> v(8); std::vector<float>& w = v;\n"
                                    "    w = std::vector<float>(1); v[7] = 1.0f;"),
    "vector_reassigned_through_tie": ("#include <tuple>", "    std::vector<float> v(8);\n"
                                      "    std::tie(v) = std::make_tuple(std::vector<float>(1)); v[7] = 1.0f;"),
    "vector_resized_by_a_lambda": ("", "    std::vector<float> v(8);\n    auto shrink = [](std::vector<float>& w) "
                                   "{ w = std::vector<float>(1); };\n    shrink(v); v[7] = 1.0f;"),
    "size_shadowed_by_a_lambda_parameter": ("", "    std::vector<float> v(n);\n    auto fill = [&](long long n) "
                                            "{ for (long long i = 0; i < n; i++) v[i] = 1.0f; };\n    fill(n + 4096);"),
    "array_named_in_two_functions": ("static void put(float* t, long long k) { for (int i = 0; i < 4096; i++) t[i] = 1.0f; }\n"
                                     "static void big() { float t[4096]; t[0] = 0.0f; }",
                                     "    float v = 0.0f;\n    put(&v, n);"),
    "loop_variable_redeclared_in_the_body": ("", "    float t[4];\n    for (int i = 0; i < 4; i++) { long i(4096); "
                                             "t[i] = 1.0f; }"),
    "loop_variable_changed_by_a_lambda": ("", "    float t[4]; int i = 0; auto bump = [&] { i += 4096; };\n"
                                          "    for (i = 0; i < 4; i++) { bump(); t[i] = 1.0f; }"),
    "size_changed_through_a_runtime_call": ("", "    size_t m = 1, total = 0; float* t = new float[m];\n"
                                            "    cudaMemGetInfo(&m, &total);\n    for (size_t i = 0; i < m; i++) t[i] = 0.0f;"),
    "size_name_is_a_reference": ("", "    long long m = 1; long long& s = m; float* t = new float[s];\n"
                                 "    m = 4096;\n    for (long long i = 0; i < s; i++) t[i] = 0.0f;"),
    "size_name_swapped": ("#include <utility>", "    long long s = 1, big = 4096; float* t = new float[s];\n"
                          "    std::swap(s, big);\n    for (long long i = 0; i < s; i++) t[i] = 0.0f;"),
    "memset_of_the_stack": ("", "    long long w = 0;\n    cudaMemset(&w, 0x41, 4096);"),
    "memset_of_a_host_array": ("", "    float t[2];\n    cudaMemsetAsync(t, 0, 1 << 20, 0);"),
    "malloc_into_an_int": ("", "    int small = 0;\n    cudaMalloc((void**)&small, 16);"),
    "unique_ptr_owning_a_local": ("#include <memory>", "    float v[8] = {0};\n    std::unique_ptr<float> u(&v[2]);"),
    "operator_delete_of_a_local": ("", "    float v[8] = {0};\n    operator delete(&v[2]);"),
    # a host address as an integer (the offset from a device pointer to the stack, for HMM stores)
    "host_address_as_integer": ("", "    long long off = ((long long)&n - (long long)y.data_ptr<float>()) / 4;\n"
                                "    relu_kernel<<<1, 32>>>(xc.data_ptr<float>(), y.data_ptr<float>() + off, 1);"),
    "host_address_through_reinterpret_cast": ("", "    auto a = reinterpret_cast<uintptr_t>(&n);\n    (void)a;"),
    "host_address_functional_cast": ("", "    std::vector<float> v(2);\n    auto a = uintptr_t(v.data());\n    (void)a;"),
}
#: host forms near the new rules that must stay accepted
HONEST = {
    "constant_index_of_a_table": ("", "    float t[4] = {1, 2, 3, 4};\n    t[3] = t[0] + t[1];\n    (void)t;"),
    "loop_over_a_new_table": ("", "    float* t = new float[4];\n    for (int i = 0; i < 4; i++) t[i] = 0.5f * i;\n"
                              "    cudaMemcpy(y.data_ptr<float>(), t, 4 * sizeof(float), cudaMemcpyHostToDevice);\n"
                              "    delete[] t;"),
    "constexpr_sized_table": ("", "    constexpr int K = 3;\n    int dims[K] = {1, 2, 3};\n"
                              "    for (int d = 0; d < K; ++d) dims[d] *= 2;\n    (void)dims;"),
    "std_array_and_vector_literal_sizes": ("", "    std::array<int64_t, 2> a = {1, 2};\n    std::vector<int64_t> s = {n, 1};"
                                           "\n    s[1] = a[0] + a[1];\n    (void)s;"),
    "vector_indexed_and_passed_whole": ("", "    std::vector<int64_t> shape(2, 1);\n    shape[0] = n;\n"
                                        "    auto z = torch::empty(shape, xc.options());\n    (void)z;"),
    "vector_grown_and_passed_whole": ("", "    std::vector<int64_t> shape;\n    shape.push_back(n);\n"
                                      "    for (const auto& d : shape) (void)d;\n    auto z = torch::empty(shape, xc.options());"
                                      "\n    (void)z;"),
    "symbolic_size_loop": ("", "    std::vector<float> table(n);\n    for (long long i = 0; i < n; ++i) table[i] = 0.5f;\n"
                           "    float* h = new float[n > 0 ? n : 1];\n    for (long long i = 0; i < n; i++) h[i] = 1.0f;\n"
                           "    for (size_t i = 0; i < table.size(); i++) table[i] += 1.0f;\n    delete[] h;"),
    "owning_smart_pointer": ("#include <memory>", "    std::unique_ptr<float[]> u(new float[4]);\n"
                             "    auto w = std::make_unique<int>(3);\n    (void)w;"),
    "sizes_read": ("", "    int64_t rows = xc.sizes()[0];\n    for (int64_t d = 0; d < xc.dim(); ++d) rows += xc.strides()[d];\n"
                   "    (void)rows;"),
    "device_pointer_offsets": ("", "    float* yp = y.data_ptr<float>();\n    long long half_n = n / 2;\n"
                               "    relu_kernel<<<1, 32>>>(xc.data_ptr<float>() + half_n, yp + half_n, n - half_n);\n"
                               "    const char* xb = (const char*)xc.data_ptr(); (void)(xb + 4);"),
    "alignment_check": ("", "    bool aligned = reinterpret_cast<uintptr_t>(xc.data_ptr<float>()) % 16 == 0;\n"
                        "    (void)aligned;"),
    "void_pointer_casts": ("", "    const float* xp = xc.data_ptr<float>(); float* tmp = nullptr;\n"
                           "    cudaMalloc((void**)&tmp, 16);\n    void* args[] = {(void*)&xp, (void*)&tmp, (void*)&n};\n"
                           "    cudaLaunchKernel((const void*)relu_kernel, dim3(1), dim3(32), args, 0, 0);\n"
                           "    cudaMemset((void*)xc.data_ptr<float>(), 0, 0); cudaFree(tmp);"),
    "host_template_with_static_cast": ("__global__ void relu_kernel(const float* __restrict__ x, float* __restrict__ y, "
                                       "long long n);\ntemplate <typename T> void launch_t(const T* x, T* y, long long n, double s) {\n"
                                       "    T scale = static_cast<T>(s); (void)scale;\n"
                                       "    relu_kernel<<<(unsigned)((n + 255) / 256), 256>>>(x, y, n);\n}",
                                       "    launch_t<float>(xc.data_ptr<float>(), y.data_ptr<float>(), n, 1.0);"),
    "plain_aliases": ("using index_type = long long;\nusing Tensor = torch::Tensor;",
                      "    index_type m = index_type(n) * 2;\n    Tensor z = y;\n    (void)m; (void)z;"),
    "products_and_casts": ("", "    long long total = (long long)n * 2, blocks = (total + 255) / 256;\n"
                           "    int w = (int)blocks * 4; float f = (float)w * 0.5f; size_t bytes = sizeof(float) * n;\n"
                           "    (void)f; (void)bytes; int k = 0; k++; --k; k += 2;"),
    "sorted_vector": ("", "    std::vector<int64_t> order = {3, 1, 2};\n    std::sort(order.begin(), order.end());\n"
                      "    std::fill(order.begin(), order.end(), 0);\n    (void)order;"),
    "pointer_declarators": ("", "    const float *a = xc.data_ptr<float>(), *b = a;\n    float** pp = nullptr;\n"
                            "    (void)b; (void)pp;"),
    "printf_and_checks": ("", '    printf("n=%lld blocks=%d\\n", n, 4);\n    TORCH_CHECK(n >= 0, "n is ", n);'),
}


def answer(head: str, body: str) -> str:
    return _MODULE.format(head=head, body=body)


def _found(code: str) -> dict[str, str]:
    return {v.rule: v.detail for v in check_static(code, "cuda")}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_integer_pointers_and_host_memory_writes_are_rejected(name: str) -> None:
    assert "cuda_host_pointer" in _found(answer(*ATTACKS[name])), name


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_host_forms_are_accepted(name: str) -> None:
    found = check_static(answer(*HONEST[name]), "cuda")
    assert found == [], found


# Every golden and the honest CUDA corpus pass check_static (every rule, this file's included):
# tests/security/test_kernel_cuda_rt8.py::test_goldens_and_the_honest_corpus_are_accepted, the one
# copy of that check (this file and test_kernel_cuda_rt9/rt10 ran the very same call on the same files).


def test_the_message_names_what_was_found() -> None:
    found = _found(answer(*ATTACKS["template_parameter_functional_cast"]))
    assert "T(...) (a functional cast to a template parameter or alias)" in found["cuda_host_pointer"], found
    found = _found(answer(*ATTACKS["local_array_variable_index"]))
    assert "t[n + 40]" in found["cuda_host_pointer"], found
    found = _found(answer(*ATTACKS["dereference_past_a_local"]))
    assert "a dereference in host code" in found["cuda_host_pointer"], found


def test_opaque_types_are_parameters_and_computed_aliases() -> None:
    code = ("template <class T, typename U = int, int N> void f(); using A = float; using B = std::decay_t<float*>;"
            " typedef B C; using D = torch::Tensor; using E = C;")
    assert opaque_types(code) == {"T", "U", "B", "C", "E"}


def cuda_forms() -> list[tuple[str, InlineExtension]]:
    """The honest forms and three attacks (a template-parameter cast, an array overflow, ``%n``) as
    extensions, for the session's joint nvcc build (tests/kernels/cuda_union.py, group ``rt9``):
    the forms compile, so the rule, not the compiler, stops the attacks and costs the honest forms
    nothing."""


    forms = [(f"h_{name}", answer(*HONEST[name])) for name in sorted(HONEST)]
    forms += [(f"a_{name}", answer(*ATTACKS[name])) for name in ("template_parameter_functional_cast",
                                                                  "local_array_variable_index", "printf_percent_n")]
    from tests.kernels import cuda_union

    return cuda_union.extensions(forms)


@pytest.mark.slow
@pytest.mark.skipif(nvcc_path() is None, reason="nvcc not installed")
def test_the_forms_are_real_cuda(tmp_path: Path) -> None:
    """Part of the session's one joint nvcc + g++ build (tests/kernels/cuda_union.py, group ``rt9``).
    A build of its own costs a whole torch-header parse (410 s on the loaded machine), so until
    cuda_union lists the group this runs only with HWEVAL_RT9_OWN_BUILD=1 (it passed so)."""
    import os

    from tests.kernels import cuda_union

    if "rt9" in cuda_union.GROUPS:
        build = cuda_union.group_build("rt9", tmp_path)
    elif os.environ.get("HWEVAL_RT9_OWN_BUILD") == "1":
        build = cuda_union.build(cuda_forms(), tmp_path)
    else:
        pytest.skip("tests/kernels/cuda_union.py does not list group rt9 (set HWEVAL_RT9_OWN_BUILD=1 to build alone)")
    assert build.ok is True, build.log[-3000:]


def test_the_cuda_prompt_states_the_rule() -> None:
    from harness.families.kernels.prompt import build_prompt

    prompt = build_prompt((ROOT / "benchmarks/kernels_core/problems/relu/reference.py").read_text(), "cuda")
    assert "does not dereference pointers" in prompt and "static_cast<T>(v)" in prompt
