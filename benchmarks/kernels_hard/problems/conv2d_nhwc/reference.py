"""2D convolution in NHWC layout, float16 in/out with float32 accumulation, asymmetric stride,
padding and dilation.

Inputs: ``x`` (N, H, W, C) float16 (channels last), ``w`` (KH, KW, C, F) float16 (the filter of
output channel f at tap (kh, kw) is ``w[kh, kw, :, f]``), ``bias`` (F,) float32.
Hyper-parameters (fixed): ``STRIDE = (2, 1)``, ``PADDING = (1, 2)``, ``DILATION = (1, 2)`` as
(height, width); zero padding.

    OH = (H + 2 * 1 - 1 * (KH - 1) - 1) // 2 + 1,   OW = (W + 2 * 2 - 2 * (KW - 1) - 1) // 1 + 1
    out[n, oh, ow, f] = bias[f] + sum_{kh, kw, c} x[n, oh*2 - 1 + kh*1, ow*1 - 2 + kw*2, c] * w[kh, kw, c, f]

where taps outside the input contribute 0. Products and sums in float32, rounded to float16
once. Output (N, OH, OW, F) float16 (channels last). Checked with atol = 1e-2, rtol = 1e-2.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

STRIDE = (2, 1)
PADDING = (1, 2)
DILATION = (1, 2)
N, H, W, C, F_OUT, KH, KW = 8, 56, 56, 64, 128, 3, 3
CONFIGS = {
    "small": {"N": 2, "H": 9, "W": 11, "C": 5, "F": 7, "KH": 3, "KW": 3},
    "edge": {"N": 1, "H": 1, "W": 1, "C": 1, "F": 1, "KH": 3, "KW": 3},
    "large": {"N": N, "H": H, "W": W, "C": C, "F": F_OUT, "KH": KH, "KW": KW},
}
DISTS = ["normal", "uniform", "wide"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, w: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        out = F.conv2d(x.permute(0, 3, 1, 2).float(), w.permute(3, 2, 0, 1).float(), bias.float(),
                       stride=STRIDE, padding=PADDING, dilation=DILATION)
        return out.permute(0, 2, 3, 1).contiguous().half()


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn((cfg["N"], cfg["H"], cfg["W"], cfg["C"]), generator=gen)
    w = torch.randn((cfg["KH"], cfg["KW"], cfg["C"], cfg["F"]), generator=gen) * 0.2
    if dist == "uniform":
        x = torch.rand(x.shape, generator=gen)
        w = torch.rand(w.shape, generator=gen) * 0.2
    elif dist == "wide":
        x = x * 100.0
    bias = torch.randn(cfg["F"], generator=gen)
    return [x.half(), w.half(), bias]


def get_init_inputs(config: dict | None = None):
    return []
