"""Honest round 14 (kernels, CUDA): forms an independent tester wrote as a strong model writes them,
refused although honest. KernelBench's own template (``extra_cflags=[""]``, ``extra_ldflags=[""]``,
``self.cumsum = cumsum``), harmless ``load_inline`` keywords at harmless values, common nvcc and host
optimisation flags, ``x.new_empty(...)`` in C++. Each passes ``check_static`` now; the nearest forms
that change what the checker reads stay refused. Static and fast: no nvcc."""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static

SOURCE = '''
__global__ void cumsum_kernel(const float* x, float* out, int rows, int cols) {
    int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (row >= rows) return;
    const float* xr = x + (long long)row * cols;
    float* yr = out + (long long)row * cols;
    float carry = 0.0f;
    for (int base = 0; base < cols; base += 32) {
        int c = base + lane;
        float v = c < cols ? xr[c] : 0.0f;
        for (int off = 1; off < 32; off <<= 1) {
            float t = __shfl_up_sync(0xffffffff, v, off);
            if (lane >= off) v += t;
        }
        if (c < cols) yr[c] = v + carry;
        carry += __shfl_sync(0xffffffff, v, 31);
    }
}

torch::Tensor cumsum_cuda(torch::Tensor x) {
    auto rows = x.size(0);
    auto cols = x.size(1);
    auto out = ALLOC;
    const int block_size = 256;
    const int rows_per_block = block_size / 32;
    const int num_blocks = (rows + rows_per_block - 1) / rows_per_block;
    cumsum_kernel<<<num_blocks, block_size>>>(x.data_ptr<float>(), out.data_ptr<float>(), rows, cols);
    return out;
}
'''
TEMPLATE = '''import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cumsum_source = """{source}"""
cumsum_cpp_source = "torch::Tensor cumsum_cuda(torch::Tensor x);"

cumsum = load_inline(
    name="cumsum",
    cpp_sources=cumsum_cpp_source,
    cuda_sources=cumsum_source,
    functions=["cumsum_cuda"],
    verbose=True,
    {keywords}
)


class ModelNew(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.cumsum = cumsum

    def forward(self, x):
        return self.cumsum.cumsum_cuda(x.contiguous())
'''


def answer(keywords: str = 'extra_cflags=[""],\n    extra_ldflags=[""],', alloc: str = "torch::zeros_like(x)") -> str:
    return TEMPLATE.format(source=SOURCE.replace("ALLOC", alloc), keywords=keywords)


HONEST = {
    "kernelbench_template": {},
    "empty_lists": {"keywords": "extra_ldflags=[],\n    extra_include_paths=[],\n    build_directory=None,"},
    "harmless_keywords": {"keywords": "is_python_module=True,\n    with_pytorch_error_handling=True,\n"
                                      "    keep_intermediates=False,"},
    "nvcc_flags": {"keywords": 'extra_cuda_cflags=["-O3", "-ftz=true", "--restrict", "-res-usage", '
                                '"--ptxas-options=-v", "-Xcompiler", "-O3", "-Xcompiler=-O2"],'},
    "host_flags": {"keywords": 'extra_cflags=["-O3", "-ffast-math", "-funroll-loops", "-march=native", "-g0", ""],'},
    "new_empty": {"alloc": "x.new_empty(x.sizes())"},
}
#: what changes the build or the module the checker reads stays refused
REFUSED = {
    "a_link_flag": 'extra_ldflags=["-lcuda"],',
    "an_include_path": 'extra_include_paths=["/usr/include"],',
    "a_build_directory": 'build_directory="/tmp/b",',
    "no_python_module": "is_python_module=False,",
    "a_host_flag_after_xcompiler": 'extra_cuda_cflags=["-Xcompiler", "-fopenmp"],',
    "an_unlisted_flag": 'extra_cflags=["-fno-access-control"],',
    "a_flag_ending_in_a_newline": 'extra_cflags=["-O3\\n"],',  # red team 14b: $ matched before the newline
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_template_forms_pass(name: str) -> None:
    assert check_static(answer(**HONEST[name]), "cuda") == [], name


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_changes_the_build_stays_refused(name: str) -> None:
    rules = {v.rule for v in check_static(answer(REFUSED[name]), "cuda")}
    assert "cuda_build" in rules, (name, rules)


def test_a_triton_answer_still_names_no_module_attribute_like_a_tensor_method() -> None:
    code = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def _k(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


class ModelNew(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.cumsum = 1

    def forward(self, x):
        y = torch.empty_like(x)
        _k[(triton.cdiv(x.numel(), 256),)](x, y, x.numel(), BLOCK=256)
        return y
'''
    assert "shadowing" in {v.rule for v in check_static(code, "triton")}


def test_a_grid_capped_by_the_sm_count_passes() -> None:
    """``cudaDeviceGetAttribute(&num_sms, ...)`` stores a number: ``(long long)num_sms * 8`` is no integer
    made from a pointer (it was ``cuda_host_copy``); a pointer given to the same query stays refused."""
    from tests.security.test_kernel_cuda_rt10 import answer as relu_answer

    honest = ("    int num_sms = 0, per_sm = 0;\n"
              "    cudaDeviceGetAttribute(&num_sms, cudaDevAttrMultiProcessorCount, 0);\n"
              "    cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, relu_kernel, 256, 0);\n"
              "    long long cap = (long long)num_sms * per_sm;\n"
              "    unsigned g = (unsigned)std::min<long long>(blocks, static_cast<long long>(num_sms) * 8 + cap);\n"
              "    relu_kernel<<<g, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);")
    assert check_static(relu_answer("#include <algorithm>\n", honest), "cuda") == []
    attack = ("    float* g = nullptr;\n    cudaDeviceGetAttribute((int*)&g, cudaDevAttrMultiProcessorCount, 0);\n"
              "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), g, n);")
    assert {v.rule for v in check_static(relu_answer("", attack), "cuda")} & {"cuda_host_copy", "cuda_host_indirect"}


def test_a_literal_index_of_a_sizes_view_passes() -> None:
    """``auto sizes = xc.sizes(); sizes[0]`` reads what ``xc.sizes()[0]`` reads (it was ``cuda_host_pointer``);
    a view of a temporary's sizes stays refused."""
    from tests.security.test_kernel_cuda_rt10 import answer as relu_answer

    honest = ("    auto sizes = xc.sizes();\n    long long rows = sizes[0];\n    (void)rows;\n"
              "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);")
    assert check_static(relu_answer("", honest), "cuda") == []
    dangling = ("    auto sizes = torch::empty_like(xc).sizes();\n    long long rows = sizes[0];\n    (void)rows;\n"
                "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);")
    assert "cuda_host_pointer" in {v.rule for v in check_static(relu_answer("", dangling), "cuda")}


def test_the_value_of_an_optional_number_passes() -> None:
    """``*min_val`` of a ``c10::optional<double>`` reads the optional's value (it was ``cuda_host_pointer``);
    the same name also declared a pointer stays a dereference."""
    from tests.security.test_kernel_cuda_rt10 import answer as relu_answer

    head = ("float bound(c10::optional<double> min_val) {\n"
            "    return min_val.has_value() ? static_cast<float>(*min_val) : -1.0f;\n}\n")
    body = "    relu_kernel<<<blocks, 256>>>(xc.data_ptr<float>(), y.data_ptr<float>(), n);"
    assert check_static(relu_answer(head, body), "cuda") == []
    pointer = head + "float peek(float* min_val) { return *min_val; }\n"
    assert "cuda_host_pointer" in {v.rule for v in check_static(relu_answer(pointer, body), "cuda")}
