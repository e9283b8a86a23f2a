"""Red team 11d S3/S3b and honest round 11b F3/F12 (TritonBench-G provided classes).

S3: a provided class's method zeroed the tensors it reached through ``self`` (the write watch
followed only arguments, containers and module parameters). S3b: the provided class's ``__init__``
ran unwrapped and zeroed the tensors the test gave it. Now every tensor the test section reaches
(its frames' locals and globals, through containers, modules and plain objects) is snapshotted
around every outermost call into answer code, ``__init__`` included (``sandboxed.writes``).
F3: an honest module reusing its own buffer was rejected: a path the reference never saw is the
answer's own state. F12: the provided-class data descriptors ignored the reference's own
per-instance values; an instance's value now wins on both sides and the section's reads of the
data are compared with the reference's instead."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from harness.families.kernels.judge import _section_changes
from harness.families.kernels.sandboxed.writes import reachable_tensors, watch_writes
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context
from tests.security.test_kernel_tb_rt11 import SEPARATOR, _g_suite

KERNELS = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def affine_kernel(x_ptr, w_ptr, b_ptr, out_ptr, n, BLOCK_SIZE: tl.constexpr):
    offs = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    w = tl.load(w_ptr + offs, mask=mask)
    b = tl.load(b_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, x * w + b, mask=mask)


@triton.jit
def wipe_kernel(w_ptr, b_ptr, out_ptr, n, BLOCK_SIZE: tl.constexpr):
    offs = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n
    zero = tl.zeros([BLOCK_SIZE], dtype=tl.float32)
    tl.store(w_ptr + offs, zero, mask=mask)
    tl.store(b_ptr + offs, zero, mask=mask)
    tl.store(out_ptr + offs, zero, mask=mask)
'''
ENTRY = '''

def affine(x, w, b):
    out = torch.empty_like(x)
    n = x.numel()
    affine_kernel[(triton.cdiv(n, 256),)](x, w, b, out, n, BLOCK_SIZE=256)
    return out
'''
REF = KERNELS + '''

class Affine:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def affine_fwd(self, x):
        out = torch.empty_like(x)
        n = x.numel()
        affine_kernel[(triton.cdiv(n, 256),)](x, self.w, self.b, out, n, BLOCK_SIZE=256)
        return out
''' + ENTRY
#: the test holds w and b itself (S3) and, in the second layer, only through the layer
TEST = '''

import torch

def test_affine():
    results = {}
    x = torch.randn(1000, device='cuda')
    w = torch.randn(1000, device='cuda')
    b = torch.randn(1000, device='cuda')
    results['test_case_1'] = affine(x, w, b)
    layer = Affine(w, b)
    out = layer.affine_fwd(x)
    results['test_case_2'] = torch.allclose(out, x * w + b)
    inner = Affine(torch.randn(1000, device='cuda'), torch.randn(1000, device='cuda'))
    results['test_case_3'] = torch.allclose(inner.affine_fwd(x), x * inner.w + inner.b)
    results['test_case_4'] = out.shape
    return results

result_gold = test_affine()
'''
#: S3: the method zeroes what it reaches through self (w, b) and returns zeros
S3 = REF.replace('''        affine_kernel[(triton.cdiv(n, 256),)](x, self.w, self.b, out, n, BLOCK_SIZE=256)''',
                 '''        wipe_kernel[(triton.cdiv(n, 256),)](self.w, self.b, out, n, BLOCK_SIZE=256)''')
#: S3b: the constructor zeroes the test's w and b; the method returns zeros
S3B = REF.replace('''        self.b = b
''', '''        self.b = b
        wipe_kernel[(triton.cdiv(w.numel(), 256),)](w, b, b, w.numel(), BLOCK_SIZE=256)
''').replace('''        affine_kernel[(triton.cdiv(n, 256),)](x, self.w, self.b, out, n, BLOCK_SIZE=256)''',
             '''        wipe_kernel[(triton.cdiv(n, 256),)](out, out, out, n, BLOCK_SIZE=256)''')
#: the test's tensors kept under an attribute only the answer has, written through it
S3_ALIAS = S3.replace('''        self.w = w
        self.b = b
''', '''        self._keep = [w, b]
        self.w = w
        self.b = b
''').replace("(self.w, self.b, out", "(self._keep[0], self._keep[1], out")
#: honest: a scratch buffer of its own, kept between calls of the same size (F3, plain class)
HONEST_BUFFER = REF.replace('''        self.b = b
''', '''        self.b = b
        self._out = torch.empty(0, device=w.device)
''').replace('''        out = torch.empty_like(x)
        n = x.numel()
        affine_kernel[(triton.cdiv(n, 256),)](x, self.w, self.b, out, n, BLOCK_SIZE=256)
        return out''', '''        if self._out.shape != x.shape:
            self._out = torch.empty_like(x)
        n = x.numel()
        self._out.fill_(float("nan"))
        affine_kernel[(triton.cdiv(n, 256),)](x, self.w, self.b, self._out, n, BLOCK_SIZE=256)
        return self._out.clone()''')


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_writes_through_self_and_in_init_are_rejected_and_own_buffers_are_not(tmp_path: Path) -> None:
    suite, problem = _g_suite(tmp_path, "affine_ops", REF + SEPARATOR + TEST)
    ctx = context(tmp_path)
    verdicts = {name: suite.evaluate(problem, Candidate(code=code), ctx)
                for name, code in (("ref", REF), ("s3", S3), ("s3b", S3B), ("alias", S3_ALIAS),
                                   ("buffer", HONEST_BUFFER))}
    assert verdicts["ref"].status == Status.PASS, verdicts["ref"].reason
    assert verdicts["buffer"].status == Status.PASS, verdicts["buffer"].reason
    for name, where in (("s3", "call Affine.affine_fwd#0@a0.b"), ("s3b", "call Affine.__init__#0@a1"),
                        ("alias", "call Affine.affine_fwd#0@a0.b")):  # _keep: a path the reference lacks
        v = verdicts[name]
        assert v.status == Status.REJECTED and "modifies_inputs" in v.reason and where in v.reason, (name, v.reason)


# -- honest round 11b F3 (module buffer) and F12 (per-instance class data) --------------------
SCALE_KERNEL = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def div_kernel(x_ptr, o_ptr, n, d, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(o_ptr + offs, x / d, mask=mask)


def norm_div(x, d):
    out = torch.empty_like(x)
    n = x.numel()
    div_kernel[(triton.cdiv(n, 256),)](x, out, n, d, BLOCK=256)
    return out
'''
NORM_REF = SCALE_KERNEL + '''

class Norm(nn.Module):
    eps = 1e-5

    def __init__(self, eps=None):
        super().__init__()
        if eps is not None:
            self.eps = eps

    def forward(self, x):
        out = torch.empty_like(x)
        n = x.numel()
        div_kernel[(triton.cdiv(n, 256),)](x, out, n, 1.0 + self.eps, BLOCK=256)
        return out
'''
NORM_TEST = '''

import torch

def test_norm():
    results = {}
    m = Norm(eps=0.5)
    for i in range(2):
        x = torch.randn(64, device='cuda')
        results[f'test_case_{i}'] = m(x)
    results['div'] = norm_div(x, 2.0)
    results['eps'] = Norm.eps
    results['m_eps'] = m.eps
    return results

result_gold = test_norm()
'''
#: honest: the per-instance value under its own name and the reference's name, an output buffer
#: registered on the module and reused between calls (F3)
NORM_HONEST = SCALE_KERNEL + '''

class Norm(nn.Module):
    eps = 1e-5

    def __init__(self, eps=None):
        super().__init__()
        self.variance_epsilon = 1e-5 if eps is None else eps
        self.eps = self.variance_epsilon
        self.register_buffer("_out", torch.empty(0, device='cuda'), persistent=False)

    def forward(self, x):
        x = x.contiguous()
        if self._out.shape != x.shape or self._out.dtype != x.dtype:
            self._out = torch.empty_like(x)
        n = x.numel()
        div_kernel[(triton.cdiv(n, 256),)](x, self._out, n, 1.0 + self.variance_epsilon, BLOCK=256)
        return self._out.clone()
'''
#: S4 through an instance: the section reads m.eps; the answer's instance says 0 (its outputs agree)
NORM_SHADOW = NORM_REF.replace("            self.eps = eps\n", "            self.eps = eps\n        self.eps = 0.0\n"
                               ).replace("1.0 + self.eps", "1.5")


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_per_instance_class_data_and_own_buffers_end_to_end(tmp_path: Path) -> None:
    suite, problem = _g_suite(tmp_path, "norm_div", NORM_REF + SEPARATOR + NORM_TEST)
    ctx = context(tmp_path)
    for code in (NORM_REF, NORM_HONEST):
        v = suite.evaluate(problem, Candidate(code=code), ctx)
        assert v.status == Status.PASS, v.reason
    v = suite.evaluate(problem, Candidate(code=NORM_SHADOW), ctx)
    assert v.status in (Status.REJECTED, Status.FAIL) and v.status != Status.PASS, v.reason
    assert v.status == Status.FAIL or "provided_data" in v.reason, v.reason


# -- in process: the walk, the outermost call, the judge's rule --------------------------------
class _Holder:
    def __init__(self, t: torch.Tensor) -> None:
        self.items = {"t": [t]}


def test_the_walk_follows_plain_objects_module_attributes_and_every_alias() -> None:
    t, u = torch.ones(3), torch.zeros(2)
    layer = torch.nn.Linear(2, 2)
    layer.plain = u  # a tensor attribute that is neither a parameter nor a buffer
    found = reachable_tensors((_Holder(t), layer), {}, [("f:t", t)])
    paths = {p for p, v in found if v is t}
    assert paths == {"a0.items[t].0", "f:t"}
    assert {p for p, v in found if v is u} == {"a1.plain"}
    assert {p for p, _ in found} >= {"a1.weight", "a1.bias"}


def test_only_the_outermost_call_is_watched_and_the_section_frames_are_roots() -> None:
    written: list[str] = []
    counts: dict[str, int] = {}

    def inner(buf: torch.Tensor) -> None:
        buf.zero_()  # the answer's own scratch, written by a nested call

    def outer(x: torch.Tensor) -> torch.Tensor:
        scratch = torch.ones(2)
        watched_inner(scratch)
        return x + scratch

    def wiper(x: torch.Tensor) -> torch.Tensor:
        secret.zero_()  # a tensor the section holds, not an argument
        return x

    watched_inner = watch_writes(inner, written, counts)
    secret = torch.ones(2)
    ns = {"outer": watch_writes(outer, written, counts), "wiper": watch_writes(wiper, written, counts),
          "secret": secret}
    exec(compile("def t():\n    x = torch.ones(2)\n    y = outer(x)\n    return wiper(y)\n\nr = t()\n",
                 "test_section.py", "exec"), {"torch": torch, **ns})  # noqa: S102 - our own fixture
    assert counts == {"outer": 1, "wiper": 1}
    assert written == ["wiper#0@g:secret"]


def test_the_judge_allows_paths_the_reference_never_saw() -> None:
    case = {"inputs_written": ["f#0@a0"], "paths_seen": ["a0", "a1", "t:x", "t:m.weight"], "class_reads": ["C.n=4"]}
    ok = {"inputs_written": ["f#0@a0", "f#1@a1._out", "f#1@t:m._out"], "class_reads": ["C.n=4"]}
    assert _section_changes(ok, case) is None
    bad: dict[str, Any] = {**ok, "inputs_written": ["f#0@t:m._keep.0", "f#0@t:x"]}
    assert "f#0@t:x" in str(_section_changes(bad, case))
    assert "provided_data" in str(_section_changes({**ok, "class_reads": ["C.n=0"]}, case))
    # a record without paths_seen (none recorded) counts every path
    assert _section_changes(ok, {**case, "paths_seen": None}) is not None


# -- the answer's autograd backward, run by the engine, is a call into answer code too -----------
BW_TEST = '''

import torch

def test_scale_backward():
    results = {}
    x = torch.randn(64, device='cuda', requires_grad=True)
    g = torch.randn(64, device='cuda')
    out = scale(x, 3.0)
    out.backward(g)
    results['test_case_1'] = out.detach().clone()
    results['test_case_2'] = torch.allclose(x.grad, 3.0 * g)
    return results

result_gold = test_scale_backward()
'''


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_a_backward_that_zeroes_the_incoming_gradient_is_rejected(tmp_path: Path) -> None:
    """``out.backward(g)`` hands the test's own ``g`` to the answer's ``backward``: zeroing it in place
    (and so the gradient) made the section's ``allclose(x.grad, 3.0 * g)`` agree."""
    from tests.security.test_kernel_autograd_fn import HONEST as SCALE

    suite, problem = _g_suite(tmp_path, "scale_bw", SCALE + SEPARATOR + BW_TEST)
    ctx = context(tmp_path)
    v = suite.evaluate(problem, Candidate(code=SCALE), ctx)
    assert v.status == Status.PASS, v.reason
    wipe = SCALE.replace("        dy = dy.contiguous()\n", "        scale_kernel[(triton.cdiv(dy.numel(), 256),)]"
                         "(dy, dy, dy.numel(), 0.0, BLOCK_SIZE=256)\n")
    assert wipe != SCALE
    v = suite.evaluate(problem, Candidate(code=wipe), ctx)
    assert v.status == Status.REJECTED and "Scale.backward#0@" in v.reason, (v.status, v.reason)


class _Layer:
    w: torch.Tensor


def test_a_tensor_keeps_the_paths_earlier_calls_found_it_at() -> None:
    """A tensor the test handed to the constructor (``a1`` of ``__init__``) and never held itself is
    later reached only through the answer's object, under an attribute the reference's object may
    not have: it keeps ``a1``, a path the reference saw, so a write to it is not the answer's own."""
    written: list[str] = []
    counts: dict[str, int] = {}
    history: dict[int, Any] = {}

    def init(layer: _Layer, w: torch.Tensor) -> None:
        layer.w = w

    def wipe(layer: _Layer) -> None:
        layer.w.zero_()

    layer = _Layer()
    watch_writes(init, written, counts, "init", None, history)(layer, torch.ones(3))
    watch_writes(wipe, written, counts, "wipe", None, history)(layer)
    assert set(written) == {"wipe#0@a1", "wipe#0@a0.w"}
    written.clear()
    watch_writes(wipe, written, {}, "wipe")(layer)  # without the case's history: only where it is now
    assert written == []  # already zero: nothing changed
    layer.w = torch.ones(2)
    watch_writes(wipe, written, {}, "wipe")(layer)
    assert written == ["wipe#0@a0.w"]
