"""Honest round 13 P1c (TritonBench-G ``matmul_dequantize``'s reference as an answer): torch's
legacy tensor classes in annotations (``x: torch.FloatTensor``) name a class and construct
nothing, so they are accepted there; named anywhere else (a call, an alias) they still construct
tensors outside a kernel."""
from __future__ import annotations

from harness.families.kernels.static.check import analyze

ANSWER = '''import torch
import triton
import triton.language as tl


@triton.jit
def k(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=m) * 2, mask=m)


class ModelNew(torch.nn.Module):
    def forward(self, x: torch.FloatTensor, out: torch.cuda.HalfTensor = None) -> torch.FloatTensor:
        y = torch.empty_like(x)
        n = x.numel()
        k[(triton.cdiv(n, 1024),)](x, y, n, BLOCK=1024)
        return y
'''


def _rules(code: str) -> set[str]:
    return {v.rule for v in analyze(code, "triton")[0]}


def test_legacy_tensor_classes_in_annotations_are_accepted() -> None:
    assert _rules(ANSWER) == set()


def test_legacy_tensor_classes_elsewhere_are_still_rejected() -> None:
    assert "forbidden_call" in _rules(ANSWER.replace("x: torch.FloatTensor,", "x: torch.FloatTensor(3),"))
    assert "torch_compute" in _rules(ANSWER.replace("y = torch.empty_like(x)", "y = torch.FloatTensor(x.shape)"))
    assert "torch_compute" in _rules(ANSWER.replace("y = torch.empty_like(x)", "T = torch.FloatTensor\n        y = torch.empty_like(x)"))


def test_comparing_with_none_reads_no_tensor() -> None:
    """Honest round 13 P1d (TritonBench-G dequantize_matmul, rotary_emb_nopad): ``if out == None:``.
    ``Tensor.__eq__(None)`` gives up and Python answers by identity; a comparison with anything
    else stays tensor compute."""
    code = ANSWER.replace("        y = torch.empty_like(x)\n",
                          "        y = out\n        if y == None:\n            y = torch.empty_like(x)\n"
                          "        if None != y:\n            pass\n")
    assert _rules(code) == set()
    assert "torch_compute" in _rules(code.replace("if y == None:", "if y == 0:"))
    assert "torch_compute" in _rules(code.replace("if y == None:", "if y == None == x:"))
