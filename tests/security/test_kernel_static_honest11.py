"""Honest round 11 F4b/F4c and an alias style (static policy, TritonBench-T function answers).

A "Tensor or Number" argument converted after an ``isinstance`` guard (``if isinstance(other,
torch.Tensor): ... else: s = float(other)``) was ``host_value``; a flag returned with a tensor from
a helper (``return v.contiguous(), 0.0, True``) was "passes a tensor as launch option"; a parameter
no call of the problem passes (``rounding_mode=None``) was a possible tensor; a module-level alias
``next_power_of_2 = triton.next_power_of_2`` was "calls the module-level value". Each honest form
passes; the same shapes that hide a tensor read stay rejected (``static.narrow``)."""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import analyze, scalar_positions

REF = '''import torch

def scale_mul(input, other, rounding_mode=None, out=None):
    return torch.mul(input, other)
'''
TEST = '''
import torch

def test_scale_mul():
    results = {}
    x = torch.randn(4, 8, device='cuda')
    y = torch.randn(4, 8, device='cuda')
    results["test_case_1"] = scale_mul(x, y)
    results["test_case_2"] = scale_mul(x, 2.5)
    return results

test_results = test_scale_mul()
'''
KERNEL = '''import torch
import triton
import triton.language as tl


@triton.jit
def _mul(x_ptr, o_ptr, out_ptr, n, s, MODE: tl.constexpr, IS_T: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    if IS_T:
        o = tl.load(o_ptr + offs, mask=mask)
    else:
        o = s
    tl.store(out_ptr + offs, x * o, mask=mask)


_MODES = {None: 0, "trunc": 1, "floor": 2}
'''
LAUNCH = '''
    out = torch.empty_like(x)
    n = x.numel()
    _mul[(triton.cdiv(n, 256),)](x, o, out, n, s, MODE=_MODES[rounding_mode], IS_T=is_t, BLOCK=256)
    return out
'''
HONEST = {
    "if_else": '''
def scale_mul(input, other, rounding_mode=None, out=None):
    x = input.contiguous()
    if isinstance(other, torch.Tensor):
        o, s, is_t = other.expand(x.shape).contiguous(), 0.0, True
    else:
        o, s, is_t = x, float(other), False
''' + LAUNCH,
    "flag_variable": '''
def scale_mul(input, other, rounding_mode=None, out=None):
    x = input.contiguous()
    is_t = isinstance(other, torch.Tensor)
    if is_t:
        o = other.expand(x.shape).contiguous()
        s = 0.0
    else:
        o = x
        s = float(other)
''' + LAUNCH,
    "not_and_ifexp": '''
def scale_mul(input, other, rounding_mode=None, out=None):
    x = input.contiguous()
    s = float(other) if not isinstance(other, torch.Tensor) else 0.0
    o = x if not isinstance(other, torch.Tensor) else other.expand(x.shape).contiguous()
    is_t = isinstance(other, torch.Tensor)
''' + LAUNCH,
    "helper_tuple": '''
def _operand(v, like):
    if isinstance(v, torch.Tensor):
        return v.expand(like.shape).contiguous(), 0.0, True
    return like, float(v), False


def scale_mul(input, other, rounding_mode=None, out=None):
    x = input.contiguous()
    o, s, is_t = _operand(other, x)
''' + LAUNCH,
    "early_return": '''
def scale_mul(input, other, rounding_mode=None, out=None):
    x = input.contiguous()
    out = torch.empty_like(x)
    n = x.numel()
    if isinstance(other, (torch.Tensor,)):
        o = other.expand(x.shape).contiguous()
        _mul[(triton.cdiv(n, 256),)](x, o, out, n, 0.0, MODE=0, IS_T=True, BLOCK=256)
        return out
    _mul[(triton.cdiv(n, 256),)](x, x, out, n, float(other), MODE=_MODES[rounding_mode], IS_T=False, BLOCK=256)
    return out
''',
    "module_alias": '''
next_power_of_2 = triton.next_power_of_2
cdiv = triton.cdiv


def scale_mul(input, other, rounding_mode=None, out=None):
    x = input.contiguous()
    o = other.expand(x.shape).contiguous() if isinstance(other, torch.Tensor) else x
    s = 0.0 if isinstance(other, torch.Tensor) else float(other)
    is_t = isinstance(other, torch.Tensor)
    out = torch.empty_like(x)
    n = x.numel()
    BLOCK = min(next_power_of_2(n), 1024)
    _mul[(cdiv(n, BLOCK),)](x, o, out, n, s, MODE=_MODES[rounding_mode], IS_T=is_t, BLOCK=BLOCK)
    return out
''',
}


def _rules(body: str, test: str = TEST) -> list[str]:
    scalars = scalar_positions(REF, function="scale_mul", test_code=test)
    return [v.rule for v in analyze(KERNEL + body, "triton", entry="scale_mul", kind="function", scalars=scalars)[0]]


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_tensor_or_number_forms_pass(name: str) -> None:
    assert _rules(HONEST[name]) == []


ATTACKS = {
    # the cast where the guard says it IS a tensor
    "cast_in_tensor_arm": (HONEST["if_else"].replace("if isinstance(other", "if not isinstance(other"), "host_value"),
    # the name rebound to a tensor inside the other arm
    "rebound": (HONEST["if_else"].replace("o, s, is_t = x, float(other), False",
                                          "other = input\n        o, s, is_t = x, float(other), False"), "host_value"),
    # not a tensor is not a number: arithmetic on it runs no tensor operator (honest round 12 H2:
    # ``other * 2.0`` passes), but its result may hold tensors (``[t] * 2``), so a cast of it is a cast of
    # a possible tensor
    "arith": (HONEST["if_else"].replace("float(other), False", "float(other * 2.0), False"), "host_value"),
    # the flag rebound after the test
    "flag_rebound": (HONEST["flag_variable"].replace("    if is_t:\n", "    is_t = other is None\n    if is_t:\n"),
                     "host_value"),
    # a helper whose tuple hides the tensor at the flag's position
    "helper_tensor_item": (HONEST["helper_tuple"].replace("0.0, True", "0.0, v").replace(
        "return like, float(v), False", "return like, float(v), like"), "torch_compute"),
    # tuples of two lengths: no per-position kinds
    "helper_lengths": (HONEST["helper_tuple"].replace(
        "return like, float(v), False", "if v is None:\n        return like, 0.0\n    return like, float(v), False"),
        "torch_compute"),
    # a tensor read through the helper's first item
    "helper_read": (HONEST["helper_tuple"].replace("return like, float(v), False", "return like, float(v), False\n")
                    + "\ndef leak(x):\n    t, s, f = _operand(x, x)\n    return float(t)\n", "torch_compute"),
    # an alias of a torch op is that op
    "alias_torch_op": (HONEST["module_alias"].replace("cdiv = triton.cdiv", "cdiv = triton.cdiv\ntotal = torch.sum")
                       .replace("    out = torch.empty_like(x)\n", "    out = torch.empty_like(x) + total(x)\n"),
                       "torch_compute"),
    # bound twice, or rebound by a module-level loop: a value again, never called
    "alias_rebound": (HONEST["module_alias"].replace("cdiv = triton.cdiv", "cdiv = triton.cdiv\ncdiv = max"),
                      "shadowing"),
    "alias_loop": (HONEST["module_alias"].replace("cdiv = triton.cdiv", "cdiv = triton.cdiv\nfor cdiv in [max]:\n"
                                                  "    pass"), "forbidden_call"),
    # red team 12 B2: the builtin the narrowing relies on, shadowed (a def, an import, a class, a loop)
    "shadow_isinstance_def": ("\ndef isinstance(a, b):\n    return False\n" + HONEST["if_else"], "host_value"),
    "shadow_isinstance_class": ("\nclass isinstance:\n    def __new__(cls, a, b):\n        return False\n"
                                + HONEST["if_else"], "host_value"),
    "shadow_isinstance_import": ("\nfrom math import isfinite as isinstance\n" + HONEST["if_else"], "host_value"),
    "shadow_isinstance_param": (HONEST["if_else"].replace("out=None):", "out=None, isinstance=lambda a, b: False):"),
                                "host_value"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_the_same_shapes_hiding_a_tensor_read_are_rejected(name: str) -> None:
    body, rule = ATTACKS[name]
    assert rule in _rules(body), (name, _rules(body))


def test_a_parameter_some_call_passes_or_fills_positionally_is_not_the_default() -> None:
    # passed a tensor by the test: the index by it is a gather again
    test = TEST.replace("scale_mul(x, 2.5)", "scale_mul(x, 2.5, rounding_mode=y)")
    assert "torch_compute" in _rules(HONEST["if_else"], test)
    # the answer moves the never-passed name to a position the test fills with a tensor
    moved = HONEST["if_else"].replace("def scale_mul(input, other, rounding_mode=None, out=None):",
                                      "def scale_mul(rounding_mode=None, other=None, input=None, out=None):")
    moved = moved.replace("x = input.contiguous()", "x = other.contiguous()\n    k = float(rounding_mode)")
    assert "host_value" in _rules(moved)
    # a default that is not a constant
    made = HONEST["if_else"].replace("rounding_mode=None, out", "rounding_mode=torch.ones(1), out")
    assert _rules(made) != []
