"""Red team 4, items 3/4: host objects reaching inside a ``@triton.jit`` body.

Under ``TRITON_INTERPRET=1`` a launch argument that is not a tensor or a number arrives in the
kernel body as the host object itself, and the body is plain Python: the red team launched a
kernel with ``self`` and read ``M.T`` (a parametrization running ReLU inside the launch), or
``M.T.softmax(-1)`` and called ``M.store(r)`` (a bound ``Tensor.set_`` saved in ``__init__``).
Closed at the roots, each asserted here with the original payload and variants of its class:
the body reads only ``.dtype/.type/.value/.to()`` and dtype metadata on its parameters
(``kernel_body``); no ``self``/module/method/function/class reaches a launch (``host_object``);
bound methods are never values; nn.Module attributes are not named like Triton tensor methods
(``shadowing``); parametrizations are not built in ``__init__``; and at run time the launch hook
records host-object arguments (``host_object``, with the static stage switched off).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.runner import Runner
from harness.families.kernels.sandboxed.hooks import launch_argument_problems
from harness.families.kernels.static.check import analyze
from tests.kernels.helpers import PROBLEMS, shared_runner

HEAD = '''import torch
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

'''
#: red team 4 item 3, as sent (k_param_inlaunch_relu.jsonl)
PARAM_IN_LAUNCH = HEAD + '''
@triton.jit
def touch_kernel(M):
    t = M.T


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.T = nn.Parameter(torch.zeros(1 << 22), requires_grad=False)
        torch.nn.utils.parametrize.register_parametrization(self, "T", nn.ReLU(inplace=True), unsafe=True)
        self.raw = self.parametrizations.T.original

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        n = x.numel()
        y = torch.empty_like(x)
        copy_kernel[(triton.cdiv(n, 1024),)](x, self.raw, n, BLOCK_SIZE=1024)
        touch_kernel[(1,)](self)
        copy_kernel[(triton.cdiv(n, 1024),)](self.raw, y, n, BLOCK_SIZE=1024)
        return y
'''
#: red team 4 item 4, as sent (k_host_in_body_softmax.jsonl)
HOST_IN_BODY = HEAD + '''
@triton.jit
def row_kernel(M):
    r = M.T.softmax(-1)
    M.store(r)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.O = torch.zeros(1)
        self.store = self.O.set_

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        n = x.numel()
        y = torch.empty_like(x)
        self.T = torch.empty_like(x)
        copy_kernel[(triton.cdiv(n, 1024),)](x, self.T, n, BLOCK_SIZE=1024)
        row_kernel[(1,)](self)
        copy_kernel[(triton.cdiv(n, 1024),)](self.O, y, n, BLOCK_SIZE=1024)
        return y
'''
#: the module reaches the kernel through a helper's parameter (no ``self`` at the launch), and
#: the body reads a submodule's weight under an innocent name
VIA_HELPER = HEAD + '''
@triton.jit
def touch_kernel(M, y_ptr):
    w = M.lin.weight
    tl.store(y_ptr, w)


def go(m, y):
    touch_kernel[(1,)](m, y)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.empty_like(x)
        go(self, y)
        return y
'''
#: a local alias of ``self`` in a tuple, read through a local bound to the parameter
ALIAS_IN_TUPLE = HEAD + '''
@triton.jit
def touch_kernel(P, y_ptr):
    q = P
    tl.store(y_ptr, q.buf.sum())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.buf = torch.zeros(4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.empty_like(x)
        me = self
        touch_kernel[(1,)](me, y)
        return y
'''
#: a library layer passed as a constexpr and called through ``.value``
CONSTEXPR_LAYER = HEAD + '''
@triton.jit
def act_kernel(x_ptr, y_ptr, n, ACT: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, ACT.value.forward(tl.load(x_ptr + offs, mask=offs < n)), mask=offs < n)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.empty_like(x)
        act_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), ACT=self.act, BLOCK=1024)
        return y
'''
#: a bound tensor method saved in ``__init__`` under a Triton-like buffer name
SAVED_METHOD = HEAD + '''
class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("sum", torch.zeros(4))
        self.keep = torch.zeros(4).copy_

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.empty_like(x)
        copy_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), BLOCK_SIZE=1024)
        return y
'''

#: what ``.to()`` of a parameter returns (``nn.Module.to()`` is the module), through a local
TO_OF_PARAMETER = HOST_IN_BODY.replace("r = M.T.softmax(-1)", "q = M.to()\n    r = q.T.softmax(-1)").replace(
    "M.store(r)", "M.to().to().store(r)")

ATTACKS = {
    "rt4_param_in_launch": (PARAM_IN_LAUNCH, {"host_object", "kernel_body", "forbidden_call", "shadowing"}),
    "rt4_host_in_body": (HOST_IN_BODY, {"host_object", "kernel_body", "forbidden_attribute", "shadowing"}),
    "module_via_helper": (VIA_HELPER, {"kernel_body"}),
    "self_alias_in_local": (ALIAS_IN_TUPLE, {"host_object", "kernel_body"}),
    "layer_as_constexpr": (CONSTEXPR_LAYER, {"kernel_body"}),
    "saved_bound_method": (SAVED_METHOD, {"forbidden_attribute", "shadowing"}),
    "to_of_parameter": (TO_OF_PARAMETER, {"kernel_body"}),
}

#: honest answers of the same shape: an nn.Module with attributes and parameters, kernels that
#: read their pointers' dtype, launches with tensors, sizes, floats and None
HONEST = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n, scale, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    y = tl.where(x > 0, x * scale, 0.0)
    tl.store(y_ptr + offs, y.to(y_ptr.dtype.element_ty), mask=mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = 1024
        self.scale = 1.0
        self.dim = -1
        self.register_buffer("unused", torch.zeros(1))

    def _launch(self, x, y):
        n = x.numel()
        relu_kernel[(triton.cdiv(n, self.block),)](x, y, n, self.scale, BLOCK=self.block)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        self._launch(x, y)
        return y
'''


def _rules(code: str) -> set[str]:
    return {v.rule for v in analyze(code, "triton")[0]}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_host_object_attacks_are_rejected_with_their_rules(name: str) -> None:
    code, rules = ATTACKS[name]
    assert rules <= _rules(code), (name, _rules(code))


def test_honest_answer_of_the_same_shape_is_accepted() -> None:
    assert _rules(HONEST) == set()


def test_launch_hook_names_host_object_arguments() -> None:
    import torch

    ok = (torch.zeros(2), 3, 2.5, True, None, "s", torch.float32, (torch.zeros(1), 4))
    assert launch_argument_problems(ok, {"grid": lambda m: (1,), "warmup": False, "BLOCK": 64}) == []
    bad = launch_argument_problems((torch.nn.ReLU(), [torch.zeros(1)]), {"F": len, "S": {1}})
    assert bad == ["#0: ReLU", "#1: list", "F: builtin_function_or_method", "S: set"]


@pytest.fixture(scope="module")
def runner() -> Runner:
    return shared_runner()  # one sandbox and fork servers per test process


@pytest.fixture
def run(tmp_path: Path, runner: Runner):
    counter = iter(range(100))

    def go(problem: str, code: str) -> dict[str, Any]:
        return evaluate_kernel(PROBLEMS / problem, code, "triton", tmp_path / f"w{next(counter)}", gpu=False,
                               timeout_s=240.0, runner=runner, ref_cache=tmp_path / "refs", seeds=1)

    return go


@pytest.fixture
def no_static(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the static allowlist off: what the worker's launch hook holds by itself."""
    import harness.families.kernels.evaluate as ev

    real = ev.analyze
    monkeypatch.setattr(ev, "analyze", lambda code, lang, **kw: ([], *real(code, lang, **kw)[1:]))


@pytest.mark.slow
@pytest.mark.parametrize("problem,name", [("relu", "rt4_param_in_launch"), ("softmax_row", "rt4_host_in_body")])
def test_host_objects_are_rejected_at_run_time_without_the_static_stage(run, no_static: None, problem: str,
                                                                        name: str) -> None:
    r = run(problem, ATTACKS[name][0])
    assert r["status"] == "rejected" and r["reason"].startswith("host_object"), r["reason"]


@pytest.mark.slow
def test_honest_answer_of_the_same_shape_passes(run) -> None:
    r = run("relu", HONEST)
    assert r["status"] == "pass", r["reason"]


FUNCTION_ANSWER = '''import torch
import triton
import triton.language as tl


@triton.jit
def add_kernel(a_ptr, b_ptr, o_ptr, n, alpha, F, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(o_ptr + offs, tl.load(a_ptr + offs, mask=m) + alpha * tl.load(b_ptr + offs, mask=m), mask=m)
    BODY


def scaled_add(input, other, alpha=1.0, out=None):
    out = torch.empty_like(input)
    n = input.numel()
    add_kernel[(triton.cdiv(n, 256),)](input, other, out, n, alpha, ARG, BLOCK=256)
    return out
'''


@pytest.mark.parametrize("arg,body,rule", [
    ("scaled_add", "pass", "host_object"),  # the entry function itself
    ("lambda t: t.sum()", "pass", "host_object"),
    ("torch", "F.add(a_ptr, b_ptr)", "kernel_body"),  # a module, called through in the body
    ("None", "F.softmax(0)", "kernel_body"),  # whatever arrives, the body cannot reach into it
])
def test_function_answers_pass_no_host_objects(arg: str, body: str, rule: str) -> None:
    code = FUNCTION_ANSWER.replace("ARG", arg).replace("BODY", body)
    rules = {v.rule for v in analyze(code, "triton", entry="scaled_add", kind="function")[0]}
    assert rule in rules, rules


def test_function_answer_with_plain_arguments_is_accepted() -> None:
    code = FUNCTION_ANSWER.replace("ARG", "None").replace("BODY", "pass")
    assert analyze(code, "triton", entry="scaled_add", kind="function")[0] == []
