import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cuda_fp16.h>
#include <math.h>
#include <stdint.h>

// One thread per (b, h, i, d): an online softmax over the allowed keys of query i's window only.
__global__ void window_alibi_kernel(const __half* __restrict__ q, const __half* __restrict__ k,
                                    const __half* __restrict__ v, const bool* __restrict__ pad,
                                    __half* __restrict__ out, int B, int H, int HKV, int SQ, int SK, int D,
                                    int window, float softcap) {
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long)B * H * SQ * D) return;
    int d = (int)(idx % D);
    int i = (int)((idx / D) % SQ);
    int h = (int)((idx / ((long long)D * SQ)) % H);
    int b = (int)(idx / ((long long)D * SQ * H));
    int hk = h / (H / HKV);
    int p = i + SK - SQ;
    float scale = 1.0f / sqrtf((float)D);
    float slope = exp2f(-8.0f * (float)(h + 1) / (float)H);
    const __half* qv = q + (((long long)b * H + h) * SQ + i) * D;
    const __half* kb = k + ((long long)b * HKV + hk) * SK * D;
    const __half* vb = v + ((long long)b * HKV + hk) * SK * D;
    float m = -INFINITY, l = 0.0f, acc = 0.0f;
    for (int j = max(0, p - window + 1); j <= p; ++j) {
        if (pad[(long long)b * SK + j]) continue;
        float s = 0.0f;
        for (int e = 0; e < D; ++e) s += __half2float(qv[e]) * __half2float(kb[(long long)j * D + e]);
        s = softcap * tanhf(s * scale / softcap) - slope * (float)(p - j);
        float m_new = fmaxf(m, s);
        float alpha = expf(m - m_new);
        float w = expf(s - m_new);
        acc = acc * alpha + w * __half2float(vb[(long long)j * D + d]);
        l = l * alpha + w;
        m = m_new;
    }
    out[idx] = __float2half_rn(l > 0.0f ? acc / l : 0.0f);
}

torch::Tensor window_alibi_forward(torch::Tensor q, torch::Tensor k, torch::Tensor v, torch::Tensor key_padding,
                                   int64_t window, double softcap) {
    TORCH_CHECK(q.is_cuda() && q.scalar_type() == torch::kFloat16, "q: float16 CUDA");
    TORCH_CHECK(key_padding.scalar_type() == torch::kBool, "key_padding: bool");
    auto qc = q.contiguous();
    auto kc = k.contiguous();
    auto vc = v.contiguous();
    auto pc = key_padding.contiguous();
    int B = qc.size(0), H = qc.size(1), SQ = qc.size(2), D = qc.size(3);
    int HKV = kc.size(1), SK = kc.size(2);
    auto out = torch::empty_like(qc);
    long long total = (long long)B * H * SQ * D;
    if (total > 0) {
        int threads = 128;
        window_alibi_kernel<<<(unsigned)((total + threads - 1) / threads), threads>>>(
            (const __half*)qc.data_ptr<at::Half>(), (const __half*)kc.data_ptr<at::Half>(),
            (const __half*)vc.data_ptr<at::Half>(), pc.data_ptr<bool>(), (__half*)out.data_ptr<at::Half>(),
            B, H, HKV, SQ, SK, D, (int)window, (float)softcap);
    }
    return out;
}
"""

cpp_source = ("torch::Tensor window_alibi_forward(torch::Tensor q, torch::Tensor k, torch::Tensor v, "
              "torch::Tensor key_padding, int64_t window, double softcap);")

ext = load_inline(name="kh_window_alibi_attention", cpp_sources=cpp_source, cuda_sources=cuda_source,
                  functions=["window_alibi_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self, window: int = 24, softcap: float = 20.0):
        super().__init__()
        self.window = window
        self.softcap = softcap

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, key_padding: torch.Tensor):
        return ext.window_alibi_forward(q, k, v, key_padding, self.window, self.softcap)
