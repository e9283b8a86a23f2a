import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def conv1d_kernel(x_ptr, w_ptr, b_ptr, y_ptr, C_IN, C_OUT, L, L_OUT, KSIZE,
                  stride_xb, stride_xc, stride_wo, stride_wi, stride_yb, stride_yc,
                  BLOCK_CO: tl.constexpr, BLOCK_L: tl.constexpr):
    b = tl.program_id(axis=0)
    co = tl.program_id(axis=1) * BLOCK_CO + tl.arange(0, BLOCK_CO)
    lo = tl.program_id(axis=2) * BLOCK_L + tl.arange(0, BLOCK_L)
    co_mask = co < C_OUT
    l_mask = lo < L_OUT
    acc = tl.zeros((BLOCK_CO, BLOCK_L), dtype=tl.float32)
    for ci in range(0, C_IN):
        for k in range(0, KSIZE):
            w = tl.load(w_ptr + co * stride_wo + ci * stride_wi + k, mask=co_mask, other=0.0)
            x = tl.load(x_ptr + b * stride_xb + ci * stride_xc + lo + k, mask=l_mask, other=0.0)
            acc += w[:, None] * x[None, :]
    bias = tl.load(b_ptr + co, mask=co_mask, other=0.0)
    acc += bias[:, None]
    y_ptrs = y_ptr + b * stride_yb + co[:, None] * stride_yc + lo[None, :]
    tl.store(y_ptrs, acc, mask=co_mask[:, None] & l_mask[None, :])


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        weight = weight.contiguous()
        bias = bias.contiguous()
        B, C_IN, L = x.shape
        C_OUT, _, K = weight.shape
        L_OUT = L - K + 1
        y = torch.empty((B, C_OUT, L_OUT), device=x.device, dtype=x.dtype)
        BLOCK_CO, BLOCK_L = 16, 128
        grid = (B, triton.cdiv(C_OUT, BLOCK_CO), triton.cdiv(L_OUT, BLOCK_L))
        conv1d_kernel[grid](x, weight, bias, y, C_IN, C_OUT, L, L_OUT, K,
                            x.stride(0), x.stride(1), weight.stride(0), weight.stride(1),
                            y.stride(0), y.stride(1), BLOCK_CO=BLOCK_CO, BLOCK_L=BLOCK_L)
        return y
