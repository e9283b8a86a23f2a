# honest (honest10b F2): a local table of data_ptr pointers and offsets (ins[k], outs[k]) indexed in a launch loop
# problem: kernels_core/relu
# ruff: noqa
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <torch/extension.h>
#include <cuda_runtime.h>

__global__ void relu_kernel(const float* __restrict__ x, float* __restrict__ y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = fmaxf(x[i], 0.0f);
}

torch::Tensor relu_forward(torch::Tensor x) {
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    long long half = n / 2;
    const float* ins[2] = {xc.data_ptr<float>(), xc.data_ptr<float>() + half};
    float* outs[2] = {y.data_ptr<float>(), y.data_ptr<float>() + half};
    long long cnt[2] = {half, n - half};
    for (int k = 0; k < 2; ++k) {
        if (cnt[k] > 0) relu_kernel<<<(cnt[k] + 255) / 256, 256>>>(ins[k], outs[k], cnt[k]);
    }
    return y;
}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="honest_table_loop_relu", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
