"""Issue 14, kernels, round 12: CUDA host idioms the static rules rejected (honest11 F3, honest11b
F2, F8a/b/d/e), accepted now without opening what the rules close (``cuda_host_pointer``: an index of host
memory the checks cannot bound; ``cuda_host_copy``: a pointer that is not device memory). Static
and fast; the honest forms' nvcc build (with two attacks the rules, not the compiler, stop) is
opt-in (``HWEVAL_RT12_NVCC=1``, one torch-header build, minutes).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import nvcc_path
from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.cuda import InlineExtension
from tests.security.test_kernel_cuda_rt10 import answer

_PAIR = "std::vector<torch::Tensor> pair_of(torch::Tensor a, torch::Tensor b) { return {a, b}; }\n"
_COUNT = "std::vector<torch::Tensor> copies(torch::Tensor a, long long k) { return {k, a}; }\n"
_RUN = "    relu_kernel<<<blocks, 256>>>({}, {}, n);"
HONEST = {
    "structured_binding_of_sizes": ("", "    auto [rows, cols] = std::make_pair(n, n);\n"
                                        + _RUN.format("xc.data_ptr<float>()", "y.data_ptr<float>()").replace(", n)", ", rows)")),
    "lambda_returning_data_ptr": ("", "    auto ptr_of = [](const torch::Tensor& t) { return t.data_ptr<float>(); };\n"
                                      + _RUN.format("ptr_of(xc)", "ptr_of(y)")),
    "typed_lambda_returning_data_ptr": ("", "    auto ptr_of = [](const torch::Tensor& t) -> float* { return t.data_ptr<float>(); };\n"
                                            + _RUN.format("ptr_of(xc)", "ptr_of(y)")),
    "literal_index_of_a_helper_result": (_PAIR, _RUN.format("xc.data_ptr<float>()", "y.data_ptr<float>()")
                                                + "\n    auto outs = pair_of(y, xc);\n    return outs[1].numel() ? outs[0] : y;"),
    "literal_index_of_a_call": (_PAIR, _RUN.format("xc.data_ptr<float>()", "y.data_ptr<float>()")
                                       + "\n    return pair_of(y, xc)[0];"),
    "loop_bounded_by_another_table": ("", "    std::vector<torch::Tensor> ins = {xc};\n    std::vector<torch::Tensor> outs = {y};\n"
                                          "    for (size_t k = 0; k < ins.size(); ++k)\n"
                                          + _RUN.format("ins[k].data_ptr<float>()", "outs[k].data_ptr<float>()")),
    "std_array_of_tensors_filled_in_a_loop": ("", "    std::array<torch::Tensor, 2> in{xc, y};\n    std::array<float*, 2> ptrs{};\n"
                                                  "    for (size_t k = 0; k < in.size(); ++k) ptrs[k] = in[k].data_ptr<float>();\n"
                                                  + _RUN.format("ptrs[0]", "ptrs[1]")),
    "struct_array_member_set_in_a_loop": ("struct Tbl { const float* p[2]; };\n",
                                          "    torch::Tensor in[2] = {xc, y};\n    Tbl t;\n"
                                          "    for (int k = 0; k < 2; ++k) t.p[k] = in[k].data_ptr<float>();\n"
                                          + _RUN.format("t.p[0]", "y.data_ptr<float>()")),
    "vector_filled_by_push_back": ("", "    std::vector<float*> ptrs;\n    ptrs.reserve(2);\n"
                                       "    ptrs.push_back(xc.data_ptr<float>());\n    ptrs.push_back(y.data_ptr<float>());\n"
                                       + _RUN.format("ptrs[0]", "ptrs[1]")),
    "chunks_below_their_own_count": ("", "    auto parts = y.chunk(2);\n"
                                         "    for (int k = 0; k < 2 && k < (int)parts.size(); ++k)\n"
                                         + _RUN.format("parts[k].data_ptr<float>()", "parts[k].data_ptr<float>()")),
}
#: (rule, head, body): each indexes past what the checks can bound or hands a kernel a non-device pointer
ATTACKS = {
    "index_past_a_helper_result": ("cuda_host_pointer", _PAIR, "    return pair_of(y, xc)[2];"),
    "overload_returning_fewer": ("cuda_host_pointer", _PAIR + "std::vector<torch::Tensor> pair_of(torch::Tensor a) { return {}; }\n",
                                 "    return pair_of(y)[1];"),
    "overload_declared_for_the_other_unit": ("cuda_host_pointer", _PAIR + "std::vector<torch::Tensor> pair_of(int k);\n",
                                             "    return pair_of(0)[1];"),
    "count_constructor_pair": ("cuda_host_pointer", _COUNT, "    auto v = copies(y, 0);\n    return v[1];"),
    "loop_bounded_by_a_larger_table": ("cuda_host_pointer", "", "    std::vector<torch::Tensor> ins = {xc, xc, xc};\n"
                                                                "    std::vector<torch::Tensor> outs = {y};\n"
                                                                "    for (size_t k = 0; k < ins.size(); ++k) outs[k] = ins[k];"),
    "own_count_of_a_dangling_view": ("cuda_host_pointer", "", "    auto s = torch::empty_like(xc).sizes();\n    long long m = 0;\n"
                                                              "    for (size_t k = 0; k < s.size(); ++k) m += s[k];"),
    "own_count_of_a_table_that_grows": ("cuda_host_pointer", "", "    std::vector<torch::Tensor> v = {xc};\n"
                                                                 "    for (size_t k = 0; k < v.size(); ++k) { v.push_back(y); v[k] = y; }"),
    "struct_array_member_past_its_size": ("cuda_host_pointer", "struct Tbl { const float* p[2]; };\n",
                                          "    Tbl t;\n    for (int k = 0; k < 3; ++k) t.p[k] = xc.data_ptr<float>();"),
    "member_name_also_a_pointer_elsewhere": ("cuda_host_pointer", "struct Tbl { const float* p[2]; };\nstruct Raw { float* p; };\n",
                                             "    Raw r{y.data_ptr<float>()};\n    r.p[1] = 0.f;"),
    "library_struct_member_named_like_an_own_one": ("cuda_host_pointer", "struct Big { char name[4096]; };\n",
                                                    "    cudaDeviceProp prop;\n    cudaGetDeviceProperties(&prop, 0);\n"
                                                    "    prop.name[4000] = 0;"),
    "push_back_under_a_condition": ("cuda_host_pointer", "", "    std::vector<float*> ptrs;\n"
                                                             "    if (n > 1) ptrs.push_back(xc.data_ptr<float>());\n"
                                                             + _RUN.format("ptrs[0]", "y.data_ptr<float>()")),
    "index_past_the_pushed_count": ("cuda_host_pointer", "", "    std::vector<float*> ptrs;\n"
                                                             "    ptrs.push_back(xc.data_ptr<float>());\n"
                                                             + _RUN.format("ptrs[0]", "ptrs[1]")),
    "push_back_after_an_index": ("cuda_host_pointer", "", "    std::vector<torch::Tensor> v;\n    v.push_back(xc);\n"
                                                          "    auto& first = v[0];\n    v.push_back(y);\n    first = y;"),
    "push_back_skipped_by_goto": ("cuda_host_pointer", "", "    std::vector<float*> ptrs;\n    if (n > 0) goto done;\n"
                                                           "    ptrs.push_back(xc.data_ptr<float>());\n    done:\n"
                                                           + _RUN.format("ptrs[0]", "y.data_ptr<float>()")),
    "lambda_returning_an_unset_pointer": ("cuda_host_copy", "", "    float* g;\n    auto P = [&]() { return g; };\n"
                                                                + _RUN.format("xc.data_ptr<float>()", "P()")),
    "lambda_named_like_a_function_the_other_unit_defines": ("cuda_host_copy", "float* ptr_of(torch::Tensor t);\n",
                                                            "    auto ptr_of = [](const torch::Tensor& t) { return t.data_ptr<float>(); };\n"
                                                            + _RUN.format("xc.data_ptr<float>()", "ptr_of(y)")),
    "lambda_returning_a_reference_written_through": ("cuda_host_copy", "", "    float* d = y.data_ptr<float>();\n"
                                                                           "    auto R = [&]() -> float*& { return d; };\n"
                                                                           "    float* g;\n    R() = g;\n"
                                                                           + _RUN.format("xc.data_ptr<float>()", "d")),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_host_idioms_pass_the_static_checks(name: str) -> None:
    head, body = HONEST[name]
    assert check_static(answer(head, body), "cuda") == []


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_unbounded_indexes_and_non_device_pointers_stay_rejected(name: str) -> None:
    rule, head, body = ATTACKS[name]
    found = {v.rule for v in check_static(answer(head, body), "cuda")}
    assert rule in found, found


#: honest11 F2: the PyTorch C++/CUDA extension tutorial's packed accessors as kernel parameters
_ACC = ("__global__ void relu_acc(const torch::PackedTensorAccessor32<float, 1, torch::RestrictPtrTraits> a,\n"
        "                         torch::PackedTensorAccessor32<float, 1, torch::RestrictPtrTraits> b) {\n"
        "    int i = blockIdx.x * blockDim.x + threadIdx.x;\n    if (i < a.size(0)) b[i] = fmaxf(a[i], 0.f);\n}\n"
        "__global__ void relu_acc_ptr(torch::PackedTensorAccessor64<float, 1, torch::RestrictPtrTraits> a, float* p,\n"
        "                             long long n, long long m) { }\n")
_XA = "xc.packed_accessor32<float, 1, torch::RestrictPtrTraits>()"
HONEST_ACCESSORS = {
    "inline_accessors": f"    relu_acc<<<blocks, 256>>>({_XA}, y.packed_accessor32<float, 1, torch::RestrictPtrTraits>());",
    "accessor_locals": f"    auto xa = {_XA};\n    auto ya = y.packed_accessor32<float, 1, torch::RestrictPtrTraits>();\n"
                       "    relu_acc<<<blocks, 256>>>(xa, ya);",
    "accessor64_beside_a_pointer": "    relu_acc_ptr<<<blocks, 256>>>(xc.packed_accessor64<float, 1, torch::RestrictPtrTraits>(), "
                                   "y.data_ptr<float>(), n, n);",
}
#: (rule, body)
ACCESSOR_ATTACKS = {
    "accessor_built_by_hand": ("cuda_host_copy", "    float* g;\n    int64_t sz[1] = {n};\n    int64_t st[1] = {1};\n"
                                                 "    torch::PackedTensorAccessor32<float, 1, torch::RestrictPtrTraits> a(g, sz, st);\n"
                                                 f"    relu_acc<<<blocks, 256>>>({_XA}, a);"),
    "accessor_alias": ("cuda_host_copy", "    using A = torch::PackedTensorAccessor32<float, 1, torch::RestrictPtrTraits>;\n"
                                         f"    relu_acc<<<blocks, 256>>>({_XA}, {_XA});"),
    "pointer_after_an_accessor": ("cuda_host_copy", "    float* g;\n    relu_acc_ptr<<<blocks, 256>>>(xc.packed_accessor64<float, 1, "
                                                    "torch::RestrictPtrTraits>(), g, n, n);"),
    "accessor_read_on_the_host": ("cuda_host_pointer", f"    auto xa = {_XA};\n    float v = xa[0];\n"
                                                       "    relu_acc<<<blocks, 256>>>(xa, y.packed_accessor32<float, 1, "
                                                       "torch::RestrictPtrTraits>());\n    (void)v;"),
}


@pytest.mark.parametrize("name", sorted(HONEST_ACCESSORS))
def test_packed_accessors_pass_the_static_checks(name: str) -> None:
    assert check_static(answer(_ACC, HONEST_ACCESSORS[name]), "cuda") == []


@pytest.mark.parametrize("name", sorted(ACCESSOR_ATTACKS))
def test_accessors_built_by_hand_or_read_on_the_host_are_rejected(name: str) -> None:
    rule, body = ACCESSOR_ATTACKS[name]
    found = {v.rule: v.detail for v in check_static(answer(_ACC, body), "cuda")}
    assert rule in found, found


def cuda_forms() -> list[tuple[str, InlineExtension]]:
    """This file's honest forms, round 12's integer forms (``test_kernel_cuda_int_rt12``) and two
    attacks as extensions."""

    from tests.security import test_kernel_cuda_int_rt12 as ints

    codes = [(f"h_{k}", answer(*HONEST[k])) for k in sorted(HONEST)]
    codes += [(f"acc_{k}", answer(_ACC, HONEST_ACCESSORS[k])) for k in sorted(HONEST_ACCESSORS)]
    codes += [(f"int_{k}", answer(ints._HEAD, ints.HONEST[k])) for k in sorted(ints.HONEST)]
    codes += [("a_int_table", answer(ints._HEAD, ints.ATTACKS["c_cast_in_a_copied_table"])),
              ("a_lambda_ref", answer(*ATTACKS["lambda_returning_a_reference_written_through"][1:]))]
    from tests.kernels import cuda_union

    return cuda_union.extensions(codes)


@pytest.mark.slow
@pytest.mark.skipif(nvcc_path() is None or os.environ.get("HWEVAL_RT12_NVCC") != "1",
                    reason="nvcc build of the honest forms: set HWEVAL_RT12_NVCC=1 (one torch-header build, minutes)")
def test_the_forms_are_real_cuda(tmp_path: Path) -> None:
    from tests.kernels import cuda_union

    build = cuda_union.build(cuda_forms(), tmp_path)
    assert build.ok is True, build.log[-3000:]


def test_a_two_item_vector_of_pointers_is_sized_only_when_it_cannot_be_the_count_constructor() -> None:
    """``std::vector<float*> v{k, p}`` is ``k`` copies of ``p`` (an integer ``k`` makes the list the
    count constructor's arguments), so it is not taken for two elements; a list of numbers, or one
    whose first item is a pointer or a tensor, is."""
    from harness.families.kernels.static.hostindex import _array_sizes

    def sized(code: str) -> object:
        return _array_sizes(code, {})[0].get("v")

    assert sized("void f(long long k, float* p) { std::vector<float*> v{k, p}; }") is None
    assert sized("void f(long long k, torch::Tensor y) { std::vector<torch::Tensor> v = {k, y}; }") is None
    assert sized("void f(long long n) { std::vector<int64_t> v = {n, 1}; }") == [(2, 43)]
    assert sized("void f(torch::Tensor x, torch::Tensor y) { std::vector<torch::Tensor> v{x, y}; }") is not None
    assert sized("void f(float* p) { std::vector<float*> v{p.data_ptr<float>(), nullptr}; }") is not None


#: honest12 H3/H9: std::vector bookkeeping on sizes, a sizes view indexed below its own size()
_L = _RUN.format("xc.data_ptr<float>()", "y.data_ptr<float>()") + "\n"
HONEST_SIZES = {
    "vector_of_sizes_bookkeeping": _L + "    std::vector<int64_t> s(xc.sizes().begin(), xc.sizes().end());\n"
                                        "    s.pop_back();\n    s.insert(s.begin(), 1);\n    s.erase(s.begin());\n"
                                        "    long long m = s.at(0);\n    s.assign(1, m);\n    s.clear();\n"
                                        "    auto lead = xc.sizes().slice(0, xc.dim() - 1).vec();\n    (void)lead;",
    "rows_of_a_sizes_view": _L + "    auto sizes = xc.sizes();\n    int64_t rows = 1;\n"
                                 "    for (size_t i = 0; i + 1 < sizes.size(); ++i) rows *= sizes[i];\n    (void)rows;",
    "sizes_view_read_before_its_tensor_is_reset": _L + "    auto t = torch::empty_like(xc);\n    auto s = t.sizes();\n"
                                                       "    int64_t m = 0;\n    for (size_t i = 0; i < s.size(); ++i) m += s[i];\n"
                                                       "    t.reset();\n    (void)m;",
    "sizes_of_elements_of_a_tensor_list": _L + "    std::vector<torch::Tensor> v = {xc};\n"
                                               "    long long k = v.at(0).numel() * 2 + v[0].size(0) - 1 + 2 * v.size();\n"
                                               "    (void)k;",
    "strides_view_beside_reads_of_its_tensor": _L + "    c10::IntArrayRef st = xc.strides();\n    int64_t m = 0;\n"
                                                    "    for (size_t i = 0; i < st.size(); ++i) m += st[i] * xc.size(i);\n"
                                                    "    (void)m;",
}
#: (rule, head, body): the same syntax on a pointer table, a raw host pointer, a tensor, or a view whose tensor may go
SIZES_ATTACKS = {
    "at_of_a_table_of_host_memory": ("cuda_host_copy", "", "    float buf[4];\n    std::vector<float*> v = {buf};\n"
                                                           + _RUN.format("v.at(0)", "y.data_ptr<float>()")),
    "insert_of_a_host_pointer": ("cuda_host_copy", "", "    float* g;\n    std::vector<float*> v = {y.data_ptr<float>()};\n"
                                                       "    v.insert(v.begin(), g);\n" + _RUN.format("xc.data_ptr<float>()", "v.at(0)")),
    "index_after_clear": ("cuda_host_pointer", "", _L + "    std::vector<int64_t> v = {n, n};\n    v.clear();\n"
                                                        "    long long m = v[1];\n    (void)m;"),
    "arithmetic_on_at_of_a_tensor_list": ("cuda_torch_compute", "", _L + "    std::vector<torch::Tensor> v = {xc};\n"
                                                                         "    return v.at(0) * 2;"),
    "arithmetic_on_an_element_of_a_tensor_array": ("cuda_torch_compute", "", _L + "    std::array<torch::Tensor, 1> v{xc};\n"
                                                                                  "    return 2 * v[0];"),
    "slice_of_a_tensor": ("cuda_torch_compute", "", _L + "    auto z = xc.slice(0, 0, 2);\n    (void)z;"),
    "raw_pointer_below_a_count": ("cuda_host_pointer", "", _L + "    const float* p = xc.data_ptr<float>();\n    float m = 0;\n"
                                                                "    for (long long i = 0; i + 1 < n; ++i) m += p[i];\n    (void)m;"),
    "sizes_view_past_its_size": ("cuda_host_pointer", "", _L + "    auto sizes = xc.sizes();\n    int64_t r = 1;\n"
                                                               "    for (size_t i = 0; i < sizes.size() + 1; ++i) r *= sizes[i];"),
    "sizes_view_of_a_tensor_reset": ("cuda_host_pointer", "", _L + "    auto t = torch::empty_like(xc);\n    auto s = t.sizes();\n"
                                                                   "    int64_t m = 0;\n"
                                                                   "    for (size_t i = 0; i < s.size(); ++i) { t.reset(); m += s[i]; }"),
    "sizes_view_of_a_tensor_reset_after_its_read": ("cuda_host_pointer", "", _L + "    auto t = torch::empty_like(xc);\n"
                                                                                  "    auto s = t.sizes();\n    int64_t m = 0;\n"
                                                                                  "    for (size_t i = 0; i < s.size(); ++i) "
                                                                                  "{ m += s[i]; t.reset(); }"),
    "sizes_view_of_a_tensor_a_lambda_resets": ("cuda_host_pointer", "", _L + "    auto t = torch::empty_like(xc);\n"
                                                                             "    auto f = [&]() { t.reset(); };\n    auto s = t.sizes();\n"
                                                                             "    int64_t m = 0;\n"
                                                                             "    for (size_t i = 0; i < s.size(); ++i) { m += s[i]; f(); }"),
    "sizes_view_of_a_tensor_handed_away": ("cuda_host_pointer", "void drop(torch::Tensor& t) { t = torch::Tensor(); }\n",
                                           _L + "    auto t = torch::empty_like(xc);\n    auto s = t.sizes();\n    drop(t);\n"
                                                "    int64_t m = 0;\n    for (size_t i = 0; i < s.size(); ++i) m += s[i];"),
    "sizes_view_of_a_tensor_bound_to_a_reference": ("cuda_host_pointer", "", _L + "    auto t = torch::empty_like(xc);\n"
                                                                                  "    auto& r = t;\n    auto s = t.sizes();\n"
                                                                                  "    r = torch::Tensor();\n    int64_t m = 0;\n"
                                                                                  "    for (size_t i = 0; i < s.size(); ++i) m += s[i];"),
}


@pytest.mark.parametrize("name", sorted(HONEST_SIZES))
def test_size_bookkeeping_passes_the_static_checks(name: str) -> None:
    assert check_static(answer("", HONEST_SIZES[name]), "cuda") == []


@pytest.mark.parametrize("name", sorted(SIZES_ATTACKS))
def test_the_same_syntax_on_pointers_tensors_or_a_dangling_view_stays_rejected(name: str) -> None:
    rule, head, body = SIZES_ATTACKS[name]
    found = {v.rule: v.detail for v in check_static(answer(head, body), "cuda")}
    assert rule in found, found


# -- red team 12c C1/C2: host tensor compute through a copy, an element, or a comparison --------------
_DUMMY = "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), 0);\n"
HOST_RELU = {
    "auto_copy_of_at": "    std::vector<torch::Tensor> v{xc};\n    auto t = v.at(0);\n    return t * (t > 0);",
    "back": "    std::vector<torch::Tensor> v{xc};\n    return v.back() * (v.back() > 0);",
    "array_at": "    std::array<torch::Tensor,1> v{xc};\n    auto t = v.at(0);\n    return t * (t > 0);",
    "front": "    std::vector<torch::Tensor> v{xc};\n    return v.front() * (v.front() > 0);",
    "comparison_of_an_element": "    std::vector<torch::Tensor> v{xc};\n    return (v[0] > 0);",
    "auto_copy": "    auto t = xc;\n    return t * (t > 0);",
    "comparison": "    return (xc > 0);",
    "decltype_copy": "    decltype(xc) t = xc;\n    return t * (t > 0);",
}


@pytest.mark.parametrize("name", sorted(HOST_RELU))
def test_host_relu_through_copies_elements_and_comparisons_is_rejected(name: str) -> None:
    code = answer("#include <vector>\n#include <array>\n", _DUMMY + HOST_RELU[name])
    assert "cuda_torch_compute" in [v.rule for v in check_static(code, "cuda")]


def test_numbers_taken_from_tensors_are_not_tensors() -> None:
    body = ("    auto n = xc.numel();\n    auto rows = xc.size(0);\n    auto m = n;\n"
            "    if (rows > 0 && m >= n) { m = m * 2 - n; }\n"
            "    relu_kernel<<<(m + 255) / 256, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);\n    return y;")
    assert check_static(answer("", body), "cuda") == []
