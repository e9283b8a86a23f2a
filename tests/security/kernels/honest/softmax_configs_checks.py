# honest: autotune configs built by a comprehension, input checks (assert / raise), dtype casts with
# .to(), an extra_repr, a nested grid function and launch closure
# problem: kernels_core/softmax_row
# ruff: noqa
import torch
import torch.nn as nn
import triton
import triton.language as tl

CONFIGS = [triton.Config({"ROWS_PER_PROG": r}, num_warps=w) for r in (1, 2) for w in (4,)]


@triton.autotune(configs=CONFIGS, key=["n_cols"])
@triton.jit
def softmax_kernel(x_ptr, y_ptr, n_rows, n_cols, stride, BLOCK: tl.constexpr, ROWS_PER_PROG: tl.constexpr):
    pid = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    for r in range(ROWS_PER_PROG):
        row = pid * ROWS_PER_PROG + r
        if row < n_rows:
            x = tl.load(x_ptr + row * stride + cols, mask=cols < n_cols, other=-float("inf")).to(tl.float32)
            e = tl.exp(x - tl.max(x, axis=0))
            tl.store(y_ptr + row * stride + cols, e / tl.sum(e, axis=0), mask=cols < n_cols)


class ModelNew(nn.Module):
    def __init__(self, block_limit: int = 1 << 16):
        super().__init__()
        self.block_limit = block_limit

    def extra_repr(self) -> str:
        return f"block_limit={self.block_limit}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        assert x.dim() == 2, "expected a 2-D input"
        if not x.is_floating_point():
            raise TypeError("softmax needs a floating-point input")
        x = x.to(torch.float32).contiguous()
        n_rows, n_cols = x.shape
        block = triton.next_power_of_2(n_cols)
        if block > self.block_limit:
            raise ValueError(f"rows of {n_cols} elements are too long for one block")
        y = torch.empty_like(x)

        def grid(meta):
            return (triton.cdiv(n_rows, meta["ROWS_PER_PROG"]),)

        def launch():
            softmax_kernel[grid](x, y, n_rows, n_cols, x.stride(0), BLOCK=block)

        launch()
        return y
