import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <math.h>
#include <vector>

__device__ __forceinline__ float dotrow(const float* a, const float* b, int D) {
    float s = 0.0f;
    for (int e = 0; e < D; ++e) s += a[e] * b[e];
    return s;
}

// One thread per (bh, i): lse_i over keys j <= i, then delta_i = sum_j p_ij * dp_ij.
__global__ void stats_kernel(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                             const float* __restrict__ g, float* __restrict__ lse, float* __restrict__ delta,
                             int BH, int S, int D, float scale) {
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long)BH * S) return;
    int i = (int)(idx % S);
    long long base = (idx / S) * S * D;
    const float* qi = q + base + (long long)i * D;
    const float* gi = g + base + (long long)i * D;
    float m = -INFINITY, l = 0.0f;
    for (int j = 0; j <= i; ++j) {
        float s = scale * dotrow(qi, k + base + (long long)j * D, D);
        float m_new = fmaxf(m, s);
        l = l * expf(m - m_new) + expf(s - m_new);
        m = m_new;
    }
    float L = m + logf(l);
    float dsum = 0.0f;
    for (int j = 0; j <= i; ++j) {
        float p = expf(scale * dotrow(qi, k + base + (long long)j * D, D) - L);
        dsum += p * dotrow(gi, v + base + (long long)j * D, D);
    }
    lse[idx] = L;
    delta[idx] = dsum;
}

// One thread per (bh, i, d): dq[i, d] = scale * sum_{j <= i} ds_ij k[j, d].
__global__ void dq_kernel(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                          const float* __restrict__ g, const float* __restrict__ lse, const float* __restrict__ delta,
                          float* __restrict__ dq, int BH, int S, int D, float scale) {
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long)BH * S * D) return;
    int d = (int)(idx % D);
    long long row = idx / D;
    int i = (int)(row % S);
    long long base = (row / S) * S * D;
    const float* qi = q + base + (long long)i * D;
    const float* gi = g + base + (long long)i * D;
    float acc = 0.0f;
    for (int j = 0; j <= i; ++j) {
        float p = expf(scale * dotrow(qi, k + base + (long long)j * D, D) - lse[row]);
        float dp = dotrow(gi, v + base + (long long)j * D, D);
        acc += p * (dp - delta[row]) * k[base + (long long)j * D + d];
    }
    dq[idx] = scale * acc;
}

// One thread per (bh, j, d): dk and dv over the queries i >= j.
__global__ void dkdv_kernel(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                            const float* __restrict__ g, const float* __restrict__ lse,
                            const float* __restrict__ delta, float* __restrict__ dk, float* __restrict__ dv,
                            int BH, int S, int D, float scale) {
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long)BH * S * D) return;
    int d = (int)(idx % D);
    long long row = idx / D;
    int j = (int)(row % S);
    long long bh = row / S;
    long long base = bh * S * D;
    const float* kj = k + base + (long long)j * D;
    const float* vj = v + base + (long long)j * D;
    float acc_k = 0.0f, acc_v = 0.0f;
    for (int i = j; i < S; ++i) {
        const float* qi = q + base + (long long)i * D;
        const float* gi = g + base + (long long)i * D;
        long long r = bh * S + i;
        float p = expf(scale * dotrow(qi, kj, D) - lse[r]);
        acc_v += p * gi[d];
        float dp = dotrow(gi, vj, D);
        acc_k += p * (dp - delta[r]) * qi[d];
    }
    dk[idx] = scale * acc_k;
    dv[idx] = acc_v;
}

std::vector<torch::Tensor> attention_backward(torch::Tensor q, torch::Tensor k, torch::Tensor v, torch::Tensor g) {
    TORCH_CHECK(q.is_cuda() && q.scalar_type() == torch::kFloat32 && q.dim() == 4, "q: (B,H,S,D) float32 CUDA");
    auto qc = q.contiguous();
    auto kc = k.contiguous();
    auto vc = v.contiguous();
    auto gc = g.contiguous();
    int BH = qc.size(0) * qc.size(1), S = qc.size(2), D = qc.size(3);
    auto dq = torch::empty_like(qc);
    auto dk = torch::empty_like(kc);
    auto dv = torch::empty_like(vc);
    auto lse = torch::empty({BH, S}, qc.options());
    auto delta = torch::empty({BH, S}, qc.options());
    float scale = 1.0f / sqrtf((float)D);
    long long rows = (long long)BH * S, elems = rows * D;
    if (elems > 0) {
        int t = 256;
        stats_kernel<<<(unsigned)((rows + t - 1) / t), t>>>(qc.data_ptr<float>(), kc.data_ptr<float>(),
            vc.data_ptr<float>(), gc.data_ptr<float>(), lse.data_ptr<float>(), delta.data_ptr<float>(), BH, S, D, scale);
        dq_kernel<<<(unsigned)((elems + t - 1) / t), t>>>(qc.data_ptr<float>(), kc.data_ptr<float>(),
            vc.data_ptr<float>(), gc.data_ptr<float>(), lse.data_ptr<float>(), delta.data_ptr<float>(),
            dq.data_ptr<float>(), BH, S, D, scale);
        dkdv_kernel<<<(unsigned)((elems + t - 1) / t), t>>>(qc.data_ptr<float>(), kc.data_ptr<float>(),
            vc.data_ptr<float>(), gc.data_ptr<float>(), lse.data_ptr<float>(), delta.data_ptr<float>(),
            dk.data_ptr<float>(), dv.data_ptr<float>(), BH, S, D, scale);
    }
    return {dq, dk, dv};
}
"""

cpp_source = ("std::vector<torch::Tensor> attention_backward(torch::Tensor q, torch::Tensor k, torch::Tensor v, "
              "torch::Tensor g);")

ext = load_inline(name="kh_attention_backward", cpp_sources=cpp_source, cuda_sources=cuda_source,
                  functions=["attention_backward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, grad_out: torch.Tensor):
        dq, dk, dv = ext.attention_backward(q, k, v, grad_out)
        return dq, dk, dv
