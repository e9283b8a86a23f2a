import torch
import torch.nn as nn
from torch.utils.cpp_extension import load_inline

cuda_source = r"""
#include <cuda_fp16.h>

// One thread per output element (n, oh, ow, f) of the NHWC output; float32 accumulation.
// stride (2, 1), padding (1, 2), dilation (1, 2) as (height, width).
__global__ void conv2d_nhwc_kernel(const __half* __restrict__ x, const __half* __restrict__ w,
                                   const float* __restrict__ bias, __half* __restrict__ out,
                                   int N, int H, int W, int C, int F, int KH, int KW, int OH, int OW) {
    const int SH = 2, SW = 1, PH = 1, PW = 2, DH = 1, DW = 2;
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long)N * OH * OW * F;
    if (idx >= total) return;
    int f = (int)(idx % F);
    long long pix = idx / F;
    int ow = (int)(pix % OW);
    int oh = (int)((pix / OW) % OH);
    int n = (int)(pix / ((long long)OW * OH));
    float acc = bias[f];
    for (int kh = 0; kh < KH; ++kh) {
        int ih = oh * SH - PH + kh * DH;
        if (ih < 0 || ih >= H) continue;
        for (int kw = 0; kw < KW; ++kw) {
            int iw = ow * SW - PW + kw * DW;
            if (iw < 0 || iw >= W) continue;
            const __half* xp = x + (((long long)n * H + ih) * W + iw) * C;
            const __half* wp = w + ((long long)(kh * KW + kw) * C) * F + f;
            for (int c = 0; c < C; ++c) acc += __half2float(xp[c]) * __half2float(wp[(long long)c * F]);
        }
    }
    out[idx] = __float2half(acc);
}

torch::Tensor conv2d_nhwc_forward(torch::Tensor x, torch::Tensor w, torch::Tensor bias) {
    TORCH_CHECK(x.is_cuda() && x.dim() == 4 && x.scalar_type() == torch::kHalf, "x: (N,H,W,C) fp16");
    TORCH_CHECK(w.dim() == 4 && w.scalar_type() == torch::kHalf, "w: (KH,KW,C,F) fp16");
    auto xc = x.contiguous(), wc = w.contiguous(), bc = bias.contiguous();
    int N = xc.size(0), H = xc.size(1), W = xc.size(2), C = xc.size(3);
    int KH = wc.size(0), KW = wc.size(1), F = wc.size(3);
    int OH = (H + 2 * 1 - 1 * (KH - 1) - 1) / 2 + 1;
    int OW = (W + 2 * 2 - 2 * (KW - 1) - 1) / 1 + 1;
    auto out = torch::empty({N, OH, OW, F}, xc.options());
    long long total = (long long)N * OH * OW * F;
    if (total > 0) {
        conv2d_nhwc_kernel<<<(total + 255) / 256, 256>>>((const __half*)xc.data_ptr<at::Half>(),
                                                        (const __half*)wc.data_ptr<at::Half>(), bc.data_ptr<float>(),
                                                        (__half*)out.data_ptr<at::Half>(), N, H, W, C, F, KH, KW, OH, OW);
    }
    return out;
}
"""

cpp_source = "torch::Tensor conv2d_nhwc_forward(torch::Tensor x, torch::Tensor w, torch::Tensor bias);"

ext = load_inline(name="kh_conv2d_nhwc", cpp_sources=cpp_source, cuda_sources=cuda_source,
                  functions=["conv2d_nhwc_forward"], verbose=False)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, w: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return ext.conv2d_nhwc_forward(x, w, bias)
