"""Honest forms left refused by round 14 (kernels, CUDA host code), accepted now, each beside the nearest
forms that must stay refused: a host function template instantiated only with numbers (``cdiv<long
long>(n, 256)``, :mod:`harness.families.kernels.static.cudatemplates`), ``std::min({a, b, c})`` over
numbers, a method of the answer's own struct (``cfg.grid()``). Static and fast: no nvcc."""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static
from tests.security.test_kernel_cuda_rt10 import answer

LAUNCH = "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);"
CDIV = "template <typename T>\nT cdiv(T a, T b) { return (a + b - 1) / b; }\n"
SCALE = "template <typename T, typename U>\nU scale(T a, U s) { return s * a; }\n"
CFG = "struct Cfg { long long n; long long grid() const { return (n + 255) / 256; } };\n"
RELU_METHOD = "struct Cfg { long long n; long long relu() const { return n; } };\n"

HONEST = {
    "template_explicit": (CDIV, "    long long g = cdiv<long long>(n, 256);\n    (void)g;\n" + LAUNCH),
    "template_deduced": (CDIV, "    long long g = cdiv(n, (long long)256);\n    (void)g;\n" + LAUNCH),
    "template_nested_calls": (CDIV, "    long long g = cdiv(cdiv(n, (long long)2), (long long)1);\n    (void)g;\n" + LAUNCH),
    "template_two_parameters": (SCALE, "    double g = scale(n, 2.0);\n    (void)g;\n" + LAUNCH),
    "template_launcher_given_a_tensor_elsewhere": (
        "template <typename T>\nvoid launch(const torch::Tensor& x, torch::Tensor& y, T n) {\n"
        "    long long m = n + 1;\n"
        "    relu_kernel<<<(m + 255) / 256, 256>>>(x.data_ptr<float>(), y.data_ptr<float>(), m);\n}\n",
        "    launch(xc, y, n);"),
    "min_of_a_list": ("#include <algorithm>\n",
                      "    long long g = std::min({n, (long long)65535, (long long)blocks});\n    (void)g;\n" + LAUNCH),
    "own_struct_method": (CFG, "    Cfg cfg{n};\n    long long g = cfg.grid();\n    (void)g;\n" + LAUNCH),
    "own_struct_method_through_a_pointer": (CFG, "    Cfg cfg{n};\n    Cfg* p = &cfg;\n    long long g = p->grid();\n"
                                                 "    (void)g;\n" + LAUNCH),
}
#: (head, body, a rule that must be among those found)
REFUSED = {
    "template_given_a_tensor_type": (CDIV, "    auto g = cdiv<torch::Tensor>(xc, xc);\n" + LAUNCH, "cuda_torch_compute"),
    "template_given_at_tensor": (CDIV, "    auto g = cdiv<at::Tensor>(xc, y);\n" + LAUNCH, "cuda_torch_compute"),
    "template_deducing_a_tensor": (CDIV, "    auto g = cdiv(xc, xc);\n" + LAUNCH, "cuda_torch_compute"),
    "template_deducing_from_a_lambda": (CDIV, "    auto mk = [&]() { return xc; };\n    auto g = cdiv(mk(), mk());\n" + LAUNCH,
                                        "cuda_torch_compute"),
    "template_honest_then_tensor": (CDIV, "    auto g = cdiv(cdiv(n, (long long)2), (long long)1);\n"
                                          "    auto h = cdiv(xc, y);\n" + LAUNCH, "cuda_torch_compute"),
    "template_given_a_decltype": (CDIV, "    using TT = decltype(xc);\n    auto g = cdiv<TT>(xc, xc);\n" + LAUNCH,
                                  "cuda_torch_compute"),
    "template_as_a_function_pointer": (CDIV, "    torch::Tensor (*f)(torch::Tensor, torch::Tensor) = cdiv;\n"
                                             "    auto g = f(xc, xc);\n" + LAUNCH, "cuda_torch_compute"),
    "template_in_parentheses": (CDIV, "    auto g = (cdiv)(xc, xc);\n" + LAUNCH, "cuda_torch_compute"),
    "template_deduces_its_second_parameter": (SCALE, "    auto g = scale<long long>(n, xc);\n" + LAUNCH, "cuda_torch_compute"),
    "template_with_a_default": ("template <typename T = torch::Tensor>\nT twice(T a) { return a + a; }\n",
                                "    auto g = twice<>(xc);\n" + LAUNCH, "cuda_torch_compute"),
    "variadic_template": ("template <typename... T>\nauto total(T... a) { return (a + ...); }\n",
                          "    auto g = total(xc, xc);\n" + LAUNCH, "cuda_torch_compute"),
    "struct_template": ("template <typename T>\nstruct Box { T v; T twice() const { return v + v; } };\n",
                        "    Box<torch::Tensor> b{xc};\n    auto g = b.twice();\n" + LAUNCH, "cuda_torch_compute"),
    "max_of_a_list_of_tensors": ("#include <algorithm>\n", "    auto t = std::max({xc, y});\n" + LAUNCH, "cuda_torch_compute"),
    "min_of_a_list_holding_a_tensor": ("#include <algorithm>\n", "    auto t = std::min({n, (long long)1, xc});\n" + LAUNCH,
                                       "cuda_torch_compute"),
    "min_of_a_nested_list": ("#include <algorithm>\n", "    auto t = std::min({{xc}});\n" + LAUNCH, "cuda_torch_compute"),
    "own_method_name_on_a_tensor": (RELU_METHOD, "    auto t = xc.relu();\n" + LAUNCH, "cuda_torch_compute"),
    "own_method_name_on_both": (RELU_METHOD, "    Cfg c{n};\n    auto t = c.relu() + xc.relu();\n" + LAUNCH, "cuda_torch_compute"),
    "method_of_a_struct_holding_a_tensor": (
        "struct Cfg { torch::Tensor t; torch::Tensor relu() const { return t; } };\n",
        "    Cfg c{xc};\n    auto t = c.relu();\n" + LAUNCH, "cuda_torch_compute"),
    "method_of_a_struct_derived_from_tensor": ("struct Cfg : torch::Tensor { long long grid() const { return 1; } };\n",
                                               "    Cfg c;\n    auto t = c.grid();\n" + LAUNCH, "cuda_torch_compute"),
    "method_called_through_this": (
        "struct Cfg { long long n; long long grid() const { return this->relu(); } "
        "long long relu() const { return n; } };\n", "    Cfg c{n};\n    auto t = c.grid();\n" + LAUNCH, "cuda_torch_compute"),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_forms_pass(name: str) -> None:
    assert check_static(answer(*HONEST[name]), "cuda") == [], name


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_nearest_tensor_forms_stay_refused(name: str) -> None:
    head, body, rule = REFUSED[name]
    assert rule in {v.rule for v in check_static(answer(head, body), "cuda")}, name


def test_a_forward_declared_template_is_read_once() -> None:
    """A template declared first and defined later: the declaration is no call of it."""
    def module(body: str) -> str:
        code = answer("template <typename T>\nT cdiv(T a, T b);\n", body + LAUNCH)
        return code.replace("torch::Tensor relu_forward", CDIV + "torch::Tensor relu_forward", 1)

    assert check_static(module("    long long g = cdiv<long long>(n, 256);\n    (void)g;\n"), "cuda") == []
    assert "cuda_torch_compute" in {v.rule for v in check_static(module("    auto g = cdiv(xc, y);\n"), "cuda")}


TRITON = '''import torch
import torch.nn as nn
import triton
import triton.language as tl
from dataclasses import dataclass


@triton.jit
def _k(x_ptr, y_ptr, n, eps, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n)
    tl.store(y_ptr + offs, x + eps, mask=offs < n)

{head}

class ModelNew(nn.Module):
    def __init__(self, eps: float = 1e-5) -> None:
        super().__init__()
        {init}

    def forward(self, x):
        y = torch.empty_like(x)
        n = x.numel()
        _k[(triton.cdiv(n, 256),)](x, y, n, {eps}, BLOCK=256)
        {tail}
        return y
'''
DATACLASS = "@dataclass\nclass Cfg:\n    eps: float = 1e-5\n    dim: int = -1\n    shape: tuple = ()\n"
PLAIN = "class Cfg:\n    def __init__(self, eps):\n        self.eps = eps\n        self.dim = -1\n"


@pytest.mark.parametrize("head,init", [(DATACLASS, "self.cfg = Cfg(eps=eps)"), (PLAIN, "self.cfg = Cfg(eps)")],
                         ids=["dataclass", "plain_class"])
def test_a_config_class_may_have_fields_named_like_library_attributes(head: str, init: str) -> None:
    """``eps``, ``dim``, ``shape`` fields of a plain config class, as ``self.eps``/``self.dim`` of a module
    (they were ``shadowing``: every name a tensor, builtin or library value has)."""
    code = TRITON.format(head=head, init=init, eps="self.cfg.eps", tail="assert self.cfg.dim == -1")
    assert check_static(code, "triton") == []


@pytest.mark.parametrize("field,tail,rule", [
    ("sum", "f = x.sum\n        y = y + f()", "shadowing"),  # a Triton tensor method's name stays refused
    ("T", "pass", "shadowing"),
    ("dim", "f = x.dim\n        assert f() == 1", "forbidden_call"),  # a bound method is never called
    ("relu", "g = x.relu\n        return g()", "forbidden_call"),
    ("relu", "return x.relu()", "torch_compute"),
    ("eps", "return x.abs()", "torch_compute"),
])
def test_a_field_name_never_makes_library_compute_pass(field: str, tail: str, rule: str) -> None:
    head = f"@dataclass\nclass Cfg:\n    {field}: int = 1\n"
    code = TRITON.format(head=head, init="self.cfg = Cfg()", eps="1e-5", tail=tail)
    assert rule in {v.rule for v in check_static(code, "triton")}, field


def test_a_config_method_named_like_a_library_method_stays_refused() -> None:
    head = "class Cfg:\n    def __init__(self, n):\n        self.n = n\n\n    def numel(self):\n        return self.n\n"
    code = TRITON.format(head=head, init="self.cfg = Cfg(4)", eps="1e-5", tail="assert self.cfg.numel() == 4")
    assert "shadowing" in {v.rule for v in check_static(code, "triton")}
