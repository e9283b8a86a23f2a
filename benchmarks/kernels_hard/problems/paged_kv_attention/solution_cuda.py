import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cuda_fp16.h>
#include <math.h>
#include <stdint.h>

// One thread per (b, h, d): an online softmax over the sequence's valid tokens only (slots past
// the length and unused table entries are never read).
__global__ void paged_decode_kernel(const __half* __restrict__ q, const __half* __restrict__ kc,
                                    const __half* __restrict__ vc, const int32_t* __restrict__ table,
                                    const int32_t* __restrict__ lens, __half* __restrict__ out,
                                    int B, int H, int HKV, int D, int BS, int MAXB, float scale) {
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long)B * H * D) return;
    int d = (int)(idx % D);
    int h = (int)((idx / D) % H);
    int b = (int)(idx / ((long long)D * H));
    int kvh = h / (H / HKV);
    int len = lens[b];
    const __half* qv = q + ((long long)b * H + h) * D;
    float m = -INFINITY, l = 0.0f, acc = 0.0f;
    for (int t = 0; t < len; ++t) {
        long long phys = table[(long long)b * MAXB + t / BS];
        long long base = ((phys * BS + (t % BS)) * HKV + kvh) * D;
        float s = 0.0f;
        for (int e = 0; e < D; ++e) s += __half2float(qv[e]) * __half2float(kc[base + e]);
        s *= scale;
        float m_new = fmaxf(m, s);
        float alpha = expf(m - m_new);
        float p = expf(s - m_new);
        acc = acc * alpha + p * __half2float(vc[base + d]);
        l = l * alpha + p;
        m = m_new;
    }
    out[idx] = __float2half_rn(len > 0 ? acc / l : 0.0f);
}

torch::Tensor paged_decode_forward(torch::Tensor q, torch::Tensor k_cache, torch::Tensor v_cache,
                                   torch::Tensor block_table, torch::Tensor context_lens) {
    TORCH_CHECK(q.is_cuda() && q.scalar_type() == torch::kFloat16, "q: float16 CUDA");
    TORCH_CHECK(block_table.scalar_type() == torch::kInt32 && context_lens.scalar_type() == torch::kInt32, "int32");
    auto qc = q.contiguous();
    auto kc = k_cache.contiguous();
    auto vc = v_cache.contiguous();
    auto tc = block_table.contiguous();
    auto lc = context_lens.contiguous();
    int B = qc.size(0), H = qc.size(1), D = qc.size(2);
    int BS = kc.size(1), HKV = kc.size(2), MAXB = tc.size(1);
    auto out = torch::empty({B, H, D}, qc.options());
    long long total = (long long)B * H * D;
    if (total > 0) {
        int threads = 128;
        paged_decode_kernel<<<(unsigned)((total + threads - 1) / threads), threads>>>(
            (const __half*)qc.data_ptr<at::Half>(), (const __half*)kc.data_ptr<at::Half>(),
            (const __half*)vc.data_ptr<at::Half>(), tc.data_ptr<int32_t>(), lc.data_ptr<int32_t>(),
            (__half*)out.data_ptr<at::Half>(), B, H, HKV, D, BS, MAXB, 1.0f / sqrtf((float)D));
    }
    return out;
}
"""

cpp_source = ("torch::Tensor paged_decode_forward(torch::Tensor q, torch::Tensor k_cache, torch::Tensor v_cache, "
              "torch::Tensor block_table, torch::Tensor context_lens);")

ext = load_inline(name="kh_paged_kv_attention", cpp_sources=cpp_source, cuda_sources=cuda_source,
                  functions=["paged_decode_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k_cache: torch.Tensor, v_cache: torch.Tensor, block_table: torch.Tensor,
                context_lens: torch.Tensor) -> torch.Tensor:
        return ext.paged_decode_forward(q, k_cache, v_cache, block_table, context_lens)
