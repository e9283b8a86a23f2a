# honest: CUDA host code in the ordinary idioms the rule cuda_host_indirect must accept: a vectorised
# kernel chosen by an alignment check (reinterpret_cast of data_ptr to float4* and to uintptr_t), an own
# host helper, a launcher lambda, cudaFuncSetAttribute and occupancy queries taking the kernel,
# cudaLaunchKernel with (const void*)kernel and an argument array of addresses of locals, a scratch
# buffer from cudaMalloc((void**)&p, ...), a stream variable, error strings, C-style and static casts
# problem: kernels_core/relu
# ruff: noqa
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cstdint>

__global__ void relu_scalar(const float* __restrict__ x, float* __restrict__ y, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = fmaxf(x[i], 0.0f);
}

__global__ void relu_vec4(const float4* __restrict__ x, float4* __restrict__ y, long long n4) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n4) {
        float4 v = x[i];
        y[i] = make_float4(fmaxf(v.x, 0.0f), fmaxf(v.y, 0.0f), fmaxf(v.z, 0.0f), fmaxf(v.w, 0.0f));
    }
}

static inline unsigned int blocks_for(long long n, int threads) {
    return (unsigned int)((n + threads - 1) / threads);
}

torch::Tensor relu_forward(torch::Tensor x) {
    TORCH_CHECK(x.is_cuda(), "a CUDA tensor is expected");
    auto xc = x.contiguous();
    auto y = torch::empty_like(xc);
    long long n = xc.numel();
    if (n == 0) return y;
    cudaStream_t stream = nullptr;  // the default stream
    const int threads = 256;
    cudaFuncSetAttribute(relu_scalar, cudaFuncAttributePreferredSharedMemoryCarveout, 0);
    int per_sm = 0;
    cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, relu_vec4, threads, 0);
    float* scratch = nullptr;
    cudaMalloc((void**)&scratch, sizeof(float));
    cudaMemsetAsync(scratch, 0, sizeof(float), stream);
    bool aligned = reinterpret_cast<uintptr_t>(xc.data_ptr<float>()) % 16 == 0
                   && reinterpret_cast<uintptr_t>(y.data_ptr<float>()) % 16 == 0 && n % 4 == 0;
    auto launch_scalar = [&](long long count) {
        const float* xp = xc.data_ptr<float>();
        float* yp = y.data_ptr<float>();
        void* args[] = {(void*)&xp, (void*)&yp, (void*)&count};
        cudaLaunchKernel((const void*)relu_scalar, dim3(blocks_for(count, threads)), dim3(threads), args, 0, stream);
    };
    if (aligned && per_sm > 0) {
        long long n4 = n / 4;
        relu_vec4<<<blocks_for(n4, threads), threads, 0, stream>>>(
            reinterpret_cast<const float4*>(xc.data_ptr<float>()), (float4*)y.data_ptr<float>(), n4);
    } else {
        launch_scalar(n);
    }
    cudaError_t err = cudaGetLastError();
    TORCH_CHECK(err == cudaSuccess, "relu launch failed: ", cudaGetErrorString(err));
    cudaFree(scratch);
    return y;
}
"""

cpp_source = "torch::Tensor relu_forward(torch::Tensor x);"

relu_ext = load_inline(name="honest_relu_host_idioms", cpp_sources=cpp_source, cuda_sources=cuda_source,
                       functions=["relu_forward"], verbose=False)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_ext.relu_forward(x)
