import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cuda_fp16.h>

__device__ float block_reduce(float v, float* buf, bool is_max) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
    for (int off = 16; off > 0; off >>= 1) {
        float o = __shfl_xor_sync(0xffffffffu, v, off);
        v = is_max ? fmaxf(v, o) : v + o;
    }
    if (lane == 0) buf[warp] = v;
    __syncthreads();
    v = lane < nwarps ? buf[lane] : (is_max ? -INFINITY : 0.0f);
    for (int off = 16; off > 0; off >>= 1) {
        float o = __shfl_xor_sync(0xffffffffu, v, off);
        v = is_max ? fmaxf(v, o) : v + o;
    }
    __syncthreads();
    return v;
}

__global__ void masked_softmax_kernel(const __half* __restrict__ s, const bool* __restrict__ mask,
                                      __half* __restrict__ out, long long rows_per_batch, int K) {
    __shared__ float buf[32];
    long long row = blockIdx.x;
    const __half* sr = s + row * K;
    const bool* mr = mask + (row / rows_per_batch) * K;
    __half* orow = out + row * K;
    float m = -INFINITY;
    for (int j = threadIdx.x; j < K; j += blockDim.x) {
        float v = __half2float(sr[j]);
        if (mr[j] && v != -INFINITY) m = fmaxf(m, v);
    }
    m = block_reduce(m, buf, true);
    if (m == -INFINITY) m = 0.0f;
    float den = 0.0f;
    for (int j = threadIdx.x; j < K; j += blockDim.x) {
        float v = __half2float(sr[j]);
        if (mr[j] && v != -INFINITY) den += expf(v - m);
    }
    den = block_reduce(den, buf, false);
    float inv = den > 0.0f ? 1.0f / den : 0.0f;
    for (int j = threadIdx.x; j < K; j += blockDim.x) {
        float v = __half2float(sr[j]);
        bool ok = mr[j] && v != -INFINITY;
        orow[j] = __float2half(ok ? expf(v - m) * inv : 0.0f);
    }
}

torch::Tensor masked_softmax_forward(torch::Tensor scores, torch::Tensor key_mask) {
    TORCH_CHECK(scores.is_cuda() && scores.dim() == 4 && scores.scalar_type() == torch::kHalf, "scores: (B,H,Q,K) fp16");
    TORCH_CHECK(key_mask.scalar_type() == torch::kBool, "key_mask: bool");
    auto sc = scores.contiguous();
    auto mc = key_mask.contiguous();
    auto out = torch::empty_like(sc);
    long long rows = sc.size(0) * sc.size(1) * sc.size(2);
    int K = sc.size(3);
    if (rows > 0 && K > 0) {
        masked_softmax_kernel<<<rows, 256>>>((const __half*)sc.data_ptr<at::Half>(), mc.data_ptr<bool>(),
                                             (__half*)out.data_ptr<at::Half>(), sc.size(1) * sc.size(2), K);
    }
    return out;
}
"""

cpp_source = "torch::Tensor masked_softmax_forward(torch::Tensor scores, torch::Tensor key_mask);"

ext = load_inline(name="kh_masked_softmax", cpp_sources=cpp_source, cuda_sources=cuda_source,
                  functions=["masked_softmax_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, scores: torch.Tensor, key_mask: torch.Tensor) -> torch.Tensor:
        return ext.masked_softmax_forward(scores, key_mask)
