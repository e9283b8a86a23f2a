"""Honest-answer round 12 (#14, "no false rejections"), Triton kernels: the honest tester's
findings H2, H4, H5, H6, H7, H8, H10, H11 (the forms that were refused, and the nearest attack
of each, which still is).

H8: under the Triton interpreter (every CPU evaluation), ``cols_mask & (row < M)`` with a scalar
row bound made int32 mask data ("mask has unsupported dtype"); compiled Triton runs it. The
sandbox's interpreter patch (harness/families/kernels/sandboxed/interpmask.py) hands such masks to
memory as booleans; a mask whose Triton type is not int1 is still refused.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.static.check import analyze, scalar_positions
from tests.kernels.helpers import PROBLEMS, REPO, shared_runner

#: H8: a row_sum answer folding a per-row bound into the column mask (ROWS rows per program)
ROW_SUM_ROWS = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def row_sum_kernel(x_ptr, y_ptr, M, N, stride, ROWS: tl.constexpr, BLOCK: tl.constexpr):
    grp = tl.program_id(0)
    for r in range(0, ROWS):
        row = grp * ROWS + r
        acc = tl.zeros([BLOCK], dtype=tl.float32)
        for c in range(0, N, BLOCK):
            cols = c + tl.arange(0, BLOCK)
            m = (cols < N) & (row < M)
            acc += tl.load(x_ptr + row * stride + cols, mask=m, other=0.0)
        tl.store(y_ptr + row, tl.sum(acc, axis=0), mask=row < M)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        M, N = x.shape
        y = torch.empty((M,), dtype=x.dtype, device=x.device)
        rows = 4
        row_sum_kernel[(triton.cdiv(M, rows),)](x, y, M, N, x.stride(0), ROWS=rows, BLOCK=256)
        return y
'''

#: the same under the worker's interpreter patches, in a fresh process: a store and an atomic add
#: masked the same way compute the right values; an int32 mask (not int1 to Triton) is refused
_MASK_DRIVER = '''
import torch, triton, triton.language as tl
from harness.families.kernels.sandboxed import interp
interp.install()


@triton.jit
def acc_kernel(x_ptr, y_ptr, M, N, BLOCK: tl.constexpr):
    cols = tl.arange(0, BLOCK)
    for r in range(0, 4):
        m = (cols < N) & (r < M)
        v = tl.load(x_ptr + r * N + cols, mask=m, other=0.0)
        tl.atomic_add(y_ptr + cols, v, mask=m)
        tl.store(x_ptr + r * N + cols, v * 0.0 - 1.0, mask=m)


@triton.jit
def int_mask_kernel(x_ptr, N, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    v = tl.load(x_ptr + offs, mask=offs, other=0.0)
    tl.store(x_ptr + offs, v + 1.0, mask=offs < N)


x = torch.randn(4, 8)
x0 = x.clone()
y = torch.zeros(8)
acc_kernel[(1,)](x, y, 3, 8, BLOCK=8)
print("atomic", torch.allclose(y, x0[:3].sum(0)))
print("store", bool((x[:3] == -1.0).all()), torch.equal(x[3], x0[3]))
try:
    int_mask_kernel[(1,)](torch.zeros(8), 8, BLOCK=8)
    print("int_mask ran")
except Exception as e:
    print("int_mask refused", "Mask must have boolean scalar type" in str(e))
'''


def _evaluate(tmp_path: Path, problem: str, code: str) -> dict[str, Any]:
    runner = shared_runner()  # one sandbox and fork servers per test process
    return evaluate_kernel(PROBLEMS / problem, code, "triton", tmp_path / "w", gpu=False, timeout_s=300.0,
                           seeds=1, runner=runner, ref_cache=tmp_path / "refs")


def test_scalar_bound_in_a_mask_runs_in_the_interpreter_and_an_int_mask_is_refused() -> None:
    env = dict(os.environ, TRITON_INTERPRET="1", PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", _MASK_DRIVER], env=env, cwd=REPO, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:3] == ["atomic True", "store True True", "int_mask refused True"], out.stdout


@pytest.mark.slow
def test_scalar_bound_mask_answer_passes_end_to_end(tmp_path: Path) -> None:
    r = _evaluate(tmp_path, "row_sum", ROW_SUM_ROWS)
    assert r["status"] == "pass", (r["status"], r["reason"])


# -- H5: a dtype parameter the test section fills with torch dtypes (or leaves out) is no tensor --
SM_REF = '''import torch

def softmax_mul(input, other, dim, dtype=None, out=None):
    return torch.softmax(input, dim, dtype=dtype) * other
'''
SM_TEST = '''
import torch

def test_softmax_mul():
    results = {}
    x = torch.randn(4, 8, device='cuda')
    results["test_case_1"] = softmax_mul(x, x, 1)
    results["test_case_2"] = softmax_mul(x, 0.5, 0, dtype=torch.float64)
    return results

test_results = test_softmax_mul()
'''
SM_ANSWER = '''import torch
import triton
import triton.language as tl


@triton.jit
def _scale(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) * 2.0, mask=offs < n)


def softmax_mul(input, other, dim, dtype=None, out=None):
    work_dtype = input.dtype if dtype is None else dtype
    if dtype is not None and dtype != input.dtype:
        work_dtype = dtype
    y = torch.empty(input.shape, dtype=work_dtype, device=input.device)
    assert y.dtype == work_dtype
    _scale[(triton.cdiv(input.numel(), 256),)](input, y, input.numel(), BLOCK=256)
    return y
'''


def _sm_rules(code: str, test: str) -> list[tuple[str, str]]:
    scalars = scalar_positions(SM_REF, function="softmax_mul", test_code=test)
    return [(v.rule, v.detail) for v in analyze(code, "triton", entry="softmax_mul", kind="function",
                                                 scalars=scalars)[0]]


def test_a_dtype_parameter_filled_with_torch_dtypes_is_a_size() -> None:
    assert _sm_rules(SM_ANSWER, SM_TEST) == []
    # the same dtype comparison on a tensor argument is still tensor compute
    assert any(r == "torch_compute" for r, _ in _sm_rules(SM_ANSWER.replace("dtype != input.dtype",
                                                                             "other != input"), SM_TEST))


@pytest.mark.parametrize("given", ["torch.ones(1)", "x", "torch.nn", "x.dtype"])
def test_a_dtype_position_given_anything_else_stays_a_tensor(given: str) -> None:
    test = SM_TEST.replace("    return results", f"    results['x'] = softmax_mul(x, x, 1, dtype={given})\n"
                           "    return results")
    assert "dtype" not in scalar_positions(SM_REF, function="softmax_mul", test_code=test)
    assert any(r == "torch_compute" for r, _ in _sm_rules(SM_ANSWER, test))


# -- H4: a module-level alias of the answer's own kernel (bound once) is that kernel ---------------
RELU_ALIAS = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    tl.store(y_ptr + offs, tl.maximum(x, 0.0), mask=m)


_relu = relu_kernel


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        y = torch.empty_like(x)
        n = x.numel()
        _relu[(triton.cdiv(n, 1024),)](x, y, n, BLOCK=1024)
        return y
'''
_ALIAS = "_relu = relu_kernel\n"
#: (replaced text, replacement, a rule expected)
ALIAS_ATTACKS: dict[str, tuple[str, str, str]] = {
    # rebound in a function: the name no longer always names the kernel
    "rebound_by_global": ("        x = x.contiguous()\n", "        global _relu\n        _relu = torch.relu\n"
                          "        x = x.contiguous()\n", "forbidden_call"),
    "alias_of_a_torch_function": (_ALIAS, "_relu = torch.relu\n", "forbidden_call"),
    "alias_bound_twice": (_ALIAS, _ALIAS + "_relu = torch.relu\n", "shadowing"),
    "alias_passed_to_a_launch": ("BLOCK=1024)\n", "BLOCK=1024, F=_relu)\n", "host_object"),
    "tensor_to_a_constexpr_through_the_alias": ("x, y, n, BLOCK=1024)", "x, y, n, BLOCK=x)", "torch_compute"),
}


def test_a_kernel_alias_bound_once_is_the_kernel() -> None:
    assert [(v.rule, v.detail) for v in analyze(RELU_ALIAS, "triton")[0]] == []


@pytest.mark.parametrize("name", sorted(ALIAS_ATTACKS))
def test_a_kernel_alias_attack_is_rejected(name: str) -> None:
    old, new, rule = ALIAS_ATTACKS[name]
    assert RELU_ALIAS.count(old) == 1
    rules = [v.rule for v in analyze(RELU_ALIAS.replace(old, new), "triton")[0]]
    assert rule in rules, rules


# -- H2: a "Tensor or Number" argument in the arm where it is known not to be a tensor ------------
ADD_KERNEL = '''import torch
import triton
import triton.language as tl


@triton.jit
def _add(x_ptr, o_ptr, y_ptr, other_val, n, OTHER_IS_TENSOR: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    if OTHER_IS_TENSOR:
        o = tl.load(o_ptr + offs, mask=mask, other=0.0)
    else:
        o = other_val
    tl.store(y_ptr + offs, x + o, mask=mask)


def add_scaled(input, other, alpha=1):
    x = input.contiguous()
    y = torch.empty_like(x)
    n = x.numel()
'''
_LAUNCH_H2 = "    _add[(triton.cdiv(n, 256),)](x, o, y, other_val, n, OTHER_IS_TENSOR=is_tensor, BLOCK=256)\n    return y\n"
#: the honest forms of H2 (v3 to v6 of the tester's add_gelu)
H2_HONEST = {
    "else_arm_arithmetic": "    if isinstance(other, torch.Tensor):\n        o, other_val, is_tensor = other, 0.0, True\n"
                           "    else:\n        o, other_val, is_tensor = x, alpha * other, False\n",
    "positive_number_guard": "    if isinstance(other, (int, float)):\n        o, other_val, is_tensor = x, float(other) * alpha, False\n"
                             "    else:\n        o, other_val, is_tensor = other, 0.0, True\n",
    "is_tensor_guard": "    if torch.is_tensor(other):\n        o, other_val, is_tensor = other, 0.0, True\n"
                       "    else:\n        o, other_val, is_tensor = x, float(other), False\n",
    "conditional_expression": "    is_tensor = isinstance(other, torch.Tensor)\n    o = other if is_tensor else x\n"
                              "    other_val = 0.0 if is_tensor else other * 1.0\n",
    "early_return_number": "    if not isinstance(other, int):\n        raise TypeError('int only')\n"
                           "    o, other_val, is_tensor = x, other + 1, False\n",
}
#: the nearest attacks: (form, a rule expected)
H2_ATTACKS = {
    # the tensor arm: arithmetic on the tensor
    "tensor_arm_arithmetic": ("    if isinstance(other, torch.Tensor):\n        o, other_val, is_tensor = other * alpha, 0.0, True\n"
                              "    else:\n        o, other_val, is_tensor = x, other, False\n", "torch_compute"),
    # rebound after the guard: the name no longer holds what was tested
    "rebound_in_the_arm": ("    if isinstance(other, (int, float)):\n        other = x\n        o, other_val, is_tensor = x, other * 2, False\n"
                           "    else:\n        o, other_val, is_tensor = other, 0.0, True\n", "torch_compute"),
    # the non-tensor arm's arithmetic result may hold tensors ([t] * 2): computing on it is rejected
    "result_of_non_tensor_arithmetic": ("    if isinstance(other, torch.Tensor):\n        o, other_val, is_tensor = other, 0.0, True\n"
                                        "    else:\n        o, other_val, is_tensor = x, float((other * 2)[0].sum()), False\n",
                                        "host_value"),
    # a non-tensor times a tensor is tensor arithmetic
    "non_tensor_times_a_tensor": ("    if isinstance(other, torch.Tensor):\n        o, other_val, is_tensor = other, 0.0, True\n"
                                  "    else:\n        o, other_val, is_tensor = other * x, 0.0, True\n", "torch_compute"),
    # a rebound number type name is no number guard
    "rebound_int": ("    int = torch.Tensor\n    if isinstance(other, int):\n        o, other_val, is_tensor = x, other * 2.0, False\n"
                    "    else:\n        o, other_val, is_tensor = other, 0.0, True\n", "torch_compute"),
    "int_bound_as_a_loop_target": ("    if isinstance(other, int):\n        o, other_val, is_tensor = x, other * 2.0, False\n"
                                   "    else:\n        o, other_val, is_tensor = other, 0.0, True\n"
                                   "    for int in (torch.Tensor,):\n        pass\n", "torch_compute"),
    # a guard on another name narrows nothing
    "guard_on_another_name": ("    if isinstance(alpha, (int, float)):\n        o, other_val, is_tensor = x, other * 2.0, False\n"
                              "    else:\n        o, other_val, is_tensor = other, 0.0, True\n", "torch_compute"),
}


def _h2_rules(form: str) -> list[str]:
    return [v.rule for v in analyze(ADD_KERNEL + form + _LAUNCH_H2, "triton", entry="add_scaled",
                                    kind="function")[0]]


@pytest.mark.parametrize("name", sorted(H2_HONEST))
def test_a_number_arm_of_a_tensor_or_number_argument_passes(name: str) -> None:
    assert _h2_rules(H2_HONEST[name]) == []


@pytest.mark.parametrize("name", sorted(H2_ATTACKS))
def test_narrowing_attack_is_rejected(name: str) -> None:
    form, rule = H2_ATTACKS[name]
    assert rule in _h2_rules(form)


# -- H7: a named module-level function as a triton.heuristics value is checked as such a lambda ----
HEUR_NAMED = '''import torch
import torch.nn as nn
import triton
import triton.language as tl

def _block(args):
    return min(1024, triton.next_power_of_2(args["N"]))

@triton.heuristics({"BLOCK": _block})
@triton.jit
def rms_norm_kernel(x_ptr, w_ptr, y_ptr, N, stride, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + row * stride + cols, mask=cols < N, other=0.0).to(tl.float32)
        acc += x * x
    rstd = tl.rsqrt(tl.sum(acc, axis=0) / N + eps)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        m = cols < N
        x = tl.load(x_ptr + row * stride + cols, mask=m, other=0.0).to(tl.float32)
        w = tl.load(w_ptr + cols, mask=m, other=0.0).to(tl.float32)
        tl.store(y_ptr + row * stride + cols, x * rstd * w, mask=m)


class ModelNew(nn.Module):
    def __init__(self, eps: float):
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        x2 = x.reshape(-1, x.shape[-1]).contiguous()
        M, N = x2.shape
        y = torch.empty_like(x2)
        rms_norm_kernel[(M,)](x2, weight, y, N, x2.stride(0), self.eps)
        return y.view_as(x)
'''
_HEUR = '''def _block(args):
    return min(1024, triton.next_power_of_2(args["N"]))
'''
#: (replacement of _HEUR or of the decorator, the rule expected)
HEUR_ATTACKS: dict[str, tuple[str, str, str]] = {
    # the function computes on a tensor the launch passes (as the same lambda would)
    "tensor_compute_in_the_function": (_HEUR, 'def _block(args):\n    return int(args["x_ptr"].sum()) + 16\n',
                                       "host_value"),
    "tensor_method_in_the_function": (_HEUR, 'def _block(args):\n    args["y_ptr"].mul_(2)\n    return 16\n',
                                      "torch_compute"),
    "returns_a_tensor": (_HEUR, 'def _block(args):\n    return args["x_ptr"]\n', "host_value"),
    # an imported function or a module-level lambda value is no function of the answer's
    "imported_function": ('@triton.heuristics({"BLOCK": _block})', '@triton.heuristics({"BLOCK": next_power_of_2})',
                          "forbidden_decorator"),
    "module_level_lambda": (_HEUR, '_block = lambda args: 16\n', "forbidden_decorator"),
}


def test_a_named_heuristics_function_passes() -> None:
    assert [(v.rule, v.detail) for v in analyze(HEUR_NAMED, "triton")[0]] == []


@pytest.mark.parametrize("name", sorted(HEUR_ATTACKS))
def test_a_named_heuristics_attack_is_rejected(name: str) -> None:
    old, new, rule = HEUR_ATTACKS[name]
    code = HEUR_NAMED.replace(old, new)
    if name == "imported_function":
        code = code.replace("import triton\n", "import triton\nfrom triton import next_power_of_2\n", 1)
    assert code != HEUR_NAMED
    rules = [v.rule for v in analyze(code, "triton")[0]]
    assert rule in rules, rules


# -- H10: sorted/set/frozenset of sizes; H11: config attributes of the entry's nn-layer argument ---
LN_ANSWER = '''import torch
import triton
import triton.language as tl


@triton.jit
def _ln(x_ptr, w_ptr, b_ptr, y_ptr, n, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    m = cols < n
    x = tl.load(x_ptr + row * n + cols, mask=m, other=0.0)
    mean = tl.sum(x, axis=0) / n
    d = tl.where(m, x - mean, 0.0)
    r = tl.rsqrt(tl.sum(d * d, axis=0) / n + eps)
    y = d * r * tl.load(w_ptr + cols, mask=m) + tl.load(b_ptr + cols, mask=m)
    tl.store(y_ptr + row * n + cols, y, mask=m)


def _dims(dim, ndim):
    if isinstance(dim, int):
        dim = (dim,)
    return tuple(sorted(set(d % ndim for d in dim))), frozenset(dim)


def fast_layernorm(layernorm, X):
    assert layernorm.elementwise_affine is True
    eps = layernorm.eps
    dims, _ = _dims(-1, X.dim())
    n = X.shape[dims[0]]
    x = X.contiguous()
    y = torch.empty_like(x)
    _ln[(x.numel() // n,)](x, layernorm.weight, layernorm.bias, y, n, eps, BLOCK=triton.next_power_of_2(n))
    return y
'''
#: (replaced text, replacement, a rule expected)
LN_ATTACKS: dict[str, tuple[str, str, str]] = {
    "sorted_of_a_tensor": ("sorted(set(d % ndim for d in dim))", "sorted(X)", "torch_compute"),
    "set_of_a_tensor": ("    eps = layernorm.eps\n", "    eps = len(set(X))\n", "torch_compute"),
    "weights_still_tensors": ("    eps = layernorm.eps\n", "    eps = float(layernorm.weight.sum())\n", "torch_compute"),
    # the answer calls its entry with an object of its own: the parameter is no longer the test's layer
    "entry_called_by_the_answer": ("    dims, _ = _dims(-1, X.dim())\n",
                                   "    dims, _ = _dims(-1, X.dim())\n    if X.dim() > 9:\n"
                                   "        return fast_layernorm(X, X)\n", "forbidden_attribute"),
    # the parameter rebound to a tensor before the read
    "rebound_parameter": ("    eps = layernorm.eps\n", "    layernorm = X\n    eps = layernorm.eps\n",
                          "forbidden_attribute"),
    # a helper's parameter is no test value
    "read_in_a_helper": ("def fast_layernorm(layernorm, X):\n",
                         "def _eps(m):\n    return m.eps\n\n\ndef fast_layernorm(layernorm, X):\n    _eps(X)\n",
                         "forbidden_attribute"),
    # an attribute name torch.Tensor has is not read as a config value
    "tensor_attribute_name": ("    eps = layernorm.eps\n", "    eps = layernorm.eps\n    s = layernorm.stride\n",
                              "forbidden_attribute"),
}


#: the problem's test section passes torch's nn.LayerNorm (TritonBench-G fast_layernorm): the
#: reads of its config attributes are sizes only where the problem builds the layer (static.layerargs)
LN_TEST = """
import torch
import torch.nn as nn

def test_fast_layernorm():
    X = torch.randn(4, 8, device='cuda')
    layernorm = nn.LayerNorm(8, eps=1e-5, elementwise_affine=True).cuda()
    return {'test_case_1': fast_layernorm(layernorm, X)}

result_gold = test_fast_layernorm()
"""


def _ln_rules(code: str) -> list[str]:
    scalars = scalar_positions(LN_ANSWER, function="fast_layernorm", test_code=LN_TEST)
    return [v.rule for v in analyze(code, "triton", entry="fast_layernorm", kind="function", scalars=scalars)[0]]


def test_sizes_sorted_and_config_attributes_of_the_entry_argument_pass() -> None:
    assert _ln_rules(LN_ANSWER) == []


@pytest.mark.parametrize("name", sorted(LN_ATTACKS))
def test_sorted_set_and_config_attribute_attacks_are_rejected(name: str) -> None:
    old, new, rule = LN_ATTACKS[name]
    assert LN_ANSWER.count(old) == 1
    rules = _ln_rules(LN_ANSWER.replace(old, new))
    assert rule in rules, rules


# -- H6: out.copy_(result) of a tensor only the answer's kernel wrote ------------------------------
SM_OUT = SM_ANSWER.replace('''    _scale[(triton.cdiv(input.numel(), 256),)](input, y, input.numel(), BLOCK=256)
    return y
''', '''    _scale[(triton.cdiv(input.numel(), 256),)](input, y, input.numel(), BLOCK=256)
    flat = y.view(input.shape)
    result = flat.movedim(-1, -1)
    if out is not None:
        out.copy_(result)
        return out
    return result
''')
_COPY = "        out.copy_(result)\n"
#: (replaced text, replacement): each keeps the .copy_() violation (torch_compute, or forbidden_call where the
#: problem's typing makes ``out`` a size)
OUT_ATTACKS: dict[str, tuple[str, str]] = {
    "identity_copy_of_the_input": (_COPY, "        out.copy_(input)\n"),
    "copy_of_a_torch_result": (_COPY, "        out.copy_(torch.softmax(input, dim) * other)\n"),
    "source_rebound_to_the_input": (_COPY, "        result = input\n" + _COPY),
    "source_never_launched": ("](input, y, input.numel()", "](input, input, input.numel()"),
    "source_a_view_of_the_input": ("    flat = y.view(input.shape)", "    flat = input.view(input.shape)"),
    "receiver_not_the_out_parameter": (_COPY, "        input.copy_(result)\n"),
    "out_rebound": (_COPY, "        out = torch.empty_like(input)\n" + _COPY),
    "copy_with_keywords": (_COPY, "        out.copy_(result, non_blocking=True)\n"),
    # red team 12c C3: an "allocation" written into the input is the input
    "allocation_out_is_the_input": ("device=input.device)", "device=input.device, out=input)"),
    "allocation_out_of_a_view": ("device=input.device)", "device=input.device, out=input.view(-1))"),
    "allocation_kwargs_splat": ("device=input.device)", "device=input.device, **{'out': input})"),
}


def test_out_copy_of_the_kernels_result_passes() -> None:
    assert _sm_rules(SM_OUT, SM_TEST) == []


@pytest.mark.parametrize("name", sorted(OUT_ATTACKS))
def test_out_copy_attack_is_rejected(name: str) -> None:
    old, new = OUT_ATTACKS[name]
    assert SM_OUT.count(old) == 1
    code = SM_OUT.replace(old, new)
    scalars = scalar_positions(SM_REF, function="softmax_mul", test_code=SM_TEST)
    details = [v.detail for v in analyze(code, "triton", entry="softmax_mul", kind="function", scalars=scalars)[0]]
    assert any(".copy_()" in d for d in details), details
