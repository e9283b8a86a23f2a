"""Issue 14, kernels, round 12: CUDA host idioms the static rules rejected (honest11 F3, honest11b
F8a/b/d), accepted now without opening what the rules close (``cuda_host_pointer``: an index of host
memory the checks cannot bound; ``cuda_host_copy``: a pointer that is not device memory). Static
and fast: no nvcc.
"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static
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
    "chunks_below_their_own_count": ("", "    auto parts = y.chunk(2);\n"
                                         "    for (int k = 0; k < 2 && k < (int)parts.size(); ++k)\n"
                                         + _RUN.format("parts[k].data_ptr<float>()", "parts[k].data_ptr<float>()")),
}
#: (rule, head, body): each indexes past what the checks can bound or hands a kernel a non-device pointer
ATTACKS = {
    "index_past_a_helper_result": ("cuda_host_pointer", _PAIR, "    return pair_of(y, xc)[2];"),
    "count_constructor_pair": ("cuda_host_pointer", _COUNT, "    auto v = copies(y, 0);\n    return v[1];"),
    "loop_bounded_by_a_larger_table": ("cuda_host_pointer", "", "    std::vector<torch::Tensor> ins = {xc, xc, xc};\n"
                                                                "    std::vector<torch::Tensor> outs = {y};\n"
                                                                "    for (size_t k = 0; k < ins.size(); ++k) outs[k] = ins[k];"),
    "own_count_of_a_dangling_view": ("cuda_host_pointer", "", "    auto s = torch::empty_like(xc).sizes();\n    long long m = 0;\n"
                                                              "    for (size_t k = 0; k < s.size(); ++k) m += s[k];"),
    "own_count_of_a_table_that_grows": ("cuda_host_pointer", "", "    std::vector<torch::Tensor> v = {xc};\n"
                                                                 "    for (size_t k = 0; k < v.size(); ++k) { v.push_back(y); v[k] = y; }"),
    "lambda_returning_an_unset_pointer": ("cuda_host_copy", "", "    float* g;\n    auto P = [&]() { return g; };\n"
                                                                + _RUN.format("xc.data_ptr<float>()", "P()")),
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
