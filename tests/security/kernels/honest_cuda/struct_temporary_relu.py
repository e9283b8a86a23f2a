# honest (honest10b F3): a struct of data_ptrs and a size passed to the kernel as a temporary Seg{...}
# problem: kernels_core/relu
# ruff: noqa
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <torch/extension.h>
#include <cuda_runtime.h>

struct Seg { const float* x; float* y; long long n; };
__global__ void relu_seg(Seg s) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < s.n) s.y[i] = fmaxf(s.x[i], 0.0f);
}
torch::Tensor relu_forward(torch::Tensor x) {
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    relu_seg<<<(n + 255) / 256, 256>>>(Seg{xc.data_ptr<float>(), y.data_ptr<float>(), n});
    return y;
}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="honest_struct_temporary_relu", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
