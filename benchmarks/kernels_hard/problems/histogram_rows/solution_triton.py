import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def histogram_kernel(x_ptr, counts_ptr, N, num_bins, BLOCK: tl.constexpr):
    row = tl.program_id(axis=0)
    pid = tl.program_id(axis=1)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    inside = offs < N
    x = tl.load(x_ptr + row * N + offs, mask=inside, other=0)
    in_range = (x >= 0) & (x <= num_bins - 1)
    bins = tl.where(in_range, x, num_bins)
    ones = tl.full([BLOCK], 1, dtype=tl.int32)
    tl.atomic_add(counts_ptr + row * (num_bins + 1) + bins, ones, mask=inside)


class ModelNew(nn.Module):
    def __init__(self, num_bins: int = 300):
        super().__init__()
        self.num_bins = num_bins
        self.width = num_bins + 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        R, N = x.shape
        counts = torch.zeros((R, self.width), device=x.device, dtype=torch.int32)
        if R > 0 and N > 0:
            histogram_kernel[(R, triton.cdiv(N, 1024))](x, counts, N, self.num_bins, BLOCK=1024)
        return counts
