"""Red team 6 S9 (#14) and honest tester F8/F9: the CUDA checks read what the compilers see.

S9: a device-to-host ``cudaMemcpy`` and a host C++ ReLU loop passed the static checks because
(a) the copy was pasted together under ``#ifdef __CUDACC__``, which the old ``cpp -undef`` pass
never defined; (b) ``R"x(")x"`` made the string regex blank the rest of the line; (c) an allowed
``-D`` flag selected a branch the check never expanded. Now each unit is preprocessed per build
pass with its compiler's macros and the answer's flags (:mod:`~harness.families.kernels.static.cppunits`),
whatever cannot be modelled is ``rejected`` (``cuda_preprocessor``, ``cuda_build``), and C++ is
lexed (:mod:`~harness.families.kernels.static.cpplex`). F8: CUB in a ``__global__`` body is not host
ATen compute. F9: ``self.ext = <module-level extension>`` is an extension handle.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import nvcc_path
from harness.families.kernels.static.check import analyze
from harness.families.kernels.static.cpplex import lex
from harness.families.kernels.static.cuda import InlineExtension
from tests.kernels.helpers import PROBLEMS

TEMPLATE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <vector>
PRE
__global__ void relu_kernel(const float* __restrict__ x, float* __restrict__ y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

torch::Tensor relu_forward(torch::Tensor x) {
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    size_t bytes = n * sizeof(float);
    std::vector<float> h(n);
    BODY
    relu_kernel<<<(unsigned)((n + 255) / 256), 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);
    return y;
}
"""

cpp_source = r"""CPP
torch::Tensor relu_forward(torch::Tensor x);"""

relu_ext = load_inline(name="kc_relu_rt6", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False ARGS)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
'''
D2H = "cudaMemcpy(h.data(), xc.data_ptr<float>(), bytes, cudaMemcpyDeviceToHost);"
LOOP = "for (long long i = 0; i < n; i++) h[i] = h[i] > 0.0f ? h[i] : 0.0f;"
PASTE = ("#define PASTE(a, b) a##b\n"
         "#define XFER(dst, src, bytes, kind) PASTE(cudaMem, cpy)(dst, src, bytes, PASTE(cuda, kind))")
HIDDEN = f"XFER(h.data(), xc.data_ptr<float>(), bytes, MemcpyDeviceToHost); {LOOP}"


def answer(body: str = "", pre: str = "", cpp: str = "", args: str = "") -> str:
    return TEMPLATE.replace("BODY", body).replace("PRE", pre).replace("CPP", cpp).replace("ARGS", args)


def guarded(cond: str, on: str = PASTE) -> str:
    """``on`` under ``cond``, a harmless ``XFER`` otherwise (the red team's shape)."""
    return f"{cond}\n{on}\n#else\n#define XFER(dst, src, bytes, kind) 0\n#endif"


#: name -> (answer, the rules that may reject it)
ATTACKS: dict[str, tuple[str, set[str]]] = {
    # the red team's three (S9 a/b/c)
    "rt6_ifdef_cudacc_paste": (answer(HIDDEN, guarded("#ifdef __CUDACC__")), {"cuda_host_copy"}),
    "rt6_raw_string": (answer(f'const char* tag = R"x(")x"; {D2H} const char* t2 = ""; {LOOP}'),
                       {"cuda_host_copy"}),
    "rt6_define_flag": (answer(HIDDEN, guarded("#ifdef HIDE"), args=', extra_cuda_cflags=["-DHIDE"]'),
                        {"cuda_host_copy"}),
    # variants: other build-pass macros, header and compiler macros, the other unit
    "ifndef_cuda_arch_host_pass": (answer(HIDDEN, guarded("#ifndef __CUDA_ARCH__")), {"cuda_host_copy"}),
    "nvcc_macro": (answer(HIDDEN, guarded("#if defined(__NVCC__) && 1")), {"cuda_host_copy"}),
    "header_macro_cuda_version": (answer(HIDDEN, guarded("#if CUDA_VERSION >= 11000")), {"cuda_preprocessor"}),
    "compiler_macro_gnuc": (answer(HIDDEN, guarded("#if __GNUC__ > 3")), {"cuda_preprocessor"}),
    "nvcc_version_macro": (answer(HIDDEN, guarded("#ifdef __CUDACC_VER_MAJOR__")), {"cuda_preprocessor"}),
    "ifndef_default_of_header_macro": (answer(HIDDEN, "#ifndef CUDA_VERSION\n#define CUDA_VERSION 0\n#endif\n"
                                              + guarded("#if CUDA_VERSION > 0")), {"cuda_preprocessor"}),
    "pasted_line_macro": (answer(HIDDEN, "#define CAT(a, b) a##b\n" + guarded("#if CAT(__LI, NE__) > 6")),
                          {"cuda_preprocessor"}),
    "indirect_counter": (answer(HIDDEN, "#define C __COUNTER__\n" + guarded("#if C > 0")), {"cuda_preprocessor"}),
    "has_include_build_file": (answer(HIDDEN, guarded('#if __has_include("build.ninja")')), {"cuda_preprocessor"}),
    "define_after_test": (answer(HIDDEN, guarded("#ifdef LATER") + "\n#define LATER 1"), {"cuda_preprocessor"}),
    "quoted_include_of_other_unit": (answer("", '#include "main.cpp"'), {"cuda_preprocessor"}),
    "absolute_include": (answer("", "#include </tmp/x/cuda.cu>"), {"cuda_preprocessor"}),
    "include_next": (answer("", "#include_next <vector>"), {"cuda_preprocessor"}),
    "error_stops_the_pass": (answer(HIDDEN, "#ifdef __CUDACC__\n#error no\n#endif\n" + PASTE),
                             {"cuda_preprocessor"}),
    "cuda_macro_leaks_into_cpp_unit": (
        answer("", "#define SKIP_HOST 1",
               cpp="#include <vector>\n#include <cuda_runtime.h>\n#ifndef SKIP_HOST\n" + PASTE + "\n"
                   "void leak(float* d, long long n) { std::vector<float> h(n); "
                   "XFER(h.data(), d, n * sizeof(float), MemcpyDeviceToHost); }\n#endif"),
        {"cuda_preprocessor"}),  # each unit alone: SKIP_HOST is not the cpp unit's own macro
    # variants: a header macro pastes the answer's tokens (headers are not expanded by the check)
    "c10_concatenate": (answer("C10_CONCATENATE(cudaMem, cpy)(h.data(), xc.data_ptr<float>(), bytes, "
                               f"C10_CONCATENATE(cudaMemcpy, DeviceToHost)); {LOOP}"), {"cuda_host_copy"}),
    "nested_header_paste": (answer("C10_CONCATENATE(C10_CONCATENATE(cuda, Mem), cpy)(h.data(), xc.data_ptr<float>(), "
                                   f"bytes, cudaMemcpyDefault); {LOOP}"), {"cuda_host_copy"}),
    "pasted_namespace": (answer("auto r = C10_CONCATENATE(a, t)::relu(xc); (void)r;"),
                         {"cuda_host_copy", "cuda_torch_compute"}),
    # variants: lexing
    "prefixed_raw_string": (answer(f'auto t = u8R"q(")q"; {D2H} auto u = ""; {LOOP}'), {"cuda_host_copy"}),
    "digit_separators": (answer(f"long long a = 1'000; {D2H} long long b = 2'000; {LOOP}"), {"cuda_host_copy"}),
    "spliced_identifier": (answer(f"cudaMem\\\ncpy(h.data(), xc.data_ptr<float>(), bytes, cudaMemcpyDeviceToHost); "
                                  f"{LOOP}"), {"cuda_host_copy"}),
    "escaped_cpu_literal": (answer('auto hx = xc.to(std::string("\\x63pu")); auto y2 = hx;'), {"cuda_host_copy"}),
    # variants: flags and build arguments the checker cannot model
    "include_flag": (answer(args=', extra_cuda_cflags=["-include", "/tmp/x.h"]'), {"cuda_build"}),
    "xcompiler_define": (answer(args=', extra_cuda_cflags=["-Xcompiler=-DHIDE"]'), {"cuda_build"}),
    "reserved_define": (answer(args=', extra_cflags=["-D__CUDACC__"]'), {"cuda_build"}),
    "trigraph_standard": (answer(args=', extra_cflags=["-std=c++14"]'), {"cuda_build"}),
    "ldflags": (answer(args=', extra_ldflags=["-Wl,-init,leak"]'), {"cuda_build"}),
    "kwargs": (answer(args=", **{}"), {"cuda_build"}),
    "computed_source": (answer().replace("cuda_sources=cuda_source", 'cuda_sources=cuda_source.replace("X", "Y")'),
                        {"cuda_build"}),
    # variants: host code dressed as device code (F8's exemption holds for device-only bodies)
    "host_device_function": (answer(pre="__host__ __device__ inline float hd(torch::Tensor t) "
                                        "{ return t.sum().item<float>(); }"), {"cuda_torch_compute"}),
    "device_qualifier_on_a_parameter": (answer(pre="inline float hp(torch::Tensor t, __device__ int* p = nullptr) "
                                                  "{ return t.sum().item<float>(); }"), {"cuda_torch_compute"}),
    "device_qualifier_after_the_parameters": (answer(pre="inline float ha(torch::Tensor t) __device__ "
                                                        "{ return t.sum().item<float>(); }"), {"cuda_torch_compute"}),
    "local_class_in_device_function": (
        answer(pre="__device__ int dv() { struct L { static float f(torch::Tensor t) "
                   "{ return t.sum().item<float>(); } }; return 0; }"), {"cuda_torch_compute"}),
}

CUB_SCAN = r"""
#include <cub/block/block_scan.cuh>
constexpr int THREADS = 256;
__global__ void scan_kernel(const float* __restrict__ x, float* __restrict__ y, long long n) {
    using Scan = cub::BlockScan<float, THREADS>;
    __shared__ typename Scan::TempStorage tmp;
    long long i = (long long)blockIdx.x * THREADS + threadIdx.x;
    float v = i < n ? x[i] : 0.0f, incl, total;
    Scan(tmp).InclusiveSum(v, incl, total);
    if (i < n) y[i] = incl - incl + (x[i] > 0.0f ? x[i] : 0.0f);
}
"""

#: honest answers at the edge of the new rules: each must be accepted
HONEST: dict[str, str] = {
    "cub_block_scan_in_kernel": answer(pre=CUB_SCAN),
    "cuda_arch_guards": answer(pre="#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800\n#define FAST 1\n#else\n"
                                   "#define FAST 0\n#endif\n#ifdef __CUDACC__\n#define HD __host__ __device__\n"
                                   "#endif\n#if !defined(__CUDACC_RTC__) && __cplusplus >= 201703L\n"
                                   "HD inline int fast() { return FAST; }\n#endif"),
    "own_macros_in_conditionals": answer(pre="#include <cstdint>\n#define TILE 16\n#define WIDE (TILE * 2)\n"
                                             "#if WIDE > 16 && defined(TILE)\nconstexpr int kWide = WIDE;\n#endif"),
    "define_flag": answer(pre="#if BLOCK >= 128\nconstexpr int kBlock = BLOCK;\n#endif",
                          args=', extra_cuda_cflags=["-O3", "--use_fast_math", "-DBLOCK=256", "-std=c++17"]'),
    "raw_string_and_literals": answer(
        'TORCH_CHECK(xc.is_cuda(), R"msg(x must be a "CUDA" tensor)msg"); long long big = 1\'000\'000; '
        "char q = '\\''; (void)big; (void)q; "
        "cudaMemcpy(y.data_ptr<float>(), xc.data_ptr<float>(), bytes, cudaMemcpyDeviceToDevice);"),
    "host_device_helper_with_methods_on_plain_values": answer(
        pre="struct Acc { float v; __host__ __device__ void add(float a) { v += a; } };"),
}

F9_EXT_ON_MODULE = answer().replace(
    "        super().__init__()\n", "        super().__init__()\n        self.ext = relu_ext\n").replace(
    "return relu_ext.relu_forward(x)", "return self.ext.relu_forward(x)")

F9_ATTACKS = {
    "rebound_to_torch": F9_EXT_ON_MODULE.replace("self.ext = relu_ext\n", "self.ext = relu_ext\n        self.ext = torch\n"
                                                 ).replace("self.ext.relu_forward(x)", "self.ext.relu(x)"),
    "parameter_shadows_the_extension": F9_EXT_ON_MODULE.replace("def __init__(self):",
                                                                "def __init__(self, relu_ext=torch.nn.functional):")
    .replace("self.ext.relu_forward(x)", "self.ext.relu(x)"),
    "local_shadows_the_extension": F9_EXT_ON_MODULE.replace("self.ext = relu_ext",
                                                            "relu_ext = torch\n        self.ext = relu_ext")
    .replace("self.ext.relu_forward(x)", "self.ext.relu(x)"),
}


def _rules(code: str) -> dict[str, str]:
    return {v.rule: v.detail for v in analyze(code, "cuda")[0]}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_hidden_host_code_is_rejected(name: str) -> None:
    code, expected = ATTACKS[name]
    rules = _rules(code)
    assert rules and set(rules) & expected, (name, rules)


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_answers_at_the_edge_are_accepted(name: str) -> None:
    assert _rules(HONEST[name]) == {}, name


def test_violations_name_the_load_inline_line() -> None:
    code, _ = ATTACKS["rt6_ifdef_cudacc_paste"]
    line = next(i for i, t in enumerate(code.splitlines(), 1) if t.startswith("relu_ext = load_inline"))
    assert [v.line for v in analyze(code, "cuda")[0] if v.rule == "cuda_host_copy"] == [line]


def test_f9_extension_kept_on_the_module_is_accepted() -> None:
    assert _rules(F9_EXT_ON_MODULE) == {}


@pytest.mark.parametrize("name", sorted(F9_ATTACKS))
def test_f9_other_bindings_of_the_attribute_are_rejected(name: str) -> None:
    assert _rules(F9_ATTACKS[name]), name


def test_lexer_reads_literals_like_the_compiler() -> None:
    lexed = lex('a = R"x(")x"; b(); c = u8"\\x63" "pu"; d = \'\\\'\'; e = 1\'000; // x \\\nf();\ng();')
    assert "b()" in lexed.code and "f()" not in lexed.code and "g()" in lexed.code
    assert lexed.code.count("\n") == 2  # the spliced line stays counted
    assert lexed.literals == ['"', "cpu", "'"]


@pytest.mark.slow
def test_attacks_end_as_rejected_through_the_evaluator(tmp_path: Path) -> None:
    """The red team's three, end to end (the static stage stops them before nvcc runs)."""
    from harness.families.kernels.evaluate import evaluate_kernel
    from harness.families.kernels.runner import plain_runner

    for name in ("rt6_ifdef_cudacc_paste", "rt6_raw_string", "rt6_define_flag"):
        r = evaluate_kernel(PROBLEMS / "relu", ATTACKS[name][0], "cuda", tmp_path / name, gpu=False,
                            timeout_s=120.0, runner=plain_runner(), ref_cache=tmp_path / "refs", seeds=1)
        assert r["status"] == "rejected" and r["reason"].startswith("cuda_host_copy"), (name, r["reason"])


def cuda_forms() -> list[tuple[str, InlineExtension]]:
    """The honest forms (but ``define_flag``, whose flag only the real build passes) and the red
    team's pasted copy under ``__CUDACC__``, for the session's joint nvcc build
    (tests/kernels/cuda_union.py)."""


    from tests.kernels import cuda_union

    names = [n for n in HONEST if n != "define_flag"] + ["rt6_ifdef_cudacc_paste", "rt6_raw_string"]
    return cuda_union.extensions([(name, HONEST.get(name) or ATTACKS[name][0]) for name in names])


@pytest.mark.slow
@pytest.mark.skipif(nvcc_path() is None, reason="nvcc not installed")
def test_honest_forms_and_the_pasted_copy_compile(tmp_path: Path) -> None:
    """The honest forms are real CUDA, and so is the red team's pasted copy under ``__CUDACC__``
    (the attack the rule stops is not a compile error): each through nvcc and g++ as an evaluation
    compiles it, in its own namespace of the session's one joint build."""
    from tests.kernels.cuda_union import group_build

    build = group_build("rt6", tmp_path)
    assert build.ok is True, build.log[-3000:]
