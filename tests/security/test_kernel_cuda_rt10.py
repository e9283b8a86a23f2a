"""Issue 14, kernels: a kernel's pointer arguments and a copy's destination come from device memory
(part of rule ``cuda_host_copy``, :mod:`harness.families.kernels.static.devptr`).

Left open in round 9: :mod:`.hostmem` rejects the ways host code makes host memory, but an
uninitialised pointer (``float* p; cudaMemcpy(p, ...)``, ``float* p; k<<<g, b>>>(..., p)``) is none
of them, and it holds whatever the stack held: a host address an earlier call left there, which a
kernel stores through on a GPU that addresses pageable host memory. Now every pointer given to a
kernel, every copy or memset destination and every ``cudaLaunchKernel`` argument must be derived
from a tensor's ``data_ptr`` or a ``cudaMalloc``'ed pointer. Each attack below must be rejected with
the rule; the honest idioms beside them (and every golden and corpus answer, in
test_kernel_cuda_rt8.py) accepted. Static and fast: no nvcc.
"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.devptr import DevicePointers, device_pointer_problems

_MODULE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cstdint>
#include <cstring>
#include <utility>
struct Args {{ const float* x; float* y; long long n; }};
{head}
__global__ void relu_kernel(const float* __restrict__ x, float* __restrict__ y, long long n) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = fmaxf(x[i], 0.0f);
}}

__global__ void relu_args(Args a) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < a.n) a.y[i] = fmaxf(a.x[i], 0.0f);
}}

template <typename P>
__global__ void relu_any(const float* __restrict__ x, P y, long long n) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = fmaxf(x[i], 0.0f);
}}

torch::Tensor relu_forward(torch::Tensor x) {{
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    unsigned blocks = (unsigned)((n + 255) / 256);
{body}
    return y;
}}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="kc_relu_rt10", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''
_LAUNCH = "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), {}, n);"
_CFG = ("    cudaLaunchConfig_t cfg = {};\n    cfg.gridDim = dim3(blocks);\n    cfg.blockDim = dim3(256);\n")
_RUN = "static void run(const float* in, float* out, long long count) { relu_kernel<<<1, 256>>>(in, out, count); }"
#: name: (declarations before the kernels, host statements); each hands a kernel or a copy a pointer
#: that no data_ptr or cudaMalloc made
ATTACKS = {
    "uninitialised_copy_destination": ("", "    float* p;\n    cudaMemcpy(p, xc.data_ptr<float>(), n * sizeof(float), "
                                           "cudaMemcpyDeviceToDevice);"),
    "uninitialised_async_copy_destination": ("", "    float* p;\n    cudaMemcpyAsync(p + 0, xc.data_ptr<float>(), 4, "
                                                 "cudaMemcpyHostToDevice, 0);"),
    "uninitialised_kernel_argument": ("", "    float* p;\n" + _LAUNCH.format("p")),
    "uninitialised_second_declarator": ("", "    float* d = y.data_ptr<float>(), *p;\n" + _LAUNCH.format("p")),
    "uninitialised_memset": ("", "    float* p;\n    cudaMemsetAsync(p, 0, 4, 0);"),
    "offset_by_another_pointer": ("", "    float* g;\n    float* d = y.data_ptr<float>() + (g - y.data_ptr<float>());\n"
                                      + _LAUNCH.format("d")),
    "through_a_helper_parameter": (_RUN, "    float* p;\n    run(xc.data_ptr<float>(), p, n);"),
    "through_a_lambda_parameter": ("", "    auto go = [&](float* o) { relu_kernel<<<1, 256>>>(xc.data_ptr<float>(), o, n); };\n"
                                       "    float* p;\n    go(p);"),
    "swapped_with_an_uninitialised_pointer": ("", "    float* d = y.data_ptr<float>();\n    float* g;\n    std::swap(d, g);\n"
                                                  + _LAUNCH.format("d")),
    "rewritten_through_a_reference": ("", "    float* d = y.data_ptr<float>();\n    float* g;\n    float*& r = d;\n"
                                          "    r = g;\n" + _LAUNCH.format("d")),
    "rewritten_by_memcpy": ("", "    float* d = y.data_ptr<float>();\n    float* g;\n    std::memcpy(&d, &g, sizeof(d));\n"
                                + _LAUNCH.format("d")),
    "struct_member_left_unset": ("", "    Args a;\n    a.x = xc.data_ptr<float>();\n    a.n = n;\n"
                                     "    relu_args<<<blocks, 256>>>(a);"),
    "struct_member_set_to_an_uninitialised_pointer": ("", "    float* g;\n    Args a{xc.data_ptr<float>(), g, n};\n"
                                                          "    relu_args<<<blocks, 256>>>(a);"),
    "template_parameter_pointer": ("", "    float* g;\n    relu_any<float*><<<blocks, 256>>>(xc.data_ptr<float>(), g, n);"),
    "launch_kernel_argument_array": ("", "    const float* xp = xc.data_ptr<float>();\n    float* g;\n"
                                         "    void* args[] = {(void*)&xp, (void*)&g, (void*)&n};\n"
                                         "    cudaLaunchKernel((const void*)relu_kernel, dim3(blocks), dim3(256), args, 0, 0);"),
    "cooperative_launch_argument_array": ("", "    const float* xp = xc.data_ptr<float>();\n    float* g;\n"
                                              "    void* args[] = {(void*)&xp, (void*)&g, (void*)&n};\n"
                                              "    cudaLaunchCooperativeKernel((const void*)relu_kernel, dim3(blocks), dim3(256), args, 0, 0);"),
    "launch_kernel_ex_argument": ("", _CFG + "    float* g;\n    cudaLaunchKernelEx(&cfg, relu_kernel, xc.data_ptr<float>(), g, n);"),
    "declared_in_a_for_header_then_swapped": ("", "    float* d = y.data_ptr<float>();\n"
                                                  "    for (float* g; n < 0;) { std::swap(d, g); }\n" + _LAUNCH.format("d")),
}
HONEST = {
    "data_ptr_locals": ("", "    const float* xp = xc.data_ptr<float>();\n    float* yp = y.data_ptr<float>();\n"
                            "    relu_kernel<<<blocks, 256>>>(xp, yp, n);"),
    "empty_then_data_ptr_and_a_copy": ("", "    auto t = at::empty_like(xc);\n    float* tp = t.data_ptr<float>();\n"
                                           + _LAUNCH.format("tp") + "\n    cudaMemcpyAsync(y.data_ptr<float>(), tp, "
                                           "n * sizeof(float), cudaMemcpyDeviceToDevice, 0);"),
    "cudamalloc_scratch": ("", "    float* scratch;\n    cudaMalloc(&scratch, n * sizeof(float));\n"
                               "    float *s1 = nullptr, *s2 = nullptr;\n    cudaMalloc((void**)&s1, 4);\n"
                               "    cudaMalloc(reinterpret_cast<void**>(&s2), 4);\n    cudaMemset(s1, 0, 4);\n"
                               + _LAUNCH.format("scratch") + "\n    cudaMemcpy(y.data_ptr<float>(), scratch, n * sizeof(float), "
                               "cudaMemcpyDeviceToDevice);\n    cudaFree(scratch);\n    cudaFree(s1);\n    cudaFree(s2);"),
    "pointer_arithmetic": ("", "    const float* base = xc.data_ptr<float>();\n    float* out = y.data_ptr<float>();\n"
                               "    long long half = n / 2;\n    out += 0;\n"
                               "    relu_kernel<<<blocks, 256>>>(base + half, out + half, n - half);\n"
                               "    relu_kernel<<<blocks, 256>>>(base, y.data_ptr<float>() + 0 * half, half);"),
    "casts_and_a_ternary": ("", "    float* yp = n > 0 ? static_cast<float*>(y.data_ptr()) : nullptr;\n"
                                "    relu_kernel<<<blocks, 256>>>(reinterpret_cast<const float*>(xc.data_ptr()), (float*)y.data_ptr(), n);\n    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), yp, n);"),
    "helper_function": (_RUN, "    run(xc.data_ptr<float>(), y.data_ptr<float>(), n);"),
    "launcher_lambda": ("", "    auto go = [&](const float* a, float* b) { relu_kernel<<<blocks, 256>>>(a, b, n); };\n"
                            "    go(xc.data_ptr<float>(), y.data_ptr<float>());"),
    "ping_pong_swap": ("", "    auto t = torch::empty_like(xc);\n    const float* in = xc.data_ptr<float>();\n"
                           "    float* out = t.data_ptr<float>();\n    float* other = y.data_ptr<float>();\n"
                           "    relu_kernel<<<blocks, 256>>>(in, out, n);\n    std::swap(out, other);\n"
                           "    relu_kernel<<<blocks, 256>>>(t.data_ptr<float>(), out, n);"),
    "structs": ("", "    Args a;\n    a.x = xc.data_ptr<float>();\n    a.y = y.data_ptr<float>();\n    a.n = n;\n"
                    "    relu_args<<<blocks, 256>>>(a);\n    Args b{xc.data_ptr<float>(), y.data_ptr<float>(), n};\n"
                    "    relu_args<<<blocks, 256>>>(b);\n    Args c = {};\n    c.n = 0;\n    relu_args<<<1, 1>>>(c);\n"
                    "    Args d = Args{xc.data_ptr<float>(), y.data_ptr<float>(), n};\n    relu_args<<<blocks, 256>>>(d);"),
    "template_parameter": ("", "    float* yp = y.data_ptr<float>();\n    float scale = 2.0f;\n"
                               "    relu_any<float*><<<blocks, 256>>>(xc.data_ptr<float>(), yp, n);\n"
                               "    relu_any<float*><<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), "
                               "(long long)(scale * n) / 2);"),
    "launch_kernel_argument_array": ("", "    const float* xp = xc.data_ptr<float>();\n    float* yp = y.data_ptr<float>();\n"
                                         "    void* args[] = {(void*)&xp, (void*)&yp, (void*)&n};\n"
                                         "    cudaLaunchKernel((const void*)relu_kernel, dim3(blocks), dim3(256), args, 0, 0);"),
    "deprecated_data_spelling": ("", "    float* yp = y.data<float>();\n    relu_kernel<<<blocks, 256>>>(xc.data<float>(), yp, n);"),
    "launch_kernel_ex": ("", _CFG + "    cudaLaunchKernelEx(&cfg, relu_kernel, (const float*)xc.data_ptr<float>(), "
                             "y.data_ptr<float>(), n);"),
}


def answer(head: str, body: str) -> str:
    return _MODULE.format(head=head, body=body)


def _found(code: str) -> dict[str, str]:
    return {v.rule: v.detail for v in check_static(code, "cuda")}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_pointers_no_data_ptr_or_cudamalloc_made_are_rejected(name: str) -> None:
    found = _found(answer(*ATTACKS[name]))
    assert "not device memory" in found.get("cuda_host_copy", "") or \
        "is not bound to device memory" in found.get("cuda_host_copy", ""), (name, found)


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_device_pointers_are_accepted(name: str) -> None:
    found = check_static(answer(*HONEST[name]), "cuda")
    assert found == [], found


# Every golden and the honest CUDA corpus pass check_static (every rule, this file's included):
# tests/security/test_kernel_cuda_rt8.py::test_goldens_and_the_honest_corpus_are_accepted, the one
# copy of that check (this file and test_kernel_cuda_rt9/rt10 ran the very same call on the same files).


def test_the_message_names_the_pointer_and_the_member() -> None:
    assert device_pointer_problems("void f() { float* p; cudaMemset(p, 0, 4); }") == [
        "cudaMemset into 'p', not device memory (a tensor's data_ptr or a cudaMalloc'ed pointer)"]
    found = _found(answer(*ATTACKS["struct_member_left_unset"]))["cuda_host_copy"]
    assert "a.y (in 'a' passed to kernel relu_args) is not bound to device memory" in found, found


def test_device_bound_names() -> None:
    code = ("void f(torch::Tensor x) { float* a = x.data_ptr<float>(); float* b = a + 4; float* c; float* d;"
            " d = c; float* e = a; e += 2; float* g = nullptr; cudaMalloc(&g, 8); float* h; h += 1;"
            " float* p = nullptr; float* q = p; p = q; float* r; float* s; r = s; s = r; }")
    body = code.index("{")
    bound = {k.split(":", 1)[1] for k in DevicePointers(code).device if k.startswith(f"{body}:")}
    assert bound >= {"a", "b", "e", "g", "p", "q"}, bound
    assert not bound & {"c", "d", "h", "r", "s"}, bound


def test_names_are_scoped_by_function() -> None:
    """A helper's parameter named like a tensor elsewhere is bound by the helper's calls only."""
    kernel = "__global__ void k(float* y) { y[0] = 0; }\n"
    helper = "static void h(float* y) { k<<<1, 1>>>(y); }\n"
    honest = kernel + helper + "void f(torch::Tensor x) { auto y = torch::empty_like(x); h(y.data_ptr<float>()); }"
    assert device_pointer_problems(honest) == []
    unset = kernel + helper + "void f(torch::Tensor x) { auto y = torch::empty_like(x); float* p; h(p); }"
    assert device_pointer_problems(unset) == ["'y' passed to kernel k, not device memory (a tensor's data_ptr or a "
                                              "cudaMalloc'ed pointer)"]
