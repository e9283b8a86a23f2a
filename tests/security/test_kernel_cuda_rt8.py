"""Issue 14, kernels: CUDA host code calls only the functions it names (rule ``cuda_host_indirect``).

Round 7 closed copy kinds computed from enumerators and ``dlsym`` (``cuda_host_copy``,
``cuda_symbol_lookup``). Every other way for host code to call a function it does not name passed
the static checks: an asm label or ``weakref`` that names ``"cudaMemcpy"`` in a string (a direct
device-to-host copy), function pointers from an allowed function plus an offset, an integer cast
to a function pointer, member-function pointers (``(xc.*m)()`` with ``m = &at::Tensor::relu`` ran
ATen on the host, past the method allowlist), ``std::function``/``std::invoke``/``std::mem_fn``, a
forged vtable, ``cudaLaunchHostFunc`` and other runtime functions nobody listed (graph copy nodes, a
host memory pool), the driver API, ``__builtin_*``, unions and ``memcpy`` type punning. Now host
code is held to a structural allowlist (:mod:`harness.families.kernels.static.cudaindirect`): no
function-pointer or member-pointer types, aliases or operators; functions only ever called by name;
a cast to a pointer takes a tensor's ``data_ptr`` (``void*`` aside); listed runtime names only; no
asm, builtins or attributes that rename or run code. Static and fast, except the nvcc build.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import nvcc_path
from harness.families.kernels.static.check import check_static
from harness.families.kernels.static.cuda import InlineExtension
from harness.families.kernels.static.cudaindirect import indirect_calls, own_functions

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "kernels"
_MODULE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cstdint>
{head}
__global__ void touch_kernel(float* __restrict__ y, long long n) {{
    if (n < 0) y[0] = 0.0f;
}}

torch::Tensor relu_forward(torch::Tensor x) {{
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    float* h = new float[n > 0 ? n : 1];
{decl}    {call};
    for (long long i = 0; i < n; i++) h[i] = h[i] > 0.0f ? h[i] : 0.0f;
    cudaMemcpy(y.data_ptr<float>(), h, n * sizeof(float), cudaMemcpyHostToDevice);
    delete[] h;
    touch_kernel<<<1, 32>>>(y.data_ptr<float>(), n);
    return y;
}}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="kc_relu_rt8", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''
_SRC = "h, xc.data_ptr<float>(), n * sizeof(float)"
_FN = "typedef cudaError_t (*copy_fn)(void*, const void*, size_t, int);"
_SHIFT = "template <class F> F at_offset(F f, long o) { return (F)((char*)f + o); }"
ATTACKS = {  # name: (declarations before the kernel, locals, the call that reaches the host copy)
    "asm_label": ('extern "C" cudaError_t hw_copy(void*, const void*, size_t, int) asm("cudaMemcpy");', "",
                  f"hw_copy({_SRC}, 2)"),
    "weakref": ('static cudaError_t hw_copy(void*, const void*, size_t, int) __attribute__((weakref("cudaMemcpy")));',
                "", f"hw_copy({_SRC}, 2)"),
    "gnu_alias_attribute": ('[[gnu::weakref("cudaMemcpy")]] static cudaError_t hw_copy(void*, const void*, size_t, '
                            "int);", "", f"hw_copy({_SRC}, 2)"),
    "inline_asm": ("", "", 'asm volatile("call cudaMemcpy@PLT")'),
    "offset_from_an_allowed_function": (_FN, "", f"((copy_fn)((char*)&cudaMalloc + 4096))({_SRC}, 2)"),
    "integer_to_function_pointer": (_FN, "    unsigned long long addr = 0x7f0000001000ULL;\n",
                                    f"reinterpret_cast<copy_fn>(addr)({_SRC}, 2)"),
    "uintptr_arithmetic_on_an_address": (_FN, "    auto a = reinterpret_cast<uintptr_t>(&cudaFree) + 64;\n",
                                         f"reinterpret_cast<copy_fn>(a)({_SRC}, 2)"),
    "template_deduced_offset": (_SHIFT, "", "at_offset(&cudaMemset, 4096)(h, 0, n)"),
    "own_function_plus_offset": ("static cudaError_t helper(void* a, const void* b, size_t c, int d) { return "
                                 f"cudaSuccess; }}\n{_SHIFT}", "", f"at_offset(helper, 64)({_SRC}, 2)"),
    "kernel_stub_plus_offset": (_SHIFT, "", "at_offset(touch_kernel, 64)(y.data_ptr<float>(), n)"),
    "function_as_auto_value": ("", "    auto f = cudaMalloc;\n", "f((void**)&h, n)"),
    "decltype_of_an_address": ("", "    unsigned long long addr = 4096;\n", "((decltype(&cudaMemset))addr)(h, 0, n)"),
    "member_function_pointer_relu": ("", "    at::Tensor (at::Tensor::*m)() const = &at::Tensor::relu;\n",
                                     "auto z = (xc.*m)()"),
    "auto_member_pointer": ("", "    auto m = &at::Tensor::relu;\n", "auto z = (xc.*m)()"),
    "std_function": ("#include <functional>", "    std::function<cudaError_t(void**, size_t)> f = cudaMalloc;\n",
                     "f((void**)&h, n)"),
    "std_invoke": ("#include <functional>", "", "auto z = std::invoke(&at::Tensor::relu, xc)"),
    "std_mem_fn": ("#include <functional>", "", "auto z = std::mem_fn(&at::Tensor::relu)(xc)"),
    "forged_vtable": ("struct V { virtual int size(const void* s, size_t c, int k) { return 0; } };",
                      "    V v; void* tbl[1] = {nullptr};\n", "*(void***)&v = tbl; v.size(xc.data_ptr<float>(), n, 2)"),
    "launch_host_func": ("static void host_fn(void* p) { }", "", "cudaLaunchHostFunc(0, host_fn, h)"),
    "stream_callback": ("static void cb(cudaStream_t, cudaError_t, void*) { }", "", "cudaStreamAddCallback(0, cb, h, 0)"),
    "driver_host_allocation": ("#include <cuda.h>", "    void* hp = nullptr;\n", "cuMemAllocHost(&hp, n * sizeof(float))"),
    "driver_launch": ("#include <cuda.h>", "    CUfunction fn = nullptr;\n",
                      "cuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, 0, nullptr, nullptr)"),
    "graph_copy_node": ("", "    cudaGraph_t g; cudaGraphCreate(&g, 0); cudaGraphNode_t node;\n",
                        f"cudaGraphAddMemcpyNode1D(&node, g, nullptr, 0, {_SRC}, cudaMemcpyHostToDevice)"),
    "host_memory_pool": ("", "    cudaMemPoolProps props = {}; props.location.type = cudaMemLocationTypeHost;\n"
                         "    cudaMemPool_t pool; cudaMemPoolCreate(&pool, &props); void* hp;\n",
                         "cudaMallocFromPoolAsync(&hp, n * sizeof(float), pool, 0)"),
    "builtin_return_address": ("", "", "void* r = __builtin_return_address(0)"),
    "builtin_bit_cast": (_FN, "    unsigned long long addr = 4096;\n", f"__builtin_bit_cast(copy_fn, addr)({_SRC}, 2)"),
    "union_pun": (_FN, "    union { unsigned long long i; copy_fn f; } u; u.i = 4096;\n", f"u.f({_SRC}, 2)"),
    "memcpy_pun": ("#include <cstring>", "    float* p; unsigned long long a = 4096; std::memcpy(&p, &a, sizeof p);\n",
                   "p[0] = 1.0f"),
    "pointer_alias_from_integer": ("using fptr = float*;", "    unsigned long long a = 4096;\n", "fptr p = (fptr)a"),
    "function_type_alias": ("using copy_t = cudaError_t(void*, const void*, size_t, int);",
                            "    unsigned long long a = 4096;\n", f"reinterpret_cast<copy_t*>(a)({_SRC}, 2)"),
    "lambda_pointer_plus_offset": ("", "    auto g = +[](void* a, const void* b, size_t c, int d) { return 0; };\n",
                                   f"((decltype(g))((char*)g + 64))({_SRC}, 2)"),
    "cublas_get_vector": ('extern "C" int cublasGetVector(int, int, const void*, int, void*, int);', "",
                          "cublasGetVector((int)n, 4, xc.data_ptr<float>(), 1, h, 1)"),
    "cublas_compute": ("#include <cublas_v2.h>", "    cublasHandle_t hd; cublasCreate(&hd);\n",
                       "cublasSscal(hd, (int)n, h, y.data_ptr<float>(), 1)"),
    "libc_system": ('extern "C" int system(const char*);', "", 'system("true")'),
    "std_system": ("#include <cstdlib>", "", 'std::system("true")'),
    "global_qualified_getenv": ("#include <cstdlib>", "", 'const char* e = ::getenv("HOME")'),
    "fopen": ("#include <cstdio>", "", 'FILE* f = fopen("/tmp/x", "w")'),
    "lambda_named_like_a_library_function": ('static void other() { auto system = [](const char*) { return 0; }; '
                                             'system(""); }\nextern "C" int system(const char*);', "",
                                             'system("true")'),
    "std_thread": ("#include <thread>", "", "std::thread t([] {}); t.join()"),
    "using_namespace_std": ("#include <fstream>\nusing namespace std;", "", 'ofstream f("/tmp/hw_out")'),
    "std_namespace_alias": ("#include <thread>\nnamespace s = std;", "", "s::thread t([] {}); t.join()"),
    "constructor_attribute": ("__attribute__((constructor)) static void early() { }", "", "(void)n"),
}
HONEST = {  # host idioms: (declarations, locals, statement)
    "cuda_malloc_out_pointer": ("", "    float* tmp = nullptr;\n", "cudaMalloc((void**)&tmp, n * sizeof(float)); "
                                "cudaFree(tmp)"),
    "reinterpret_cast_of_data_ptr": ("", "", "const float4* v = reinterpret_cast<const float4*>(xc.data_ptr<float>())"),
    "c_style_cast_of_data_ptr": ("", "", "const __half* v = (const __half*)xc.data_ptr()"),
    "static_cast_of_data_ptr": ("", "", "float* v = static_cast<float*>(y.data_ptr())"),
    "alignment_check": ("", "", "bool a = reinterpret_cast<uintptr_t>(xc.data_ptr<float>()) % 16 == 0"),
    "arithmetic_casts": ("", "", "int m = (int)n + static_cast<int>(xc.size(0)) + (int)(n / 2); (void)m"),
    "own_helper": ("static inline int cdiv(long long a, int b) { return (int)((a + b - 1) / b); }", "",
                   "touch_kernel<<<cdiv(n, 256), 256>>>(y.data_ptr<float>(), n)"),
    "host_device_helper": ("__host__ __device__ inline int cdiv(int a, int b) { return (a + b - 1) / b; }", "",
                           "int g = cdiv((int)n, 128); (void)g"),
    "launcher_lambda": ("", "    auto launch = [&](int threads) {\n        touch_kernel<<<(n + threads - 1) / threads, "
                        "threads>>>(y.data_ptr<float>(), n);\n    };\n", "launch(256)"),
    "func_attribute_and_occupancy": ("", "    int per_sm = 0, min_grid = 0, block = 0;\n",
                                     "cudaFuncSetAttribute(touch_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, "
                                     "0); cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, touch_kernel, 256, 0);"
                                     " cudaOccupancyMaxPotentialBlockSize(&min_grid, &block, touch_kernel, 0, 0)"),
    "launch_kernel_api": ("", "    float* yp = y.data_ptr<float>();\n    void* args[] = {&yp, &n};\n",
                          "cudaLaunchKernel((const void*)touch_kernel, dim3(1), dim3(32), args, 0, 0)"),
    "device_properties": ("", "    cudaDeviceProp prop;\n", "cudaGetDeviceProperties(&prop, xc.get_device()); "
                          "int sms = prop.multiProcessorCount; (void)sms"),
    "stream_and_errors": ("#include <ATen/cuda/CUDAContext.h>", "    cudaStream_t s = at::cuda::getCurrentCUDAStream();\n",
                          "touch_kernel<<<1, 32, 0, s>>>(y.data_ptr<float>(), n); cudaError_t e = cudaGetLastError(); "
                          'TORCH_CHECK(e == cudaSuccess, "failed: ", cudaGetErrorString(e))'),
    "if_with_parenthesised_name": ("", "    bool ready = n > 0;\n", "if (ready) touch_kernel<<<1, 32>>>(y.data_ptr<float>(), n)"),
    "template_launcher": ("__global__ void touch_kernel(float* __restrict__ y, long long n);\n"
                          "template <int B> void launch_b(float* y, long long n) { touch_kernel<<<(n + B - 1) / B, B>>>"
                          "(y, n); }", "", "launch_b<128>(y.data_ptr<float>(), n)"),
    "standard_attributes": ("[[nodiscard]] static inline int twice(int v) { return 2 * v; }", "",
                            "[[maybe_unused]] int t = twice(3)"),
    "device_asm_in_a_kernel": ("__global__ void lane(int* o) { unsigned l; asm volatile(\"mov.u32 %0, %%laneid;\" : "
                               "\"=r\"(l)); o[0] = (int)l; }", "", "(void)n"),
    "std_helpers": ("#include <limits>\n#include <vector>", "    std::vector<int64_t> sizes(2, 1);\n",
                    "float lo = std::numeric_limits<float>::infinity(); int t = std::min<int>(256, (int)std::max"
                    "<long long>(n, 1)); (void)lo; (void)t; (void)sizes"),
    "comma_declarators_and_math": ("", "", "dim3 block(16, 16), grid((unsigned)ceil(n / 256.0)); float r = sqrtf(2.0f); "
                                   '(void)r; printf("%d\\n", (int)grid.x)'),
    "namespace_helper": ("namespace detail { inline int cdiv(long long a, int b) { return (int)((a + b - 1) / b); } }",
                         "", "int g = detail::cdiv(n, 256); (void)g"),
    "memset_async": ("", "", "cudaMemsetAsync(y.data_ptr<float>(), 0, n * sizeof(float), 0)"),
}


def answer(head: str, decl: str, call: str) -> str:
    return _MODULE.format(head=head, decl=decl, call=call)


def _rules(code: str) -> list[str]:
    return [v.rule for v in check_static(code, "cuda")]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_call_the_text_does_not_name_is_rejected(name: str) -> None:
    assert "cuda_host_indirect" in _rules(answer(*ATTACKS[name])), name


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_host_idioms_are_accepted(name: str) -> None:
    found = check_static(answer(*HONEST[name]), "cuda")
    assert found == [], found


def test_goldens_and_the_honest_corpus_are_accepted() -> None:
    paths = sorted(ROOT.glob("benchmarks/kernels_*/problems/*/solution_cuda.py"))
    paths += sorted((CORPUS / "honest_cuda").glob("*.py"))
    assert len(paths) >= 40 and any(p.stem == "relu_host_idioms" for p in paths)
    for path in paths:
        assert check_static(path.read_text(), "cuda") == [], path


def test_the_message_names_what_was_found() -> None:
    found = check_static(answer(*ATTACKS["asm_label"]), "cuda")
    assert any(v.rule == "cuda_host_indirect" and "asm" in v.detail for v in found), found
    found = check_static(answer(*ATTACKS["offset_from_an_allowed_function"]), "cuda")
    assert any("&cudaMalloc as a value" in v.detail for v in found), found
    found = check_static(answer(*ATTACKS["launch_host_func"]), "cuda")
    assert any("cudaLaunchHostFunc (not a listed CUDA runtime name)" in v.detail for v in found), found


def test_device_code_keeps_its_freedom() -> None:
    """Only host code is held to the rule: a kernel body may use inline PTX and any cast."""
    kernel = "__global__ void k(float* y) { unsigned long long a = (unsigned long long)y; float* p = (float*)a; " \
             "asm volatile(\"membar.gl;\"); p[0] = 1.0f; }"
    assert indirect_calls([kernel.replace(kernel[kernel.index("{") + 1:-1], " ")], {"k"}) == []


def test_own_functions_are_told_from_direct_initialised_variables() -> None:
    code = ("static int cdiv(int a, int b) { return (a + b - 1) / b; }\n"
            "void f(int n) { dim3 grid(cdiv(n, 4)); int v(3); helper(grid); }\n"
            "torch::Tensor g(torch::Tensor x);\n")
    assert own_functions(code) == {"cdiv", "f", "g"}


def build_forms() -> list[tuple[str, str]]:
    """The honest forms and three attacks that the nvcc build shows are real C++ (for the slow test)."""
    forms = [(f"h_{name}", answer(*HONEST[name])) for name in sorted(HONEST) if name != "stream_and_errors"]
    forms += [(f"a_{name}", answer(*ATTACKS[name])) for name in ("asm_label", "weakref", "member_function_pointer_relu")]
    return [*forms, ("corpus", (CORPUS / "honest_cuda" / "relu_host_idioms.py").read_text())]


def cuda_forms() -> list[tuple[str, InlineExtension]]:
    """:func:`build_forms` as extensions, for the session's joint nvcc build (tests/kernels/cuda_union.py)."""


    from tests.kernels import cuda_union

    return cuda_union.extensions(build_forms())


@pytest.mark.slow
@pytest.mark.skipif(nvcc_path() is None, reason="nvcc not installed")
def test_the_forms_are_real_cuda(tmp_path: Path) -> None:
    """The honest forms compile (so the rule costs them nothing), and so do the asm-label, weakref
    and member-pointer attacks (the rule, not the compiler, stops them): part of the session's one
    joint nvcc + g++ build (tests/kernels/cuda_union.py), or this group's own when that fails."""
    from tests.kernels.cuda_union import group_build

    build = group_build("rt8", tmp_path)
    assert build.ok is True, build.log[-3000:]


def test_the_cuda_prompt_states_the_rule() -> None:
    from harness.families.kernels.prompt import build_prompt

    prompt = build_prompt((ROOT / "benchmarks/kernels_core/problems/relu/reference.py").read_text(), "cuda")
    assert "call functions only by name" in prompt and "not the driver API" in prompt
    assert "call functions only by name" not in build_prompt("import torch\n", "triton")
