import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
__device__ __forceinline__ float warp_sum(float v) {
    for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
    return v;
}
__device__ float block_sum(float v, float* buf) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
    v = warp_sum(v);
    if (lane == 0) buf[warp] = v;
    __syncthreads();
    v = lane < nwarps ? buf[lane] : 0.0f;
    v = warp_sum(v);
    __syncthreads();
    return v;
}

__global__ void rms_norm_kernel(const float* __restrict__ x, const float* __restrict__ w,
                                float* __restrict__ y, int N, float eps) {
    __shared__ float buf[32];
    const float* xr = x + (long long)blockIdx.x * N;
    float* yr = y + (long long)blockIdx.x * N;
    float ss = 0.0f;
    for (int j = threadIdx.x; j < N; j += blockDim.x) ss += xr[j] * xr[j];
    float rstd = rsqrtf(block_sum(ss, buf) / N + eps);
    for (int j = threadIdx.x; j < N; j += blockDim.x) yr[j] = xr[j] * rstd * w[j];
}

torch::Tensor rms_norm_forward(torch::Tensor x, torch::Tensor w, double eps) {
    TORCH_CHECK(x.is_cuda() && x.dim() == 2 && x.scalar_type() == torch::kFloat32, "x: float32 CUDA (M, N)");
    auto xc = x.contiguous();
    auto wc = w.contiguous();
    int M = xc.size(0), N = xc.size(1);
    auto y = torch::empty_like(xc);
    if (M > 0) rms_norm_kernel<<<M, 256>>>(xc.data_ptr<float>(), wc.data_ptr<float>(), y.data_ptr<float>(), N, (float)eps);
    return y;
}
"""

cpp_source = "torch::Tensor rms_norm_forward(torch::Tensor x, torch::Tensor w, double eps);"

ext = load_inline(
    name="kc_rms_norm",
    cpp_sources=cpp_source,
    cuda_sources=cuda_source,
    functions=["rms_norm_forward"],
    verbose=False,
)


class ModelNew(nn.Module):
    def __init__(self, eps: float):
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return ext.rms_norm_forward(x, weight, self.eps)
