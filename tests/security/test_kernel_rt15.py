"""Red team 15 (kernels, Triton). ``tl.inline_asm_elementwise`` was a listed ``triton.language`` name, so a
kernel ran any PTX: it read ``%smid`` (the name rules refuse ``tl.extra.cuda.smid`` and ``globaltimer``),
and could read ``%globaltimer``/``%clock``. It is refused in kernel bodies now (``kernel_body``); every other
listed name stays allowed. (The perf phase's checked calls, the round's other finding, are
``test_kernel_perfcalls_rt13.py``.)"""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import check_static

KERNEL = '''import torch
import torch.nn as nn
import triton
import triton.language as tl
{imports}

@triton.jit
def relu_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    {body}
    tl.store(y_ptr + offs, tl.where(x > 0.0, x, 0.0), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.empty_like(x)
        n = x.numel()
        relu_kernel[(triton.cdiv(n, 1024),)](x, y, n, BLOCK=1024)
        return y
'''
ASM = 'tl.inline_asm_elementwise("mov.u32 $0, %smid;", "=r,r", [offs], dtype=tl.int32, is_pure=False, pack=1)'


@pytest.mark.parametrize(("imports", "body"), [
    ("", f"t = {ASM}"),
    ("", f"t = triton.language.{ASM[3:]}"),
    ("from triton.language import inline_asm_elementwise as asm", f"t = asm{ASM[25:]}"),
])
def test_inline_asm_is_refused_in_a_kernel(imports: str, body: str) -> None:
    rules = {v.rule for v in check_static(KERNEL.format(imports=imports, body=body), "triton")}
    assert rules & {"kernel_body", "forbidden_import"}, rules


def test_the_same_kernel_without_it_passes() -> None:
    assert check_static(KERNEL.format(imports="", body="t = tl.sqrt(x * x)"), "triton") == []
