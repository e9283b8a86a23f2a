# honest: a Python loop over launches, a list of outputs, int() of a scalar argument, min/max on sizes
# problem: kernels_core/softmax_row
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def softmax_kernel(x_ptr, y_ptr, row_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * row_stride + cols, mask=cols < n_cols, other=-float("inf"))
    x = x - tl.max(x, axis=0)
    e = tl.exp(x)
    tl.store(y_ptr + row * row_stride + cols, e / tl.sum(e, axis=0), mask=cols < n_cols)


def softmax(x: torch.Tensor, chunk_rows: int = 4096) -> torch.Tensor:
    x2 = x.reshape(-1, x.shape[-1]).contiguous()
    rows, cols = x2.shape
    y = torch.empty_like(x2)
    block = max(16, triton.next_power_of_2(cols))
    starts = []
    for start in range(0, rows, int(chunk_rows)):
        starts.append(start)
    for start in starts:
        count = min(chunk_rows, rows - start)
        softmax_kernel[(count,)](x2[start:], y[start:], x2.stride(0), cols, BLOCK=block)
    return y.view(x.shape)


class ModelNew(nn.Module):
    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        if self.dim not in (-1, x.dim() - 1):
            raise NotImplementedError("only the last dimension")
        return softmax(x)
