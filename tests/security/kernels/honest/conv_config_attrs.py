# honest: an nn.Conv1d built in __init__, its configuration (stride, padding, kernel_size) used for sizes
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def conv1d_kernel(x_ptr, w_ptr, y_ptr, C_IN, L, L_OUT, K: tl.constexpr, STRIDE: tl.constexpr, PAD: tl.constexpr,
                  BLOCK: tl.constexpr):
    b = tl.program_id(0)
    co = tl.program_id(1)
    lo = tl.program_id(2) * BLOCK + tl.arange(0, BLOCK)
    acc = tl.zeros((BLOCK,), dtype=tl.float32)
    for ci in range(0, C_IN):
        for k in range(K):
            pos = lo * STRIDE - PAD + k
            xv = tl.load(x_ptr + (b * C_IN + ci) * L + pos, mask=(lo < L_OUT) & (pos >= 0) & (pos < L), other=0.0)
            acc += xv * tl.load(w_ptr + (co * C_IN + ci) * K + k)
    tl.store(y_ptr + (b * tl.num_programs(1) + co) * L_OUT + lo, acc, mask=lo < L_OUT)


class ModelNew(nn.Module):
    def __init__(self, c_in: int = 3, c_out: int = 5, k: int = 3):
        super().__init__()
        self.conv = nn.Conv1d(c_in, c_out, k, stride=2, padding=1, bias=False)

    def forward(self, x):
        B, C, L = x.shape
        K = self.conv.kernel_size[0]
        S, P = self.conv.stride[0], self.conv.padding[0]
        L_OUT = (L + 2 * P - K) // S + 1
        y = torch.empty((B, self.conv.out_channels, L_OUT), device=x.device, dtype=x.dtype)
        grid = (B, self.conv.out_channels, triton.cdiv(L_OUT, 64))
        conv1d_kernel[grid](x.contiguous(), self.conv.weight, y, C, L, L_OUT, K=K, STRIDE=S, PAD=P, BLOCK=64)
        return y
