# honest: a registered buffer and a workspace tensor cached across calls (re-allocated when the shape changes)
# problem: kernels_core/row_sum
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def partial_sum_kernel(x_ptr, part_ptr, n_cols, stride, n_chunks, CHUNK: tl.constexpr):
    row = tl.program_id(0)
    chunk = tl.program_id(1)
    cols = chunk * CHUNK + tl.arange(0, CHUNK)
    v = tl.load(x_ptr + row * stride + cols, mask=cols < n_cols, other=0.0)
    tl.store(part_ptr + row * n_chunks + chunk, tl.sum(v, axis=0))


@triton.jit
def finish_kernel(part_ptr, scale_ptr, y_ptr, n_chunks, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    p = tl.load(part_ptr + row * n_chunks + offs, mask=offs < n_chunks, other=0.0)
    tl.store(y_ptr + row, tl.sum(p, axis=0) * tl.load(scale_ptr))


class ModelNew(nn.Module):
    CHUNK = 128

    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.ones(1))
        self.workspace = None

    def _workspace(self, rows: int, chunks: int, like: torch.Tensor) -> torch.Tensor:
        if self.workspace is None or self.workspace.shape != (rows, chunks) or self.workspace.device != like.device:
            self.workspace = torch.empty((rows, chunks), dtype=torch.float32, device=like.device)
        return self.workspace

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        rows, cols = x.shape
        chunks = triton.cdiv(cols, self.CHUNK)
        part = self._workspace(rows, chunks, x)
        y = x.new_empty((rows,))
        partial_sum_kernel[(rows, chunks)](x, part, cols, x.stride(0), chunks, CHUNK=self.CHUNK)
        finish_kernel[(rows,)](part, self.scale, y, chunks, BLOCK=triton.next_power_of_2(chunks))
        return y
