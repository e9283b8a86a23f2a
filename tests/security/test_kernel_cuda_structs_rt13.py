"""Issue 14 (no false rejections, fixCU5): since the type-based CUDA host rule
(:mod:`harness.families.kernels.static.cudatypes`) an answer's own struct was always a possible
tensor and ``struct Args {`` declared ``Args`` as a variable, so ``const Args* a`` read as a
multiplication and 16 honest forms of tests/security/test_honest_rt10b_f2f3.py failed. A struct is
now a possible tensor only when a type it names may be one (a member, a method, a parameter, a
nested own struct), when it has a base class or is a template or specialization, or when an
operator the answer declares may return or convert to a tensor. Each attack keeps
``cuda_torch_compute``; each honest form passes. Static and fast: no nvcc.
"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static
from tests.security.test_kernel_cuda_rt10 import answer

_DUMMY = "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), 0);\n"
_HEAD = "#include <vector>\n"
_ARGS = ""  # the module already declares struct Args { const float* x; float* y; long long n; }
#: name: (declarations before the kernels, host statements after a dummy launch)
ATTACKS = {
    "nested_tensor_member": ("struct In { torch::Tensor t; };\nstruct Out { In i; float* p; };\n",
                             "    Out o{{xc}, nullptr};\n    return o.i.t * 2;"),
    "nested_struct_times": ("struct In { torch::Tensor t; };\nstruct Out { In i; };\n",
                            "    Out o{{xc}};\n    auto r = o * 2;\n    return y;"),
    "vector_of_tensors_member": ("struct V { std::vector<torch::Tensor> v; };\n",
                                 "    V s{{xc}};\n    return s.v[0] * 2;"),
    "alias_member": ("using T = at::Tensor;\nstruct A { T t; };\n", "    A a{xc};\n    return a.t + a.t;"),
    "parenthesised_member": ("using T = at::Tensor;\nstruct P { T (t); };\n", "    P p{xc};\n    return p.t * 2;"),
    "base_class": ("struct D : at::Tensor { using at::Tensor::Tensor; };\n", "    D d(xc);\n    return d * 2;"),
    "template_struct": ("template <typename T> struct Box { T v; };\n",
                        "    Box<torch::Tensor> b{xc};\n    return b.v * 2;"),
    "specialization": ("template <typename T> struct Box { float* p; };\n"
                       "template <> struct Box<int> { torch::Tensor t; };\n",
                       "    Box<int> b{xc};\n    return b.t * 2;"),
    "free_operator_returning_a_tensor": (_ARGS + "torch::Tensor operator*(Args a, int k) "
                                         "{ return torch::from_blob(a.y, {a.n}); }\n",
                                         "    Args a{xc.data_ptr<float>(), y.data_ptr<float>(), n};\n"
                                         "    return (a * 2) * 3;"),
    "friend_operator_in_another_struct": (_ARGS + "struct F { friend torch::Tensor operator+(Args a, int k); };\n",
                                          "    Args a{xc.data_ptr<float>(), y.data_ptr<float>(), n};\n"
                                          "    return (a + 1) * 3;"),
    "template_operator": (_ARGS + "template <class T> T operator-(T a, int k) { return a; }\n",
                          "    Args a{xc.data_ptr<float>(), y.data_ptr<float>(), n};\n    return (a - 1) * 3;"),
    "conversion_in_a_pointer_struct": ("struct C { float* p; operator torch::Tensor() const; };\n",
                                       "    C c{y.data_ptr<float>()};\n    return c * 2;"),
    "tensor_braced_then_times": ("", "    return torch::Tensor{xc} * 2;"),
    "struct_name_reused_as_a_tensor": (_ARGS, "    torch::Tensor Args = xc;\n    return Args * 2;"),
}
#: own structs of pointers and numbers, pointers to them, and own operators on number structs
HONEST = {
    "pointer_to_an_own_struct": (_ARGS, "    Args a{xc.data_ptr<float>(), y.data_ptr<float>(), n};\n"
                                        "    Args* d_a = nullptr;\n    const Args* c = &a;\n    Args** pp = &d_a;\n"
                                        "    (void)c;\n    (void)pp;"),
    "nested_number_structs": (_ARGS + "struct Outer { Args a; int k; };\n",
                              "    Outer o{{xc.data_ptr<float>(), y.data_ptr<float>(), n}, 2};\n"
                              "    long long m = o.a.n * o.k + (o.a.n > 0);\n    (void)m;"),
    "self_referential": ("struct Node { Node* next; long long v; };\n",
                         "    Node a{nullptr, n};\n    long long m = a.v * 2;\n    (void)m;"),
    "own_operator_on_numbers": ("struct P2 { float a, b; };\n"
                                "inline P2 operator+(P2 x, P2 y) { return {x.a + y.a, x.b + y.b}; }\n",
                                "    P2 p = P2{1.f, 2.f} + P2{3.f, 4.f};\n    float m = p.a * p.b - 1.f;\n    (void)m;"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_tensor_structs_and_operators_stay_rejected(name: str) -> None:
    head, body = ATTACKS[name]
    found = {v.rule: v.detail for v in check_static(answer(_HEAD + head, _DUMMY + body), "cuda")}
    assert "cuda_torch_compute" in found, (name, found)


@pytest.mark.parametrize("name", sorted(HONEST))
def test_structs_of_pointers_and_numbers_pass(name: str) -> None:
    head, body = HONEST[name]
    assert check_static(answer(_HEAD + head, _DUMMY + body + "\n    return y;"), "cuda") == [], name


def test_a_long_chain_of_structs_is_read_in_linear_time() -> None:
    """A struct becomes a possible tensor through the structs it names: a chain of 1000 found one link
    a round would be quadratic (a stalled static check); the last link's tensor reaches the first."""
    import time

    from harness.families.kernels.static.cudaops import tensor_operators

    n = 1000
    code = "".join(f"struct S{i} {{ S{i + 1}* a; long long n; }};\n" for i in range(n))
    code += f"struct S{n} {{ torch::Tensor q; }};\nvoid f() {{ S0 v; long long m = v.n * 2; auto r = v * 2; }}\n"
    start = time.monotonic()
    assert tensor_operators(code) == ["tensor arithmetic on v (*)"]
    assert time.monotonic() - start < 10
