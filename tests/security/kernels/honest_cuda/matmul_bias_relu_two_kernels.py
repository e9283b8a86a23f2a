# honest: CUDA with load_inline, two kernels (tiled matmul, bias+ReLU epilogue), a helper launcher,
# the extension held on the module, type hints and module constants
# problem: kernels_core/matmul_bias_relu
# ruff: noqa
import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

TILE = 16

cuda_source = r"""
#define TILE 16

__global__ void matmul_kernel(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c,
                              int M, int N, int K) {
    __shared__ float As[TILE][TILE];
    __shared__ float Bs[TILE][TILE];
    int row = blockIdx.y * TILE + threadIdx.y;
    int col = blockIdx.x * TILE + threadIdx.x;
    float acc = 0.0f;
    for (int k0 = 0; k0 < K; k0 += TILE) {
        int ka = k0 + threadIdx.x, kb = k0 + threadIdx.y;
        As[threadIdx.y][threadIdx.x] = (row < M && ka < K) ? a[(long long)row * K + ka] : 0.0f;
        Bs[threadIdx.y][threadIdx.x] = (kb < K && col < N) ? b[(long long)kb * N + col] : 0.0f;
        __syncthreads();
        for (int k = 0; k < TILE; ++k) acc += As[threadIdx.y][k] * Bs[k][threadIdx.x];
        __syncthreads();
    }
    if (row < M && col < N) c[(long long)row * N + col] = acc;
}

__global__ void bias_relu_kernel(float* __restrict__ c, const float* __restrict__ bias, long long total, int N) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < total) c[i] = fmaxf(c[i] + bias[i % N], 0.0f);
}

static void launch_matmul(const torch::Tensor& a, const torch::Tensor& b, torch::Tensor& c) {
    int M = a.size(0), K = a.size(1), N = b.size(1);
    dim3 block(TILE, TILE);
    dim3 grid((N + TILE - 1) / TILE, (M + TILE - 1) / TILE);
    matmul_kernel<<<grid, block>>>(a.data_ptr<float>(), b.data_ptr<float>(), c.data_ptr<float>(), M, N, K);
}

torch::Tensor fused_linear_relu(torch::Tensor x, torch::Tensor w, torch::Tensor bias) {
    TORCH_CHECK(x.is_cuda() && w.is_cuda() && bias.is_cuda(), "CUDA tensors expected");
    auto xc = x.contiguous();
    auto wc = w.contiguous();
    auto bc = bias.contiguous();
    auto out = torch::empty({xc.size(0), wc.size(1)}, xc.options());
    if (out.numel() == 0) return out;
    launch_matmul(xc, wc, out);
    long long total = out.numel();
    int threads = 256;
    bias_relu_kernel<<<(unsigned)((total + threads - 1) / threads), threads>>>(out.data_ptr<float>(),
                                                                              bc.data_ptr<float>(), total,
                                                                              (int)wc.size(1));
    return out;
}
"""

cpp_source = "torch::Tensor fused_linear_relu(torch::Tensor x, torch::Tensor w, torch::Tensor bias);"


class ModelNew(nn.Module):
    """relu(x @ w + b) with two CUDA kernels."""

    def __init__(self) -> None:
        super().__init__()
        self.ext = load_inline(name="honest_fused_linear_relu", cpp_sources=cpp_source, cuda_sources=cuda_source,
                               functions=["fused_linear_relu"], verbose=False)

    def forward(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return self.ext.fused_linear_relu(x, w, b)
