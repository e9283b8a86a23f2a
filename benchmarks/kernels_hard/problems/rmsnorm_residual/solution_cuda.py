import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cuda_fp16.h>

__device__ float block_sum(float v, float* buf) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
    for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
    if (lane == 0) buf[warp] = v;
    __syncthreads();
    v = lane < nwarps ? buf[lane] : 0.0f;
    for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
    __syncthreads();
    return v;
}

// One block per row: h = fp16(x + r) is stored, then y from the rounded h with an fp32 mean of squares.
__global__ void add_rmsnorm_kernel(const __half* __restrict__ x, const __half* __restrict__ r,
                                   const __half* __restrict__ w, __half* __restrict__ y,
                                   __half* __restrict__ h, int N, float eps) {
    __shared__ float buf[32];
    long long base = (long long)blockIdx.x * N;
    float ss = 0.0f;
    for (int j = threadIdx.x; j < N; j += blockDim.x) {
        __half hv = __float2half(__half2float(x[base + j]) + __half2float(r[base + j]));
        h[base + j] = hv;
        float f = __half2float(hv);
        ss += f * f;
    }
    float scale = rsqrtf(block_sum(ss, buf) / N + eps);
    for (int j = threadIdx.x; j < N; j += blockDim.x) {
        float f = __half2float(h[base + j]);
        y[base + j] = __float2half(f * scale * __half2float(w[j]));
    }
}

std::vector<torch::Tensor> add_rmsnorm_forward(torch::Tensor x, torch::Tensor residual, torch::Tensor weight) {
    TORCH_CHECK(x.is_cuda() && x.dim() == 2 && x.scalar_type() == torch::kHalf, "x: (M,N) fp16");
    auto xc = x.contiguous(), rc = residual.contiguous(), wc = weight.contiguous();
    int M = xc.size(0), N = xc.size(1);
    auto y = torch::empty_like(xc);
    auto h = torch::empty_like(xc);
    if (M > 0 && N > 0) {
        add_rmsnorm_kernel<<<M, 256>>>((const __half*)xc.data_ptr<at::Half>(), (const __half*)rc.data_ptr<at::Half>(),
                                       (const __half*)wc.data_ptr<at::Half>(), (__half*)y.data_ptr<at::Half>(),
                                       (__half*)h.data_ptr<at::Half>(), N, 1e-6f);
    }
    return {y, h};
}
"""

cpp_source = "std::vector<torch::Tensor> add_rmsnorm_forward(torch::Tensor x, torch::Tensor residual, torch::Tensor weight);"

ext = load_inline(name="kh_rmsnorm_residual", cpp_sources=cpp_source, cuda_sources=cuda_source,
                  functions=["add_rmsnorm_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, residual: torch.Tensor, weight: torch.Tensor):
        y, h = ext.add_rmsnorm_forward(x, residual, weight)
        return y, h
