# Dilation used for the output shape but not for the input taps.
import torch
import torch.nn as nn
import triton
import triton.language as tl

STRIDE = (2, 1)
PADDING = (1, 2)
DILATION = (1, 2)


@triton.jit
def conv2d_nhwc_kernel(x_ptr, w_ptr, b_ptr, out_ptr, H, W, C, F, OH, OW, P, KH, KW,
                       SH, SW, PH, PW, DH, DW,
                       BLOCK_P: tl.constexpr, BLOCK_F: tl.constexpr, BLOCK_C: tl.constexpr):
    pid_p = tl.program_id(axis=0)
    pid_f = tl.program_id(axis=1)
    pix = pid_p * BLOCK_P + tl.arange(0, BLOCK_P)
    fs = pid_f * BLOCK_F + tl.arange(0, BLOCK_F)
    cs = tl.arange(0, BLOCK_C)
    p_ok = pix < P
    f_ok = fs < F
    n = pix // (OH * OW)
    oh = (pix // OW) % OH
    ow = pix % OW
    acc = tl.zeros([BLOCK_P, BLOCK_F], dtype=tl.float32)
    for kh in range(0, KH):
        ih = oh * SH - PH + kh * DH
        for kw in range(0, KW):
            iw = ow * SW - PW + kw * DW
            tap_ok = p_ok & (ih >= 0) & (ih < H) & (iw >= 0) & (iw < W)
            x_base = ((n * H + ih) * W + iw) * C
            for c0 in range(0, C, BLOCK_C):
                c_ok = (c0 + cs) < C
                a = tl.load(x_ptr + x_base[:, None] + (c0 + cs)[None, :], mask=tap_ok[:, None] & c_ok[None, :], other=0.0)
                wt = tl.load(w_ptr + ((kh * KW + kw) * C + c0 + cs)[:, None] * F + fs[None, :],
                             mask=c_ok[:, None] & f_ok[None, :], other=0.0)
                acc += tl.dot(a, wt)
    bias = tl.load(b_ptr + fs, mask=f_ok, other=0.0)
    acc += bias[None, :]
    tl.store(out_ptr + pix[:, None] * F + fs[None, :], acc.to(tl.float16), mask=p_ok[:, None] & f_ok[None, :])


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, w: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        x, w, bias = x.contiguous(), w.contiguous(), bias.contiguous()
        N, H, W, C = x.shape
        KH, KW, _, F = w.shape
        (sh, sw), (ph, pw), (dh, dw) = STRIDE, PADDING, DILATION
        OH = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
        OW = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
        out = torch.empty((N, OH, OW, F), device=x.device, dtype=torch.float16)
        P = N * OH * OW
        grid = (triton.cdiv(P, 32), triton.cdiv(F, 32))
        conv2d_nhwc_kernel[grid](x, w, bias, out, H, W, C, F, OH, OW, P, KH, KW, sh, sw, ph, pw, 1, 1,
                                 BLOCK_P=32, BLOCK_F=32, BLOCK_C=16)
        return out
