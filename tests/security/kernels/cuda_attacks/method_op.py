# attack class 6 (CUDA host code computes with ATen: a tensor method)
# ruff: noqa
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

src = r"""

__global__ void copy_kernel(const float* x, float* y, long n) {
    long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i];
}

torch::Tensor f(torch::Tensor x) {
    auto y = torch::empty_like(x);
    copy_kernel<<<(x.numel() + 255) / 256, 256>>>(x.data_ptr<float>(), y.data_ptr<float>(), x.numel());
    return y.clamp_min(0);
}
"""
ext = load_inline(name="a", cpp_sources="torch::Tensor f(torch::Tensor x);", cuda_sources=src, functions=["f"])


class ModelNew(nn.Module):
    def forward(self, x):
        return ext.f(x)
