import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cuda_fp16.h>
#include <math.h>
#define TILE 16

// out = gelu_tanh(x @ w + b): 16x16 shared-memory tiles, float32 accumulation, one fp16 rounding.
__global__ void matmul_bias_gelu_kernel(const __half* __restrict__ x, const __half* __restrict__ w,
                                        const __half* __restrict__ b, __half* __restrict__ out,
                                        int M, int N, int K) {
    __shared__ float tx[TILE][TILE];
    __shared__ float tw[TILE][TILE];
    int row = blockIdx.y * TILE + threadIdx.y;
    int col = blockIdx.x * TILE + threadIdx.x;
    float acc = 0.0f;
    for (int k0 = 0; k0 < K; k0 += TILE) {
        int kx = k0 + threadIdx.x, kw = k0 + threadIdx.y;
        tx[threadIdx.y][threadIdx.x] = (row < M && kx < K) ? __half2float(x[(long long)row * K + kx]) : 0.0f;
        tw[threadIdx.y][threadIdx.x] = (kw < K && col < N) ? __half2float(w[(long long)kw * N + col]) : 0.0f;
        __syncthreads();
        for (int kk = 0; kk < TILE; ++kk) acc += tx[threadIdx.y][kk] * tw[kk][threadIdx.x];
        __syncthreads();
    }
    if (row < M && col < N) {
        float z = acc + __half2float(b[col]);
        float u = 0.7978845608028654f * (z + 0.044715f * z * z * z);
        float t = expf(-2.0f * fabsf(u));
        float th = (1.0f - t) / (1.0f + t);
        if (u < 0.0f) th = -th;
        out[(long long)row * N + col] = __float2half(0.5f * z * (1.0f + th));
    }
}

torch::Tensor matmul_bias_gelu_forward(torch::Tensor x, torch::Tensor w, torch::Tensor b) {
    TORCH_CHECK(x.is_cuda() && x.scalar_type() == torch::kHalf && w.scalar_type() == torch::kHalf, "fp16 inputs");
    auto xc = x.contiguous(), wc = w.contiguous(), bc = b.contiguous();
    int M = xc.size(0), K = xc.size(1), N = wc.size(1);
    auto out = torch::empty({M, N}, xc.options());
    if (M > 0 && N > 0) {
        dim3 block(TILE, TILE), grid((N + TILE - 1) / TILE, (M + TILE - 1) / TILE);
        matmul_bias_gelu_kernel<<<grid, block>>>((const __half*)xc.data_ptr<at::Half>(),
                                                 (const __half*)wc.data_ptr<at::Half>(),
                                                 (const __half*)bc.data_ptr<at::Half>(),
                                                 (__half*)out.data_ptr<at::Half>(), M, N, K);
    }
    return out;
}
"""

cpp_source = "torch::Tensor matmul_bias_gelu_forward(torch::Tensor x, torch::Tensor w, torch::Tensor b);"

ext = load_inline(name="kh_matmul_bias_gelu", cpp_sources=cpp_source, cuda_sources=cuda_source,
                  functions=["matmul_bias_gelu_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return ext.matmul_bias_gelu_forward(x, w, b)
