# honest: CUDA host code near the round-9 rules (cuda_host_pointer) and honest round 9 F6-F9: a small
# host table filled by a bounded loop and copied to __constant__ memory, a vector shape from sizes().vec()
# for torch::empty, at::opmath_type as the accumulator type of a templated
# kernel, __launch_bounds__ after the return type, device-pointer offsets per row block, -arch=sm_90
# (device_of for a device guard is in test_kernel_rt9: this machine's torch lacks c10/cuda's generated header)
# problem: kernels_core/layer_norm
# ruff: noqa
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <vector>
#include <ATen/OpMathType.h>

__constant__ float c_eps[1];

template <int B, typename A>
__device__ A block_sum(A v, A* red) {
    red[threadIdx.x] = v;
    __syncthreads();
    for (int k = B / 2; k > 0; k >>= 1) {
        if (threadIdx.x < k) red[threadIdx.x] += red[threadIdx.x + k];
        __syncthreads();
    }
    A total = red[0];
    __syncthreads();
    return total;
}

template <typename T, int B>
__global__ void __launch_bounds__(B) ln_rows(const T* __restrict__ x, const T* __restrict__ w,
                                             const T* __restrict__ b, T* __restrict__ y, int n) {
    using acc_t = at::opmath_type<T>;
    __shared__ acc_t red[B];
    const T* xr = x + (long long)blockIdx.x * n;
    T* yr = y + (long long)blockIdx.x * n;
    acc_t s = 0;
    for (int i = threadIdx.x; i < n; i += B) s += (acc_t)xr[i];
    const acc_t mean = block_sum<B>(s, red) / n;
    acc_t d2 = 0;  // two passes: no E[x^2] - E[x]^2 cancellation
    for (int i = threadIdx.x; i < n; i += B) { acc_t d = (acc_t)xr[i] - mean; d2 += d * d; }
    const acc_t rstd = rsqrtf(block_sum<B>(d2, red) / n + c_eps[0]);
    for (int i = threadIdx.x; i < n; i += B) yr[i] = (T)(((acc_t)xr[i] - mean) * rstd * (acc_t)w[i] + (acc_t)b[i]);
}

torch::Tensor layer_norm_forward(torch::Tensor x, torch::Tensor w, torch::Tensor b, double eps) {
    TORCH_CHECK(x.is_cuda() && x.scalar_type() == torch::kFloat32, "float32 CUDA tensors expected");
    auto xc = x.contiguous();
    w = w.contiguous();
    b = b.contiguous();
    std::vector<int64_t> shape = xc.sizes().vec();
    torch::Tensor y = torch::empty(shape, xc.options());
    const int n = (int)xc.size(-1);
    const long long rows = xc.numel() / (n > 0 ? n : 1);
    float host_eps[1];
    for (int i = 0; i < 1; ++i) host_eps[i] = (float)eps;
    cudaMemcpyToSymbol(c_eps, host_eps, sizeof(host_eps), 0, cudaMemcpyHostToDevice);
    const long long chunk = 65535;
    for (long long r0 = 0; r0 < rows; r0 += chunk) {
        long long r = rows - r0 < chunk ? rows - r0 : chunk;
        ln_rows<float, 256><<<(unsigned)r, 256>>>(xc.data_ptr<float>() + r0 * n, w.data_ptr<float>(), b.data_ptr<float>(),
                                                 y.data_ptr<float>() + r0 * n, n);
    }
    TORCH_CHECK(cudaGetLastError() == cudaSuccess, "layer norm launch failed");
    return y;
}
"""

ext = load_inline(name="honest_ln_host_tables", cpp_sources="torch::Tensor layer_norm_forward(torch::Tensor x, "
                  "torch::Tensor w, torch::Tensor b, double eps);", cuda_sources=cuda_source, functions=["layer_norm_forward"],
                  extra_cuda_cflags=["-O3", "-arch=sm_90"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self, eps: float):
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return ext.layer_norm_forward(x, weight, bias, self.eps)
