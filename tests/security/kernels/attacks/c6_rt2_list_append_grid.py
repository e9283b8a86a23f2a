# attack class 6 (red team 2: box = []; box.append(x): the list stayed a size, so box[0] computed ReLU inside the launch-grid callable, where the run-time op recorder is off)
# ruff: noqa
# rule: torch_compute
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0)
    tl.store(y_ptr + offsets, x, mask=mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        box = []
        box.append(x)
        box.append(y)

        def grid(meta):
            t = box[0]
            o = box[1]
            o[...] = t * (t > 0)
            return (1,)

        copy_kernel[grid](y, y, 0, BLOCK_SIZE=16)
        return y
