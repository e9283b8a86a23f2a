"""Issue 14, kernels, red team 12c (remnant): CUDA host code computing the result with ATen operators
on a tensor that reaches them through a copy the old text rule did not follow (a ternary, a pair, a
tuple, ``std::tie``, a structured binding, a lambda, a method's result) after a dummy launch. The
rule is now about types (:mod:`harness.families.kernels.static.cudatypes`): an operator on any value
whose type may be ``at::Tensor`` is ``cuda_torch_compute``. Without a GPU nothing else would catch
these, so each must be rejected statically; the honest size arithmetic beside them must pass.
Static and fast: no nvcc.
"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.cudaops import tensor_operators
from tests.security.test_kernel_cuda_rt10 import answer

_DUMMY = "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), 0);\n"
_HEAD = "#include <vector>\n#include <array>\n#include <tuple>\n#include <functional>\n#include <numeric>\n"
#: name: (declarations before the kernels, host statements after a dummy launch)
ATTACKS = {
    "ternary": ("", "    auto t = n > 0 ? xc : xc;\n    return t * (t > 0);"),
    "ternary_of_elements": ("", "    std::vector<torch::Tensor> v{xc};\n    auto t = n > 0 ? v[0] : v[0];\n"
                                "    return t * (t > 0);"),
    "make_pair": ("", "    auto p = std::make_pair(xc, n);\n    return p.first * (p.first > 0);"),
    "pair_declared": ("", "    std::pair<torch::Tensor, long long> p{xc, n};\n    return p.first * 2;"),
    "tuple_get": ("", "    auto tp = std::make_tuple(xc, 1);\n    return std::get<0>(tp) * (std::get<0>(tp) > 0);"),
    "tie_get": ("", "    auto tp = std::tie(xc, n);\n    return std::get<0>(tp) + std::get<0>(tp);"),
    "structured_binding": ("", "    auto [a, b] = std::make_pair(xc, y);\n    return a * (a > 0);"),
    "structured_binding_by_reference": ("", "    auto tp = std::make_tuple(xc, y);\n    auto& [a, b] = tp;\n"
                                            "    return a - b;"),
    "lambda_copy": ("", "    auto f = [&] { return xc; };\n    auto t = f();\n    return t * (t > 0);"),
    "lambda_result": ("", "    auto f = [&]() { return xc; };\n    return f() * (f() > 0);"),
    "lambda_returning_arithmetic": ("", "    auto twice = [](auto a) { return a * 2; };\n    return twice(xc);"),
    "lambda_called_in_place": ("", "    return [&]() { return xc; }() * 2;"),
    "lambda_init_capture": ("", "    auto f = [t = xc]() { return t * 2; };\n    return f();"),
    "std_function": ("", "    std::function<torch::Tensor()> f = [&]() { return xc; };\n    return f() * 2;"),
    "method_result_times": ("", "    return xc.view(-1) * 2;"),
    "method_result_compared": ("", "    return xc.contiguous() > 0;"),
    "method_results_added": ("", "    return xc.reshape({-1}) + xc.reshape({-1});"),
    "negated_method_result": ("", "    return -xc.view(-1);"),
    "parenthesised": ("", "    return (xc) * 2;"),
    "parenthesised_on_the_right": ("", "    return 2 * (xc);"),
    "own_function_result": ("torch::Tensor ident(torch::Tensor a) { return a; }\n", "    return ident(xc) * 2;"),
    "namespaced_call_result": ("", "    return torch::zeros_like(xc) - xc.view(-1);"),
    "using_declaration": ("using torch::Tensor;\n", "    Tensor t = xc;\n    return t * 2;"),
    "type_alias": ("using T = torch::Tensor;\n", "    T t = xc;\n    return t * 2;"),
    "typedef": ("typedef at::Tensor Ten;\n", "    Ten t = xc;\n    return t * 2;"),
    "second_declarator": ("", "    torch::Tensor a, b = xc;\n    return b * 2;"),
    "range_for": ("", "    std::vector<torch::Tensor> v{xc};\n    for (auto& t : v) return t * 2;\n    return y;"),
    "struct_member": ("struct Box { torch::Tensor t; };\n", "    Box b{xc};\n    return b.t * 2;"),
    "struct_converting_to_a_tensor": ("struct W { torch::Tensor t; operator torch::Tensor() const { return t; } };\n",
                                      "    W w{xc};\n    return w * 2;"),
    "optional_value": ("", "    c10::optional<torch::Tensor> o = xc;\n    return o.value() * 2;"),
    "rvalue_reference": ("", "    auto&& t = xc;\n    return t * 2;"),
    "decltype_of_a_method_result": ("", "    decltype(xc.view(-1)) t = xc;\n    return t * 2;"),
    "template_function": ("template <typename T> T twice(T a) { return a * 2; }\n", "    return twice(xc);"),
    "element_method_then_index": ("", "    std::vector<torch::Tensor> v{xc};\n    return v.at(0).view(-1)[0] * 2;"),
    "shift": ("", "    return xc.view(-1) << 1;"),
    "bit_not": ("", "    return ~xc.view(-1);"),
    "operator_called_by_name": ("", "    return operator*(xc, 2);"),
    "parenthesised_declarator": ("", "    torch::Tensor (X) = xc;\n    return X * 2;"),
    "accumulate_over_tensors": ("", "    std::vector<torch::Tensor> v{xc, xc};\n"
                                                         "    return std::accumulate(v.begin(), v.end(), xc);"),
    "standard_functor": ("", "    return std::plus<>()(xc, xc);"),
    "own_method_named_like_a_size_method": ("struct S { torch::Tensor t; torch::Tensor get() { return t; } };\n",
                                            "    S s{xc};\n    return s.get() * 2;"),
    "attributed_upper_case_declaration": ("", "    [[maybe_unused]] torch::Tensor X = xc;\n    return X * 2;"),
    "member_through_this": ("struct B { torch::Tensor t; torch::Tensor twice() { return this->t * 2; } };\n",
                            "    return B{xc}.twice();"),
}
#: honest host arithmetic on sizes, pointers and numbers taken from tensors (each passes)
HONEST = {
    "sizes_and_counts": "    auto rows = xc.size(0);\n    auto m = rows * 2 - n;\n    int64_t k = xc.sizes()[0] * xc.stride(0);\n"
                        "    (void)m;\n    (void)k;",
    "pair_of_sizes": "    auto [r, c] = std::make_pair(n, xc.size(0));\n    auto p = std::make_pair(n, 2);\n"
                     "    long long m = r * c + p.first * p.second + std::get<0>(std::make_tuple(n, 1)) * 2;\n    (void)m;",
    "lambda_of_sizes": "    auto cdiv = [](long long a, long long b) { return (a + b - 1) / b; };\n"
                       "    auto ptr = [&](const torch::Tensor& t) { return t.data_ptr<float>(); };\n"
                       "    relu_kernel<<<cdiv(n, 256) * 1, 256>>>(ptr(xc), ptr(y), n - 0);",
    "casts_and_comparisons": "    if (xc.scalar_type() != torch::kFloat || xc.numel() == 0 || !xc.is_cuda()) return y;\n"
                             "    size_t bytes = static_cast<size_t>(n) * sizeof(float) + (size_t)xc.element_size();\n"
                             "    int64_t half = std::min<int64_t>(n, 1024) >> 1;\n    (void)bytes;\n    (void)half;",
    "range_for_over_sizes": "    int64_t m = 1;\n    for (auto d : xc.sizes()) m *= d;\n    for (int64_t d : xc.strides()) m += d;\n"
                            "    (void)m;",
    "ternary_of_numbers": "    auto k = n > 1024 ? 1024 : n;\n    long long a = 1, b = k * 2;\n    (void)a;\n    (void)b;",
    "accumulate_of_sizes": "    std::vector<int64_t> s(xc.sizes().begin(), xc.sizes().end());\n"
                           "    int64_t total = std::accumulate(s.begin(), s.end(), int64_t{0});\n"
                           "    (void)total;",
    "library_members_named_like_a_tensor": "    dim3 grid((n + 255) / 256);\n    long long xs = grid.x * 2 + grid.y;\n"
                                           "    (void)xs;",
    "stream_and_device": "    auto stream = at::cuda::getCurrentCUDAStream();\n    (void)stream;\n"
                         "    if (xc.device() != y.device() || xc.sizes() != y.sizes()) return y;",
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_host_tensor_arithmetic_through_any_copy_is_rejected(name: str) -> None:
    head, body = ATTACKS[name]
    found = {v.rule: v.detail for v in check_static(answer(_HEAD + head, _DUMMY + body), "cuda")}
    assert "cuda_torch_compute" in found, (name, found)


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_size_arithmetic_passes(name: str) -> None:
    code = answer(_HEAD, _DUMMY + HONEST[name])
    assert check_static(code, "cuda") == [], name


def test_the_message_names_the_operand() -> None:
    found = tensor_operators("torch::Tensor f(torch::Tensor x) { auto p = std::make_pair(x, 1); return p.first * 2; }")
    assert found == ["tensor arithmetic on p.first (*)"], found


# -- iterators over sizes (honest12 H3): from begin to end of a container of numbers or a sizes view ------
_VEC = "    std::vector<int64_t> s(xc.sizes().begin(), xc.sizes().end());\n    int64_t m = 1;\n"
HONEST_ITERATORS = {
    "vector_of_sizes": _VEC + "    for (auto it = s.begin(); it != s.end(); ++it) m *= *it;\n    (void)m;",
    "sizes_view": "    auto sizes = xc.sizes();\n    int64_t m = 1;\n"
                  "    for (auto it = sizes.begin(); it != sizes.end(); ++it) m *= *it;\n    (void)m;",
    "write_through": _VEC + "    for (auto it = s.begin(); it != s.end(); it++) { *it = *it * 2; m += *it; }\n"
                                       "    (void)m;",
}
#: each walks past the end, invalidates the iterator, or dereferences what is not an element of numbers
ITERATOR_ATTACKS = {
    "one_before_the_end": _VEC + "    for (auto it = s.begin(); it + 1 != s.end(); ++it) m *= *it;",
    "grows_in_the_loop": _VEC + "    for (auto it = s.begin(); it != s.end(); ++it) { s.push_back(*it); }",
    "moved_in_the_loop": _VEC + "    for (auto it = s.begin(); it != s.end(); ++it) { m += *it; ++it; }",
    "advanced_in_the_loop": _VEC + "    for (auto it = s.begin(); it != s.end(); ++it) { m += *(it + 4); }",
    "a_lambda_grows_it": _VEC + "    auto grow = [&]() { s.push_back(1); };\n"
                                "    for (auto it = s.begin(); it != s.end(); ++it) { m += *it; grow(); }",
    "vector_of_pointers": "    std::vector<float*> v{y.data_ptr<float>()};\n"
                          "    for (auto it = v.begin(); it != v.end(); ++it) **it = 0.f;",
    "reference_to_a_vector": _VEC + "    std::vector<int64_t>& r = s;\n"
                                    "    for (auto it = r.begin(); it != r.end(); ++it) m *= *it;",
    "view_of_a_tensor_reset_in_the_loop": "    auto t = torch::empty_like(xc);\n    auto sz = t.sizes();\n    int64_t m = 0;\n"
                                          "    for (auto it = sz.begin(); it != sz.end(); ++it) { t.reset(); m += *it; }",
    "iterator_kept_after_the_loop": _VEC + "    auto keep = s.begin();\n"
                                           "    for (auto it = s.begin(); it != s.end(); ++it) { keep = it; }\n    m = *keep;",
}


@pytest.mark.parametrize("name", sorted(HONEST_ITERATORS))
def test_iterating_sizes_from_begin_to_end_passes(name: str) -> None:
    code = answer(_HEAD, _DUMMY + HONEST_ITERATORS[name])
    assert check_static(code, "cuda") == [], name


@pytest.mark.parametrize("name", sorted(ITERATOR_ATTACKS))
def test_iterators_past_the_end_or_of_pointers_are_rejected(name: str) -> None:
    found = {v.rule for v in check_static(answer(_HEAD, _DUMMY + ITERATOR_ATTACKS[name]), "cuda")}
    assert "cuda_host_pointer" in found, (name, found)


def test_a_crafted_template_chain_is_read_in_linear_time() -> None:
    """``A0<int>::A1<int>::...`` once made the declaration regex try every split of the masked
    ``‹...›`` lists (2 s at 20 links, doubling per link): a static check an answer could stall."""
    import time

    code = "void f() { " + "::".join(f"A{i}<int>" for i in range(40)) + " ; }\n"
    start = time.monotonic()
    tensor_operators(code)
    assert time.monotonic() - start < 10
