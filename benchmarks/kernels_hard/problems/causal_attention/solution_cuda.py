import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cuda_fp16.h>
#include <math.h>

#define MAX_PER_LANE 8  // head dim up to 256

// One warp per query row: online softmax over the keys j <= i, fp32 throughout.
__global__ void causal_attn_kernel(const __half* __restrict__ q, const __half* __restrict__ k,
                                   const __half* __restrict__ v, __half* __restrict__ out,
                                   long long rows, int S, int D, float scale) {
    long long row = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;
    long long base = (row / S) * (long long)S * D;
    int i = (int)(row % S);
    float qr[MAX_PER_LANE], acc[MAX_PER_LANE];
    for (int t = 0; t < MAX_PER_LANE; ++t) {
        int d = lane + 32 * t;
        qr[t] = d < D ? __half2float(q[base + (long long)i * D + d]) : 0.0f;
        acc[t] = 0.0f;
    }
    float m = -INFINITY, l = 0.0f;
    for (int j = 0; j <= i; ++j) {
        const __half* kr = k + base + (long long)j * D;
        float part = 0.0f;
        for (int t = 0; t < MAX_PER_LANE; ++t) {
            int d = lane + 32 * t;
            if (d < D) part += qr[t] * __half2float(kr[d]);
        }
        for (int off = 16; off > 0; off >>= 1) part += __shfl_xor_sync(0xffffffffu, part, off);
        float s = part * scale;
        float m_new = fmaxf(m, s);
        float alpha = expf(m - m_new);
        float p = expf(s - m_new);
        l = l * alpha + p;
        const __half* vr = v + base + (long long)j * D;
        for (int t = 0; t < MAX_PER_LANE; ++t) {
            int d = lane + 32 * t;
            if (d < D) acc[t] = acc[t] * alpha + p * __half2float(vr[d]);
        }
        m = m_new;
    }
    for (int t = 0; t < MAX_PER_LANE; ++t) {
        int d = lane + 32 * t;
        if (d < D) out[base + (long long)i * D + d] = __float2half(acc[t] / l);
    }
}

torch::Tensor causal_attn_forward(torch::Tensor q, torch::Tensor k, torch::Tensor v) {
    TORCH_CHECK(q.is_cuda() && q.dim() == 4 && q.scalar_type() == torch::kHalf, "q: (B,H,S,D) fp16");
    TORCH_CHECK(q.size(3) <= 32 * MAX_PER_LANE, "head dim too large");
    auto qc = q.contiguous(), kc = k.contiguous(), vc = v.contiguous();
    auto out = torch::empty_like(qc);
    int S = qc.size(2), D = qc.size(3);
    long long rows = qc.size(0) * qc.size(1) * (long long)S;
    if (rows > 0) {
        int warps = 4;
        causal_attn_kernel<<<(rows + warps - 1) / warps, 32 * warps>>>(
            (const __half*)qc.data_ptr<at::Half>(), (const __half*)kc.data_ptr<at::Half>(),
            (const __half*)vc.data_ptr<at::Half>(), (__half*)out.data_ptr<at::Half>(), rows, S, D,
            1.0f / sqrtf((float)D));
    }
    return out;
}
"""

cpp_source = "torch::Tensor causal_attn_forward(torch::Tensor q, torch::Tensor k, torch::Tensor v);"

ext = load_inline(name="kh_causal_attention", cpp_sources=cpp_source, cuda_sources=cuda_source,
                  functions=["causal_attn_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return ext.causal_attn_forward(q, k, v)
