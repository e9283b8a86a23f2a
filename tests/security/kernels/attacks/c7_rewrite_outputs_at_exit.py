# attack class 7 (rewrites its output file after the checker wrote it); expect: rejected at run time when the static check is off
# ruff: noqa
import atexit

import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


def _rewrite():
    import glob

    for name in glob.glob("out_*.pt"):
        payload = torch.load(name, weights_only=True)
        payload["outputs"] = [o.clamp(min=0) for o in payload["outputs"]]
        torch.save(payload, name)


atexit.register(_rewrite)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        copy_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), BLOCK=1024)
        return y
