"""Red team and honest tester round 8, kernels family (issue 14): each finding's class, its attacks
asserted not to pass and honest variants asserted to pass.

S3 (red team; static only, no GPU here): the copy rule trusted the kind written in a ``cudaMemcpy``,
but under unified virtual addressing the runtime takes the direction from the pointers, so
``cudaMemcpy(host.data(), x.data_ptr<float>(), n * 4, cudaMemcpyHostToDevice)`` copies device memory
to a ``std::vector``; and a kernel may store into pageable host memory where the driver allows it
(HMM). Both then computed ReLU on the CPU. Now no kernel argument and no copy destination in host
code may be host memory (``static.hostmem``: arrays, ``std::`` containers, ``new``, ``.data()``,
``&x``, namespace-level buffers, and every name bound, assigned, passed or returned from one).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.hostmem import host_buffers

ROOT = Path(__file__).resolve().parents[2]
_MODULE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <vector>
{head}
__global__ void move_kernel(const float* __restrict__ src, float* __restrict__ dst, long long n) {{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) dst[i] = src[i];
}}

torch::Tensor relu_forward(torch::Tensor x) {{
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    unsigned int blocks = (unsigned int)((n + 255) / 256);
{body}
    return y;
}}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="kc_relu_rt8_hostmem", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''
_LOOP = "    for (long long i = 0; i < n; i++) h[i] = h[i] > 0.0f ? h[i] : 0.0f;\n"
_BACK = "    cudaMemcpy(y.data_ptr<float>(), h, n * sizeof(float), cudaMemcpyHostToDevice);\n"
_IN = "move_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), {dst}, n);\n"
ATTACKS = {  # name: (declarations, body): the host gets the input, computes, and copies it back
    "uva_copy_into_a_vector": ("", "    std::vector<float> v(n);\n    float* h = v.data();\n    cudaMemcpy(h, "
                               "xc.data_ptr<float>(), n * sizeof(float), cudaMemcpyHostToDevice);\n" + _LOOP + _BACK),
    "uva_copy_device_to_device_kind": ("", "    float* h = new float[n];\n    cudaMemcpy(h, xc.data_ptr<float>(), n * "
                                       "sizeof(float), cudaMemcpyDeviceToDevice);\n" + _LOOP + _BACK),
    "async_copy_into_new": ("", "    float* h = new float[n];\n    cudaMemcpyAsync(h, xc.data_ptr<float>(), n * 4, "
                            "cudaMemcpyDeviceToDevice, 0);\n" + _LOOP + _BACK),
    "copy_2d_into_a_stack_array": ("", "    float h[4096];\n    cudaMemcpy2D(h, 4, xc.data_ptr<float>(), 4, 4, n, "
                                   "cudaMemcpyDeviceToDevice);\n" + _LOOP + _BACK),
    "kernel_stores_into_a_vector": ("", "    std::vector<float> v(n);\n    float* h = v.data();\n    "
                                    + _IN.format(dst="h") + _LOOP + _BACK),
    "kernel_stores_into_data_directly": ("", "    std::vector<float> v(n);\n    " + _IN.format(dst="v.data()")
                                         + "    float* h = v.data();\n" + _LOOP + _BACK),
    "kernel_stores_into_a_global": ("static float g_buf[1 << 20];", "    float* h = g_buf;\n    "
                                    + _IN.format(dst="g_buf") + _LOOP + _BACK),
    "kernel_stores_through_a_global_pointer": ("static float* g_ptr = nullptr;", "    g_ptr = new float[n];\n    "
                                               + _IN.format(dst="g_ptr") + "    float* h = g_ptr;\n" + _LOOP + _BACK),
    "kernel_stores_into_an_address": ("", "    float v = 0.0f;\n    " + _IN.format(dst="&v") + "    float* h = &v;\n"
                                      + _LOOP + _BACK),
    "pointer_arithmetic_on_a_host_buffer": ("", "    float* h = new float[n + 1];\n    float* d = h + 1;\n    "
                                            + _IN.format(dst="d - 1") + _LOOP + _BACK),
    "through_an_own_helper": ("static void fetch(const float* s, float* d, long long n) { move_kernel<<<(n + 255) / "
                              "256, 256>>>(s, d, n); }", "    float* h = new float[n];\n    fetch(xc.data_ptr<float>(), "
                              "h, n);\n" + _LOOP + _BACK),
    "through_a_lambda": ("", "    float* h = new float[n];\n    auto fetch = [&](float* d) { "
                         + _IN.format(dst="d").strip() + " };\n    fetch(h);\n" + _LOOP + _BACK),
    "through_a_parameter_struct": ("struct Args { const float* s; float* d; long long n; };\n__global__ void "
                                   "move_args(Args a) { }", "    float* h = new float[n];\n    Args a; a.s = "
                                   "xc.data_ptr<float>(); a.d = h; a.n = n;\n    move_args<<<blocks, 256>>>(a);\n"
                                   + _LOOP + _BACK),
    "returned_by_an_own_function": ("static float* buffer(long long n) { return new float[n]; }",
                                    "    float* h = buffer(n);\n    " + _IN.format(dst="h") + _LOOP + _BACK),
    "launch_kernel_api": ("", "    float* h = new float[n];\n    const float* s = xc.data_ptr<float>();\n    void* "
                          "args[] = {(void*)&s, (void*)&h, (void*)&n};\n    cudaLaunchKernel((const void*)move_kernel, "
                          "dim3(blocks), dim3(256), args, 0, 0);\n" + _LOOP + _BACK),
    "to_symbol_into_a_host_variable": ("static float g_host[4];", "    cudaMemcpyToSymbol(g_host, xc.data_ptr<float>(), "
                                       "16, 0, cudaMemcpyDeviceToDevice);\n    float* h = g_host;\n" + _LOOP + _BACK),
}
HONEST = {  # host memory copied to the device, device pointers everywhere else
    "table_to_the_device": ("", "    std::vector<float> table(4, 0.5f);\n    cudaMemcpy(y.data_ptr<float>(), "
                            "table.data(), 4 * sizeof(float), cudaMemcpyHostToDevice);\n    "
                            + _IN.format(dst="y.data_ptr<float>()")),
    "constant_table": ("__constant__ float c_table[4];", "    float t[4] = {1, 2, 3, 4};\n    cudaMemcpyToSymbol(c_table, "
                       "t, sizeof(t), 0, cudaMemcpyHostToDevice);\n    " + _IN.format(dst="y.data_ptr<float>()")),
    "scratch_from_cuda_malloc": ("", "    float* tmp = nullptr;\n    cudaMalloc((void**)&tmp, n * sizeof(float));\n    "
                                 + _IN.format(dst="tmp") + "    move_kernel<<<blocks, 256>>>(tmp, y.data_ptr<float>(), "
                                 "n);\n    cudaFree(tmp);\n"),
    "device_pointer_arithmetic": ("", "    float* yp = y.data_ptr<float>();\n    long long half_n = n / 2;\n    "
                                  "move_kernel<<<blocks, 256>>>(xc.data_ptr<float>() + half_n, yp + half_n, n - half_n);\n"
                                  "    move_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), yp, half_n);\n"),
    "helper_with_device_pointers": ("static void run(const float* s, float* d, long long n) { move_kernel<<<(n + 255) / "
                                    "256, 256>>>(s, d, n); }", "    run(xc.data_ptr<float>(), y.data_ptr<float>(), n);\n"),
    "launch_kernel_api": ("", "    const float* s = xc.data_ptr<float>();\n    float* d = y.data_ptr<float>();\n    void* "
                          "args[] = {(void*)&s, (void*)&d, (void*)&n};\n    cudaLaunchKernel((const void*)move_kernel, "
                          "dim3(blocks), dim3(256), args, 0, 0);\n"),
    "sizes_in_a_vector": ("", "    std::vector<int64_t> shape = {n};\n    long long m = shape[0];\n    "
                          "move_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), m);\n"),
}


def answer(head: str, body: str) -> str:
    return _MODULE.format(head=head, body=body)


class TestHostMemoryReach:
    """S3: the pointers decide where a copy goes and what a kernel touches, not the kind."""

    @pytest.mark.parametrize("name", sorted(ATTACKS))
    def test_host_memory_never_reaches_a_kernel_or_a_copy_destination(self, name: str) -> None:
        found = check_static(answer(*ATTACKS[name]), "cuda")
        assert any(v.rule == "cuda_host_copy" and "host memory" in v.detail or "__constant__" in v.detail
                   for v in found), found

    @pytest.mark.parametrize("name", sorted(HONEST))
    def test_device_pointers_and_copies_to_the_device_pass(self, name: str) -> None:
        found = check_static(answer(*HONEST[name]), "cuda")
        assert found == [], found

    def test_the_red_teams_answers_are_rejected(self) -> None:
        for stem in ("rt8_uva_copy_kind", "rt8_hmm_kernel_store"):
            text = (Path(__file__).parent / "kernels" / "cuda_attacks" / f"{stem}.py").read_text()
            found = check_static(text, "cuda")
            assert any(v.rule == "cuda_host_copy" and "host.data()" in v.detail for v in found), (stem, found)

    def test_goldens_pass(self) -> None:
        paths = sorted(ROOT.glob("benchmarks/kernels_*/problems/*/solution_cuda.py"))
        assert len(paths) >= 40
        for path in paths:
            assert check_static(path.read_text(), "cuda") == [], path

    def test_what_counts_as_a_host_buffer(self) -> None:
        code = ("static float g[8]; static int count = 0;\nvoid f(float* p, long long n) { }\n"
                "void g2(long long n) { std::vector<float> v(n); float* a = v.data(); float* b = a + 1; float c[2]; "
                "float* d = nullptr; int k = n; f(b, n); auto q = new float[n]; }")
        found, _ = host_buffers(code)
        assert {"g", "v", "a", "b", "c", "p", "q"} <= found and not {"d", "k", "n", "count", "float"} & found, found
