"""Red team s16 rtk c1: device memory read or written by host library code (rule ``cuda_host_pointer``,
:mod:`harness.families.kernels.static.devuse`).

A kernels-core ReLU answer built ``std::vector<float> g(xc.data_ptr<float>(), xc.data_ptr<float>() + n)``
on the host (the range constructor reads device memory on a GPU with HMM/ATS), computed ReLU in a host
loop, copied it back with a listed host-to-device ``cudaMemcpy`` and launched a do-nothing kernel: the
static rules rejected ``memcpy``/``std::copy``/``std::transform`` by name, not a declaration. The class is
closed by a positive rule: in host code a device pointer may only be a launch argument, a listed CUDA
runtime call's pointer argument, cast/offset/compared/bound to a pointer name, an item of a pointer table
or own struct, returned by or passed to an own function (whose parameter is then followed). Each attack
below must be rejected with ``cuda_host_pointer``; the honest forms beside them pass every static rule.
Static and fast (no nvcc).
"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.devuse import device_uses
from tests.security.test_kernel_cuda_rt10 import answer

_P = "    const float* p = xc.data_ptr<float>();\n    float* q = y.data_ptr<float>();\n"
_LAUNCH = "\n    relu_kernel<<<blocks, 256>>>(q, q, n);"
_VEC = "    std::vector<float> g(8);\n"

#: name: (helpers before the kernels, host statements); each reads or writes device memory on the host
ATTACKS: dict[str, tuple[str, str]] = {
    "vector_range_constructor_direct": ("", "    std::vector<float> g(xc.data_ptr<float>(), xc.data_ptr<float>() + n);"),
    "vector_range_constructor_local": ("", _P + "    std::vector<float> g(p, p + n);"),
    "vector_brace_constructor": ("", _P + "    std::vector<float> g{p, p + n};"),
    "vector_copy_list_initialisation": ("", _P + "    std::vector<float> g = {p, p + n};"),
    "vector_temporary_paren": ("", _P + "    auto g = std::vector<float>(p, p + n);"),
    "vector_temporary_brace": ("", _P + "    auto g = std::vector<float>{p, p + n};"),
    "vector_temporary_in_a_call": ("", _P + "    long long k = (long long)std::vector<float>(p, p + n).size();"),
    "vector_assigned_a_brace_list": ("", _P + "    std::vector<float> g;\n    g = {p, p + n};"),
    "vector_cast_pointer": ("", "    std::vector<float> g((const float*)xc.data_ptr(), (const float*)xc.data_ptr() + n);"),
    "vector_static_cast_pointer": ("", "    auto* v = static_cast<const float*>(xc.data_ptr());\n"
                                   "    std::vector<float> g(v, v + n);"),
    "string_constructor": ("", _P + "    std::string s(reinterpret_cast<const char*>(p), n * 4);"),
    "basic_string_range": ("", _P + "    std::basic_string<char> s((const char*)p, (const char*)(p + n));"),
    "string_view": ("", _P + "    std::string_view s((const char*)p, n * 4);"),
    "deque_range": ("", _P + "    std::deque<float> d(p, p + n);"),
    "list_range": ("", _P + "    std::list<float> l(p, p + n);"),
    "valarray_pointer_count": ("", _P + "    std::valarray<float> v(p, n);"),
    "set_range": ("", _P + "    std::set<float> s(p, p + n);"),
    "span": ("", _P + "    std::span<const float> s(p, n);"),
    "array_by_copy_n": ("", _P + "    std::array<float, 4> a;\n    std::copy_n(p, 4, a.begin());"),
    "vector_insert": ("", _P + _VEC + "    g.insert(g.end(), p, p + n);"),
    "vector_assign": ("", _P + _VEC + "    g.assign(p, p + n);"),
    "string_append": ("", _P + "    std::string s;\n    s.append((const char*)p, n * 4);"),
    "vector_emplace_back_range": ("", _P + "    std::vector<std::vector<float>> vv;\n    vv.emplace_back(p, p + n);"),
    "vector_push_back_into_float_vector": ("", _P + _VEC + "    g.push_back(*p);"),
    "accumulate": ("", _P + "    float s = std::accumulate(p, p + n, 0.0f);\n    (void)s;"),
    "reduce": ("", _P + "    float s = std::reduce(p, p + n);\n    (void)s;"),
    "inner_product": ("", _P + "    float s = std::inner_product(p, p + n, p, 0.0f);\n    (void)s;"),
    "max_element": ("", _P + "    auto m = std::max_element(p, p + n);\n    (void)m;"),
    "min_element": ("", _P + "    auto m = std::min_element(p, p + n);\n    (void)m;"),
    "minmax_element": ("", _P + "    auto m = std::minmax_element(p, p + n);\n    (void)m;"),
    "for_each_writes": ("", _P + "    std::for_each(q, q + n, [](float& v) { v = v > 0.0f ? v : 0.0f; });"),
    "sort": ("", _P + "    std::sort(q, q + n);"),
    "fill": ("", _P + "    std::fill(q, q + n, 0.0f);"),
    "fill_n": ("", _P + "    std::fill_n(q, n, 0.0f);"),
    "iota": ("", _P + "    std::iota(q, q + n, 0.0f);"),
    "replace": ("", _P + "    std::replace(q, q + n, -1.0f, 0.0f);"),
    "count": ("", _P + "    long long c = std::count(p, p + n, 0.0f);\n    (void)c;"),
    "find": ("", _P + "    auto f = std::find(p, p + n, 0.0f);\n    (void)f;"),
    "equal": ("", _P + "    bool e = std::equal(p, p + n, q);\n    (void)e;"),
    "partial_sum": ("", _P + "    std::partial_sum(p, p + n, q);"),
    "copy_n": ("", _P + _VEC + "    std::copy_n(p, 8, g.begin());"),
    "uninitialized_copy": ("", _P + _VEC + "    std::uninitialized_copy(p, p + 8, g.begin());"),
    "transform_in_place": ("", _P + "    std::transform(q, q + n, q, [](float v) { return v > 0.0f ? v : 0.0f; });"),
    "using_namespace_std_accumulate": ("using namespace std;", _P + "    float s = accumulate(p, p + n, 0.0f);\n    (void)s;"),
    "using_declaration_accumulate": ("using std::accumulate;", _P + "    float s = accumulate(p, p + n, 0.0f);\n"
                                     "    (void)s;"),
    "make_move_iterator": ("", _P + "    std::vector<float> g(std::make_move_iterator(p), std::make_move_iterator(p + n));"),
    "std_next": ("", _P + "    auto e = std::next(p, n);\n    std::vector<float> g(p, e);"),
    "own_helper_parameter": ("static std::vector<float> grab(const float* a, long long m) "
                             "{ return std::vector<float>(a, a + m); }", "    auto g = grab(xc.data_ptr<float>(), n);"),
    "own_lambda_parameter": ("", "    auto grab = [](const float* a, long long m) { return std::vector<float>(a, a + m); };\n"
                             "    auto g = grab(xc.data_ptr<float>(), n);"),
    "own_helper_returning_the_pointer": ("static const float* src(const torch::Tensor& t) { return t.data_ptr<float>(); }",
                                         "    std::vector<float> g(src(xc), src(xc) + n);"),
    "struct_member": ("", "    Args a{xc.data_ptr<float>(), y.data_ptr<float>(), n};\n    std::vector<float> g(a.x, a.x + n);"),
    "struct_member_assigned": ("", "    Args a;\n    a.x = xc.data_ptr<float>();\n    std::vector<float> g(a.x, a.x + n);"),
    "pointer_table_element": ("", "    const float* t[1] = {xc.data_ptr<float>()};\n    std::vector<float> g(t[0], t[0] + n);"),
    "pushed_table_element": ("", _P + "    std::vector<const float*> t;\n    t.push_back(p);\n"
                             "    std::vector<float> g(t[0], t[0] + n);"),
    "range_for_over_a_table": ("", _P + "    const float* t[1] = {p};\n    for (const float* e : t) { std::vector<float> g(e, e + n); }"),
    "ternary_binding": ("", "    const float* r = n > 0 ? xc.data_ptr<float>() : nullptr;\n    std::vector<float> g(r, r + n);"),
    "cuda_malloc_buffer": ("", "    float* d = nullptr;\n    cudaMalloc(&d, n * sizeof(float));\n"
                           "    std::vector<float> g(d, d + n);\n    cudaFree(d);"),
    "offset_pointer": ("", _P + "    const float* mid = p + n / 2;\n    std::vector<float> g(mid, mid + 4);"),
    "inside_a_macro_argument": ("", _P + "    TORCH_CHECK(std::accumulate(p, p + n, 0.0f) >= 0.0f, \"\");"),
    "printf_string": ("", _P + "    printf(\"%s\", (const char*)p);"),
}
#: name: (helpers, host statements); each must pass every static rule
HONEST: dict[str, tuple[str, str]] = {
    "sizes_vector": ("", "    std::vector<int64_t> sizes = x.sizes().vec();\n    (void)sizes;\n"
                     "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);"),
    "accumulate_over_shapes": ("", "    std::vector<int64_t> sizes = x.sizes().vec();\n"
                               "    int64_t m = std::accumulate(sizes.begin(), sizes.end(), (int64_t)1, "
                               "std::multiplies<int64_t>());\n    int64_t w = std::max(m, (int64_t)1);\n"
                               "    TORCH_CHECK(w == n, \"\");\n"
                               "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);"),
    "pointer_table_to_a_kernel": ("", "    long long half = n / 2;\n"
                                  "    const float* ins[2] = {xc.data_ptr<float>(), xc.data_ptr<float>() + half};\n"
                                  "    float* outs[2] = {y.data_ptr<float>(), y.data_ptr<float>() + half};\n"
                                  "    long long cnt[2] = {half, n - half};\n    for (int k = 0; k < 2; ++k) {\n"
                                  "        if (cnt[k] > 0) relu_kernel<<<(cnt[k] + 255) / 256, 256>>>(ins[k], outs[k], cnt[k]);\n"
                                  "    }"),
    "struct_by_value": ("", "    Args a{xc.data_ptr<float>(), y.data_ptr<float>(), n};\n    relu_args<<<blocks, 256>>>(a);"),
    "struct_temporary": ("", "    relu_args<<<blocks, 256>>>(Args{xc.data_ptr<float>(), y.data_ptr<float>(), n});"),
    "struct_set_member_by_member": ("", "    Args a;\n    a.x = xc.data_ptr<float>();\n    a.y = y.data_ptr<float>();\n"
                                    "    a.n = n;\n    relu_args<<<blocks, 256>>>(a);"),
    "locals_casts_offsets_and_checks": ("", "    const float* __restrict__ p = xc.data_ptr<float>();\n"
                                        "    auto* o = static_cast<float*>(y.data_ptr());\n"
                                        "    TORCH_CHECK(p != nullptr && (reinterpret_cast<uintptr_t>(p) % 4) == 0, \"\");\n"
                                        "    bool same = p == o;\n    (void)same;\n"
                                        "    long long half = n / 2;\n"
                                        "    if (half > 0) relu_kernel<<<blocks, 256>>>(p, o, half);\n"
                                        "    relu_kernel<<<blocks, 256>>>(p + half, o + half, n - half);"),
    "helper_and_lambda_launchers": ("static void launch(const float* a, float* b, long long m) {\n"
                                    "    if (m > 0) relu_kernel<<<(unsigned)((m + 255) / 256), 256>>>(a, b, m);\n}",
                                    "    auto go = [&](const float* a, float* b) { launch(a, b, n); };\n"
                                    "    go(xc.data_ptr<float>(), y.data_ptr<float>());"),
    "scratch_buffer_and_copies": ("", "    float* d = nullptr;\n    cudaMalloc(&d, n * sizeof(float));\n"
                                  "    cudaMemset(d, 0, n * sizeof(float));\n"
                                  "    cudaMemcpy(d, xc.data_ptr<float>(), n * sizeof(float), cudaMemcpyDeviceToDevice);\n"
                                  "    relu_kernel<<<blocks, 256>>>(d, y.data_ptr<float>(), n);\n    cudaFree(d);"),
    "ternary_and_swap": ("", "    auto t = torch::empty_like(xc);\n    float* a = t.data_ptr<float>();\n"
                         "    float* b = n > 0 ? y.data_ptr<float>() : nullptr;\n    std::swap(a, b);\n"
                         "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), b, n);\n"
                         "    relu_kernel<<<blocks, 256>>>(b, a, n);"),
    "pointer_vector_copied_to_the_device": ("", "    std::vector<const float*> ins;\n    ins.push_back(xc.data_ptr<float>());\n"
                                            "    const float** d_ins = nullptr;\n"
                                            "    cudaMalloc(&d_ins, ins.size() * sizeof(float*));\n"
                                            "    cudaMemcpy(d_ins, ins.data(), ins.size() * sizeof(float*), "
                                            "cudaMemcpyHostToDevice);\n"
                                            "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);\n"
                                            "    cudaFree(d_ins);"),
    "launch_argument_array": ("", "    const float* p = xc.data_ptr<float>();\n    float* o = y.data_ptr<float>();\n"
                              "    void* args[] = {(void*)&p, (void*)&o, (void*)&n};\n"
                              "    cudaLaunchKernel((const void*)relu_kernel, dim3(blocks), dim3(256), args, 0, 0);"),
}


def _rules(code: str) -> dict[str, str]:
    return {v.rule: v.detail for v in check_static(code, "cuda")}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_device_memory_in_host_library_code_is_rejected(name: str) -> None:
    head, body = ATTACKS[name]
    found = _rules(answer("#include <vector>\n#include <numeric>\n#include <algorithm>\n" + head, body + _LAUNCH))
    assert "device pointer" in found.get("cuda_host_pointer", ""), (name, found)


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_host_forms_pass(name: str) -> None:
    head, body = HONEST[name]
    found = check_static(answer("#include <vector>\n#include <numeric>\n#include <algorithm>\n" + head, body), "cuda")
    assert found == [], (name, found)


def test_the_message_names_the_expression_and_the_place() -> None:
    found = device_uses("void f(torch::Tensor x, long long n) {\n"
                        "    std::vector<float> g(x.data_ptr<float>(), x.data_ptr<float>() + n);\n}")
    assert found and "x.data_ptr<float>()" in found[0] and "std::vector<float> g" in found[0], found


# Every golden and the honest CUDA corpus pass check_static, this rule included: test_kernel_cuda_rt8.py.
