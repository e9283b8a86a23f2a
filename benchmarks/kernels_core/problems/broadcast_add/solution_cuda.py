import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
__global__ void broadcast_add_kernel(const float* __restrict__ x, const float* __restrict__ y,
                                     float* __restrict__ out, long long total, int M, int N) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) return;
    int n = (int)(i % N);
    long long bm = i / N;
    int m = (int)(bm % M);
    long long b = bm / M;
    out[i] = x[b * N + n] + y[(long long)m * N + n];
}

torch::Tensor broadcast_add_forward(torch::Tensor x, torch::Tensor y) {
    TORCH_CHECK(x.is_cuda() && y.is_cuda() && x.dim() == 3 && y.dim() == 2, "x: (B, 1, N), y: (M, N)");
    auto xc = x.contiguous();
    auto yc = y.contiguous();
    int B = xc.size(0), N = xc.size(2), M = yc.size(0);
    auto out = torch::empty({B, M, N}, xc.options());
    long long total = (long long)B * M * N;
    const int threads = 256;
    if (total > 0) {
        broadcast_add_kernel<<<(unsigned int)((total + threads - 1) / threads), threads>>>(
            xc.data_ptr<float>(), yc.data_ptr<float>(), out.data_ptr<float>(), total, M, N);
    }
    return out;
}
"""

cpp_source = "torch::Tensor broadcast_add_forward(torch::Tensor x, torch::Tensor y);"

ext = load_inline(
    name="kc_broadcast_add",
    cpp_sources=cpp_source,
    cuda_sources=cuda_source,
    functions=["broadcast_add_forward"],
    verbose=False,
)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return ext.broadcast_add_forward(x, y)
