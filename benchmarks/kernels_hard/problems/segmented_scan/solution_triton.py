import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def seg_combine(flag_a, val_a, flag_b, val_b):
    return flag_a | flag_b, tl.where(flag_b != 0, val_b, val_a + val_b)


@triton.jit
def segmented_scan_kernel(x_ptr, f_ptr, out_ptr, N, BLOCK: tl.constexpr):
    row = tl.program_id(axis=0)
    offs = tl.arange(0, BLOCK)
    carry = tl.zeros([], dtype=tl.float32)
    for start in range(0, N, BLOCK):
        cols = start + offs
        inside = cols < N
        x = tl.load(x_ptr + row * N + cols, mask=inside, other=0.0)
        f = tl.load(f_ptr + row * N + cols, mask=inside, other=0).to(tl.int32)
        seen, part = tl.associative_scan((f, x), 0, seg_combine)  # carry 0: position 0 starts
        out = tl.where(seen != 0, part, part + carry)
        tl.store(out_ptr + row * N + cols, out, mask=inside)
        carry = tl.sum(tl.where(offs == BLOCK - 1, out, 0.0), axis=0)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, flags: torch.Tensor) -> torch.Tensor:
        x, flags = x.contiguous(), flags.contiguous()
        R, N = x.shape
        out = torch.empty_like(x)
        if R > 0 and N > 0:
            segmented_scan_kernel[(R,)](x, flags, out, N, BLOCK=256)
        return out
