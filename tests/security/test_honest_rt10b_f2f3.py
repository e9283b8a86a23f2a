"""Honest-answer tester round 10b F2/F3: pointer tables and temporary structs were "not device memory".

F2: ``const float* ins[2] = {xc.data_ptr<float>(), ...}`` indexed in a launch (``ins[k]``,
``bufs[0]``), and tables of ``data_ptr`` pointers copied to the device for a kernel taking
``const float* const*``. F3: a struct passed by value as a temporary (``k<<<g, b>>>(Seg{...})``) or
returned by the answer's own helper. :mod:`harness.families.kernels.static.devagg` now follows
pointers through tables and struct members: an aggregate carries device memory when every pointer
it holds does (part of rule ``cuda_host_copy``). The attacks beside them put an uninitialised
pointer, a stack array or a host buffer into a table or struct, or leave an element unset, and
must stay rejected; a table copied to the device is now checked too (before, a table holding an
uninitialised pointer copied with ``cudaMemcpy`` reached the kernel unchecked). Static and fast;
the honest forms' nvcc build is opt-in (``HWEVAL_RT10B_NVCC=1``, one torch-header build, minutes).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import nvcc_path
from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.devptr import device_pointer_problems
from tests.security.test_kernel_cuda_rt10 import answer

HEAD = """struct Multi { const float* in[2]; float* out; long long n; };
struct Inner { const float* x; long long n; };
struct Outer { Inner a; float* y; };
__constant__ const float* c_ins[2];
__global__ void relu_table(const float* const* xs, float* y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = fmaxf(xs[0][i], 0.0f);
}
__global__ void relu_multi(Multi m) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < m.n) m.out[i] = fmaxf(m.in[0][i], 0.0f);
}
__global__ void relu_outer(Outer o) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < o.a.n) o.y[i] = fmaxf(o.a.x[i], 0.0f);
}
__global__ void relu_ptr(const Args* a) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < a->n) a->y[i] = fmaxf(a->x[i], 0.0f);
}
static Args make_args(const torch::Tensor& x, torch::Tensor& y) {
    Args a;
    a.x = x.data_ptr<float>();
    a.y = y.data_ptr<float>();
    a.n = x.numel();
    return a;
}
static float* out_ptr(torch::Tensor& t) { return t.data_ptr<float>(); }
"""
_HELPERS = {
    "set_ref": "static void set_ref(float*& p, float* q) { p = q; }\n",
    "half_args": ("static Args half_args(const torch::Tensor& x) {\n    Args a;\n    a.x = x.data_ptr<float>();\n"
                  "    a.n = x.numel();\n    return a;\n}\n"),
    "stale": "static float* stale() {\n    float* p;\n    return p;\n}\n",
    "grow": "static void grow(std::vector<float*>& v, float* p) { v.push_back(p); }\n",
    "slot": "static float*& slot() {\n    static float* p = nullptr;\n    return p;\n}\n",
    "ctor": ("struct Ctor {\n    Ctor(const float* a) : n(0) {}\n    const float* x;\n    long long n;\n};\n"
             "__global__ void relu_ctor(Ctor c) { if (c.n > 0) c.x[0]; }\n"),
    "base": ("struct Base { float* y; };\nstruct Derived : Base { const float* x; long long n; };\n"
             "__global__ void relu_derived(Derived d) { if (d.n > 0) d.y[0] = d.x[0]; }\n"),
}
_TABLE_COPY = ("    const float** d_ins = nullptr;\n    cudaMalloc(&d_ins, 2 * sizeof(float*));\n"
               "    cudaMemcpy(d_ins, {src}, 2 * sizeof(float*), cudaMemcpyHostToDevice);\n"
               "    relu_table<<<blocks, 256>>>(d_ins, y.data_ptr<float>(), n);\n    cudaFree(d_ins);")
#: name: (helpers, host statements)
HONEST = {
    "table_indexed_in_a_loop": ("", "    long long half = n / 2;\n"
                                    "    const float* ins[2] = {xc.data_ptr<float>(), xc.data_ptr<float>() + half};\n"
                                    "    float* outs[2] = {y.data_ptr<float>(), y.data_ptr<float>() + half};\n"
                                    "    long long cnt[2] = {half, n - half};\n    for (int k = 0; k < 2; ++k) {\n"
                                    "        if (cnt[k] > 0) relu_kernel<<<(cnt[k] + 255) / 256, 256>>>(ins[k], outs[k], cnt[k]);\n"
                                    "    }"),
    "ping_pong_table": ("", "    auto t = torch::empty_like(xc);\n    float* bufs[2] = {y.data_ptr<float>(), t.data_ptr<float>()};\n"
                            "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), bufs[1], n);\n"
                            "    relu_kernel<<<blocks, 256>>>(bufs[1], bufs[0], n);"),
    "table_set_by_index_and_by_loop": ("", "    float* outs[2];\n    outs[0] = y.data_ptr<float>();\n    outs[1] = outs[0];\n"
                                           "    const float* ins[2];\n    for (int k = 0; k < 2; ++k) ins[k] = xc.data_ptr<float>();\n"
                                           "    relu_kernel<<<blocks, 256>>>(ins[1], outs[1], n);"),
    "std_array_range_for": ("", "    std::array<float*, 2> outs = {y.data_ptr<float>(), y.data_ptr<float>()};\n"
                                "    for (float* o : outs) relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), o, n);"),
    "table_copied_to_the_device": ("", "    const float* ins[2] = {xc.data_ptr<float>(), xc.data_ptr<float>()};\n"
                                       + _TABLE_COPY.format(src="ins")
                                       + "\n    cudaMemcpyToSymbol(c_ins, ins, sizeof(ins), 0, cudaMemcpyHostToDevice);"),
    "first_element_address_as_the_copy_source": ("", "    const float* ins[2] = {xc.data_ptr<float>(), nullptr};\n"
                                                     + _TABLE_COPY.format(src="&ins[0]")),
    "pointer_copied_by_address": ("", "    const float* xp = xc.data_ptr<float>();\n    const float** slot = nullptr;\n"
                                      "    cudaMalloc(&slot, sizeof(float*));\n"
                                      "    cudaMemcpy(slot, &xp, sizeof(xp), cudaMemcpyHostToDevice);\n"
                                      "    relu_table<<<blocks, 256>>>(slot, y.data_ptr<float>(), n);\n    cudaFree(slot);"),
    "offset_in_parentheses": ("", "    long long r = 0;\n    float* yr = y.data_ptr<float>() + (r * n);\n"
                                  "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), yr, n);"),
    "vector_filled": ("", "    std::vector<float*> outs(2);\n    std::fill(outs.begin(), outs.end(), y.data_ptr<float>());\n"
                          "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[1], n);"),
    "vector_copied_to_the_device": ("", "    std::vector<const float*> ins;\n    ins.reserve(2);\n"
                                        "    for (int k = 0; k < 2; ++k) ins.push_back(xc.data_ptr<float>());\n"
                                        + _TABLE_COPY.format(src="ins.data()")),
    "struct_temporary": ("", "    relu_args<<<blocks, 256>>>(Args{xc.data_ptr<float>(), y.data_ptr<float>(), n});"),
    "struct_from_an_own_helper": ("", "    Args a = make_args(xc, y);\n    relu_args<<<blocks, 256>>>(a);\n"
                                      "    relu_args<<<blocks, 256>>>(make_args(xc, y));"),
    "pointer_from_an_own_helper": ("", "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), out_ptr(y), n);"),
    "struct_with_a_table_member": ("", "    Multi m{{xc.data_ptr<float>(), xc.data_ptr<float>()}, y.data_ptr<float>(), n};\n"
                                       "    relu_multi<<<blocks, 256>>>(m);\n    Multi p = {};\n"
                                       "    p.out = y.data_ptr<float>();\n    p.n = 0;\n    relu_multi<<<blocks, 256>>>(p);"),
    "nested_structs": ("", "    Outer o{{xc.data_ptr<float>(), n}, y.data_ptr<float>()};\n    relu_outer<<<blocks, 256>>>(o);\n"
                           "    Outer q;\n    q.a = Inner{xc.data_ptr<float>(), n};\n    q.y = y.data_ptr<float>();\n"
                           "    relu_outer<<<blocks, 256>>>(q);"),
    "struct_copied_to_the_device": ("", "    Args a{xc.data_ptr<float>(), y.data_ptr<float>(), n};\n    Args* d_a = nullptr;\n"
                                        "    cudaMalloc(&d_a, sizeof(Args));\n"
                                        "    cudaMemcpy(d_a, &a, sizeof(Args), cudaMemcpyHostToDevice);\n"
                                        "    relu_ptr<<<blocks, 256>>>(d_a);\n    cudaFree(d_a);"),
}
ATTACKS = {
    "table_item_uninitialised": ("", "    float* g;\n    float* outs[2] = {y.data_ptr<float>(), g};\n"
                                     "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[1], n);"),
    "table_item_a_stack_array": ("", "    float st[64];\n    float* outs[2] = {y.data_ptr<float>(), st};\n"
                                     "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[1], n);"),
    "table_element_left_unset": ("", "    float* outs[2];\n    outs[0] = y.data_ptr<float>();\n"
                                     "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[1], n);"),
    "table_loop_that_skips_elements": ("", "    float* outs[4];\n"
                                           "    for (int k = 0; k < 4; ++k) { outs[k] = y.data_ptr<float>(); k++; }\n"
                                           "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[1], n);"),
    "std_array_left_unset": ("", "    std::array<float*, 2> outs;\n    outs[0] = y.data_ptr<float>();\n"
                                 "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[1], n);"),
    "table_element_swapped": ("", "    float* g;\n    float* outs[1] = {y.data_ptr<float>()};\n    std::swap(outs[0], g);\n"
                                  "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[0], n);"),
    "table_element_through_a_reference": ("", "    float* g;\n    float* outs[1] = {y.data_ptr<float>()};\n"
                                              "    float*& r = outs[0];\n    r = g;\n"
                                              "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[0], n);"),
    "table_element_through_a_reference_parameter": (
        _HELPERS["set_ref"], "    float* g;\n    float* outs[1] = {y.data_ptr<float>()};\n    set_ref(outs[0], g);\n"
                             "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[0], n);"),
    "range_for_reference_rewrites": ("", "    float* g;\n    float* outs[1] = {y.data_ptr<float>()};\n"
                                         "    for (auto& o : outs) o = g;\n"
                                         "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[0], n);"),
    "vector_with_an_uninitialised_pointer_copied": ("", "    float* g;\n    std::vector<const float*> ins;\n"
                                                        "    ins.push_back(xc.data_ptr<float>());\n    ins.push_back(g);\n"
                                                        + _TABLE_COPY.format(src="ins.data()")),
    "vector_built_from_a_vector_holding_one": ("", "    float* g;\n    std::vector<float*> bad = {g};\n"
                                                   "    std::vector<float*> outs(bad);\n"
                                                   "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[0], n);"),
    "vector_filled_with_an_uninitialised_pointer": ("", "    float* g;\n    std::vector<float*> outs(2);\n"
                                                        "    std::fill(outs.begin(), outs.end(), g);\n"
                                                        "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[1], n);"),
    "vector_element_to_a_template_kernel": ("", "    float* g;\n    std::vector<float*> outs;\n    outs.push_back(g);\n"
                                                "    relu_any<float*><<<blocks, 256>>>(xc.data_ptr<float>(), outs[0], n);"),
    "vector_grown_by_an_own_helper": (_HELPERS["grow"], "    float* g;\n    std::vector<float*> outs;\n"
                                                        "    outs.push_back(y.data_ptr<float>());\n    grow(outs, g);\n"
                                                        "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), outs[1], n);"),
    "constructor_ignoring_its_pointer": (_HELPERS["ctor"], "    Ctor c{xc.data_ptr<float>()};\n"
                                                           "    relu_ctor<<<blocks, 256>>>(c);"),
    "base_class_holding_an_uninitialised_pointer": (_HELPERS["base"], "    float* g;\n"
                                                                      "    Derived d{{xc.data_ptr<float>()}, g, n};\n"
                                                                      "    relu_derived<<<blocks, 256>>>(d);"),
    "pointer_stored_through_a_returned_reference": (_HELPERS["slot"], "    float* g;\n    slot() = g;\n"
                                                                      "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), slot(), n);"),
    "pointer_copied_by_address": ("", "    float* g;\n    const float** slot = nullptr;\n    cudaMalloc(&slot, sizeof(float*));\n"
                                      "    cudaMemcpy(slot, &g, sizeof(g), cudaMemcpyHostToDevice);\n"
                                      "    relu_table<<<blocks, 256>>>(slot, y.data_ptr<float>(), n);"),
    "table_given_to_a_helper_in_a_copy_source": (
        "static const float** grab(std::vector<const float*>& v, float* p) {\n    v.push_back(p);\n    return v.data();\n}\n",
        "    float* g;\n    std::vector<const float*> ins;\n    ins.push_back(xc.data_ptr<float>());\n"
        + _TABLE_COPY.format(src="grab(ins, g)")),
    "own_helper_shadowed_by_a_lambda": ("", "    auto out_ptr = [&](torch::Tensor& t) { float* g = nullptr; g += 64; return g; };\n"
                                            "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), out_ptr(y), n);"),
    "table_with_an_unset_element_copied": ("", "    const float* ins[2];\n    ins[0] = xc.data_ptr<float>();\n"
                                               + _TABLE_COPY.format(src="ins")),
    "table_with_a_host_buffer_copied_to_a_symbol": ("", "    float* h = new float[64];\n"
                                                        "    const float* ins[2] = {xc.data_ptr<float>(), h};\n"
                                                        "    cudaMemcpyToSymbol(c_ins, ins, sizeof(ins), 0, cudaMemcpyHostToDevice);\n"
                                                        "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);"),
    "struct_temporary_with_an_uninitialised_member": ("", "    float* g;\n"
                                                          "    relu_args<<<blocks, 256>>>(Args{xc.data_ptr<float>(), g, n});"),
    "designated_initialiser_with_an_uninitialised_member": ("", "    float* g;\n"
                                                                "    Args a{.x = xc.data_ptr<float>(), .y = g, .n = n};\n"
                                                                "    relu_args<<<blocks, 256>>>(a);"),
    "struct_from_a_helper_leaving_a_member_unset": (_HELPERS["half_args"], "    Args a = half_args(xc);\n"
                                                                           "    relu_args<<<blocks, 256>>>(a);"),
    "pointer_from_a_helper_returning_an_uninitialised_one": (
        _HELPERS["stale"], "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), stale(), n);"),
    "table_member_element_left_unset": ("", "    Multi m;\n    m.in[0] = xc.data_ptr<float>();\n"
                                            "    m.out = y.data_ptr<float>();\n    m.n = n;\n    relu_multi<<<blocks, 256>>>(m);"),
    "nested_struct_member_uninitialised": ("", "    float* g;\n    Outer o{{g, n}, y.data_ptr<float>()};\n"
                                               "    relu_outer<<<blocks, 256>>>(o);"),
    "nested_struct_left_unset": ("", "    Outer o;\n    o.y = y.data_ptr<float>();\n    relu_outer<<<blocks, 256>>>(o);"),
    "struct_with_an_unset_member_copied": ("", "    Args a;\n    a.x = xc.data_ptr<float>();\n    Args* d_a = nullptr;\n"
                                               "    cudaMalloc(&d_a, sizeof(Args));\n"
                                               "    cudaMemcpy(d_a, &a, sizeof(Args), cudaMemcpyHostToDevice);\n"
                                               "    relu_ptr<<<blocks, 256>>>(d_a);"),
    "table_of_structs_copied": ("", "    Args as[2];\n    as[0].x = xc.data_ptr<float>();\n    Args* d_a = nullptr;\n"
                                    "    cudaMalloc(&d_a, sizeof(as));\n"
                                    "    cudaMemcpy(d_a, as, sizeof(as), cudaMemcpyHostToDevice);\n"
                                    "    relu_ptr<<<blocks, 256>>>(d_a);"),
}


def form(helpers: str, body: str) -> str:
    return answer("#include <array>\n#include <vector>\n" + HEAD + helpers, body)


def _rule(code: str) -> str:
    return " ".join(v.detail for v in check_static(code, "cuda") if v.rule == "cuda_host_copy")


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_tables_and_structs_are_accepted(name: str) -> None:
    found = check_static(form(*HONEST[name]), "cuda")
    assert found == [], found


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_tables_and_structs_holding_other_pointers_are_rejected(name: str) -> None:
    detail = _rule(form(*ATTACKS[name]))
    assert "device memory" in detail or "cannot follow" in detail, (name, detail)


def test_the_honest10b_reproductions_pass() -> None:
    """The four answers of honest10b F2/F3, verbatim in shape (relu, kernels-core)."""
    here = Path(__file__).resolve().parent / "kernels" / "honest_cuda"
    for stem in ("table_loop_relu", "table_pingpong_relu", "struct_temporary_relu", "struct_helper_relu"):
        assert check_static((here / f"{stem}.py").read_text(), "cuda") == [], stem


def test_messages_name_the_element_and_the_member() -> None:
    assert "'outs[1]' passed to kernel relu_kernel, not device memory" in _rule(form(*ATTACKS["table_element_left_unset"]))
    assert "a copy of 'ins', a table holding pointers that are not device memory" in \
        _rule(form(*ATTACKS["table_with_an_unset_element_copied"]))
    assert "m.in (in 'm' passed to kernel relu_multi) is not bound to device memory" in \
        _rule(form(*ATTACKS["table_member_element_left_unset"]))
    assert "o.a.x (in 'o' passed to kernel relu_outer)" in _rule(form(*ATTACKS["nested_struct_member_uninitialised"]))


def test_a_std_array_passed_by_value_holds_device_memory() -> None:
    kernel = "__global__ void k(std::array<float*, 2> ps) { }\n"
    honest = kernel + "void f(torch::Tensor y) { std::array<float*, 2> ps = {y.data_ptr<float>(), nullptr}; k<<<1, 1>>>(ps); }"
    assert device_pointer_problems(honest) == []
    unset = kernel + "void f(torch::Tensor y) { float* g; std::array<float*, 2> ps = {y.data_ptr<float>(), g}; k<<<1, 1>>>(ps); }"
    assert device_pointer_problems(unset) == ["'ps' passed to kernel k holds pointers that are not device memory"]
    c_array = "__global__ void k(float** ps) { }\nvoid f(torch::Tensor y) { float* ps[1] = {y.data_ptr<float>()}; k<<<1, 1>>>(ps); }"
    assert device_pointer_problems(c_array) != []  # the table's own (host stack) address


def test_a_namespace_level_table_is_bound_by_every_function() -> None:
    code = ("__global__ void k(float* y) { }\nfloat* g_outs[2] = {nullptr, nullptr};\n"
            "void f(torch::Tensor y) { float* g; g_outs[0] = g; k<<<1, 1>>>(g_outs[0]); }")
    assert device_pointer_problems(code) != []


def test_a_pointer_copied_by_address_is_checked_and_a_scalar_is_not() -> None:
    kernel = "__global__ void k(long long* n, float** s) { }\n"
    scalar = kernel + ("void f(torch::Tensor x) { long long n = x.numel(); long long* dn = nullptr; cudaMalloc(&dn, 8);"
                       " cudaMemcpy(dn, &n, sizeof(n), cudaMemcpyHostToDevice); }")
    assert device_pointer_problems(scalar) == []  # `n` is a pointer parameter of the kernel only
    put = "static void put(float** slot, float* p) { cudaMemcpy(slot, &p, sizeof(p), cudaMemcpyHostToDevice); }\n"
    honest = kernel + put + "void f(torch::Tensor x) { float** s = nullptr; cudaMalloc(&s, 8); put(s, x.data_ptr<float>()); }"
    assert device_pointer_problems(honest) == []
    unset = kernel + put + "void f(torch::Tensor x) { float** s = nullptr; cudaMalloc(&s, 8); float* g; put(s, g); }"
    assert device_pointer_problems(unset) == ["a copy of '&p', a pointer that is not device memory"]


def cuda_forms() -> list[tuple[str, object]]:
    """The honest forms and three attacks as extensions: they compile, so the rule stops the attacks."""


    forms = [(f"h_{name}", form(*HONEST[name])) for name in sorted(HONEST)]
    forms += [(f"a_{name}", form(*ATTACKS[name])) for name in ("table_element_left_unset",
                                                               "vector_with_an_uninitialised_pointer_copied",
                                                               "struct_from_a_helper_leaving_a_member_unset")]
    from tests.kernels import cuda_union

    return cuda_union.extensions(forms)


@pytest.mark.slow
@pytest.mark.skipif(nvcc_path() is None or os.environ.get("HWEVAL_RT10B_NVCC") != "1",
                    reason="nvcc build of the honest forms: set HWEVAL_RT10B_NVCC=1 (one torch-header build, minutes)")
def test_the_forms_are_real_cuda(tmp_path: Path) -> None:
    from tests.kernels import cuda_union

    build = cuda_union.build(cuda_forms(), tmp_path)
    assert build.ok is True, build.log[-3000:]
