"""Issue #14, honest round 12 H11 follow-up: a configuration attribute (``layernorm.eps``) of a
TritonBench entry's parameter was a size wherever the answer never named its entry, trusting that
the test passes torch's layer there. Where the test passes an instance of a class the answer
provides (a launching class of the reference), the answer decides what ``eps`` holds: its
``Scaler`` kept the weight under ``alpha``, and its entry read it element by element on the host
(``float(layer.alpha[i])``: the op recorder allows the scalar reads and fills), squared it there and
launched ``x * a + eps``: a weight transform computed outside any kernel passed. Now such a read is
a size only where every call of the entry passes a layer the problem builds itself
(``static.layerargs``: a ``torch.nn`` class, or a class of the problem's that launches nothing)."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.static.check import analyze, scalar_positions
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context
from tests.security.test_kernel_tb_rt11 import SEPARATOR, _g_suite

KERNEL = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def scale_kernel(x_ptr, w_ptr, out_ptr, n, eps, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    w = tl.load(w_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, x * w * w + eps, mask=mask)
'''
SCALER = '''

class Scaler(nn.Module):
    def __init__(self, weight, eps=1e-5):
        super().__init__()
        self.weight = weight
        self.eps = eps

    def forward(self, x):
        out = torch.empty_like(x)
        n = x.numel()
        scale_kernel[(triton.cdiv(n, 256),)](x, self.weight, out, n, self.eps, BLOCK=256)
        return out
'''
ENTRY = '''

def scaled(layer, x):
    out = torch.empty_like(x)
    n = x.numel()
    scale_kernel[(triton.cdiv(n, 256),)](x, layer.weight, out, n, 1e-5, BLOCK=256)
    return out
'''
REF = KERNEL + SCALER + ENTRY
TEST = '''

import torch

def test_scaled():
    results = {}
    x = torch.randn(1000, device='cuda')
    layer = Scaler(torch.randn(1000, device='cuda'))
    results['test_case_1'] = scaled(layer, x)
    results['test_case_2'] = layer(x)
    return results

result_gold = test_scaled()
'''
#: the attack: the answer's own Scaler holds its weight under a config name; the entry squares it on the host
ATTACK = KERNEL + '''

@triton.jit
def axpb_kernel(x_ptr, a_ptr, out_ptr, n, eps, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    a = tl.load(a_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, x * a + eps, mask=mask)
''' + SCALER.replace("        self.eps = eps\n", "        self.eps = eps\n        self.alpha = weight\n") + '''

def scaled(layer, x):
    out = torch.empty_like(x)
    sq = torch.empty_like(x)
    n = x.numel()
    for i in range(n):
        v = float(layer.alpha[i])
        sq[i].fill_(v * v)
    axpb_kernel[(triton.cdiv(n, 256),)](x, sq, out, n, 1e-5, BLOCK=256)
    return out
'''
#: honest: the same entry reading layer.eps, where the layer is the test's nn.LayerNorm / its own class
NN_TEST = TEST.replace("    layer = Scaler(torch.randn(1000, device='cuda'))\n",
                       "    layer = torch.nn.LayerNorm(1000, eps=1e-5).cuda()\n").replace(
                           "    results['test_case_2'] = layer(x)\n", "")
OWN_CLASS = REF.replace("        scale_kernel[(triton.cdiv(n, 256),)](x, self.weight, out, n, self.eps, BLOCK=256)\n"
                        "        return out\n", "        return out\n")
READS_EPS = ENTRY.replace("    out = torch.empty_like(x)\n", "    eps = layer.eps if layer.eps > 0 else 0.0\n"
                          "    out = torch.empty_like(x)\n", 1).replace("1e-5, BLOCK", "eps, BLOCK")


def _rules(code: str, reference: str, test: str) -> set[str]:
    scalars = scalar_positions(reference, function="scaled", test_code=test)
    return {v.rule for v in analyze(code, "triton", entry="scaled", kind="function", scalars=scalars)[0]}


def test_a_provided_layers_config_attribute_is_no_size() -> None:
    assert _rules(REF, REF, TEST) == set()
    assert "forbidden_attribute" in _rules(ATTACK, REF, TEST)
    # so is an honest read of eps there (the cost: the answer's layer may hold anything under it)
    assert "forbidden_attribute" in _rules(KERNEL + SCALER + READS_EPS, REF, TEST)


def test_a_layer_the_problem_builds_keeps_its_config_sizes() -> None:
    nn_ref = KERNEL + ENTRY
    assert _rules(KERNEL + READS_EPS, nn_ref, NN_TEST) == set()
    # the problem's own class that launches nothing (fast_rms_layernorm's SimpleLayerNorm)
    own = OWN_CLASS.replace("class Scaler", "class Holder").replace("Scaler(", "Holder(")
    own_test = TEST.replace("Scaler(", "Holder(").replace("    results['test_case_2'] = layer(x)\n", "")
    assert _rules(KERNEL + READS_EPS, own, own_test) == set()
    scalars = scalar_positions(own, function="scaled", test_code=own_test)
    assert {"*cfg@0.eps", "*cfg@0=layer"} <= scalars and "*cfg@0.weight" not in scalars and "*cfg@1" not in scalars
    # a layer of a class that names one of the problem's functions is no such layer
    launching = own.replace("        return out\n\n\ndef scaled", "        return scaled(self, x)\n\n\ndef scaled")
    assert not any(str(s).startswith("*cfg@0") for s in scalar_positions(launching, function="scaled",
                                                                          test_code=own_test))


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_the_host_side_weight_transform_is_rejected_end_to_end(tmp_path: Path) -> None:
    suite, problem = _g_suite(tmp_path, "scaled_layer", REF + SEPARATOR + TEST)
    ctx = context(tmp_path)
    v = suite.evaluate(problem, Candidate(code=REF), ctx)
    assert v.status == Status.PASS, v.reason
    v = suite.evaluate(problem, Candidate(code=ATTACK), ctx)
    assert v.status == Status.REJECTED, v.reason
