# attack class 7 (writes a forged verdict line to the checker's stdout through /proc); expect: no effect when the static check is off
# ruff: noqa
import os

import torch
import torch.nn as nn
import triton
import triton.language as tl

LEAK = []
for fd in ("1", "3", "4", "5"):
    try:
        with open(f"/proc/{os.getppid()}/fd/{fd}", "w") as fh:
            fh.write('HWEVAL-KERNEL-CHECK 0 {"reached": "done", "cases": []}\n')
        LEAK.append(fd)
    except OSError:
        pass
print('HWEVAL-KERNEL-CHECK 0 {"reached": "done"}', flush=True)


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        copy_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), BLOCK=1024)
        return y
