"""Honest round 13 P1a (issue #14, no false rejections): numbers the TritonBench test section passes
through a name bound to another number name (``p_max_len_in_batch = seq_len``, apply_penalty) or
tuple-unpacked from a literal tuple (``B, N_CTX, H, D = 4, 1025, 12, 128``, token_softmax_bloom) are
sizes; each honest form sits next to the nearby attack, which stays a possible tensor."""
from __future__ import annotations

import pytest

from harness.families.kernels.static.check import analyze, scalar_positions
from harness.families.kernels.static.testargs import passed_numbers
from tests.security.test_kernel_tb_rt11 import LSE_HONEST, LSE_TEST, _rules


def _test_with(lines: str, call: str = "logsumexp(x, d)") -> str:
    body = "".join(f"    {ln}\n" for ln in lines.splitlines())
    return LSE_TEST.replace("    return results", f"{body}    results['x'] = {call}\n    return results")


@pytest.mark.parametrize("lines", [
    "seq_len = 0\nd = seq_len",  # apply_penalty
    "a = 0\nb = a\nd = b",  # a chain
    "B, d, H = 4, 0, 12",  # token_softmax_bloom
    "(B, d) = [4, 0]",
    "seq_len: int = 0\nd = 1\nd = seq_len",  # a name bound twice, both numbers
])
def test_a_name_bound_to_a_number_name_or_unpacked_from_literals_is_a_size(lines: str) -> None:
    test = _test_with(lines)
    assert passed_numbers(test, "logsumexp", ["input", "dim"]) == {1}
    assert _rules(LSE_HONEST, test) == []


def test_a_module_level_number_followed_from_the_test_function() -> None:
    test = "seq_len = 0\n" + _test_with("d = seq_len")
    assert passed_numbers(test, "logsumexp", ["input", "dim"]) == {1}


@pytest.mark.parametrize("lines", [
    "seq_len = torch.tensor(0)\nd = seq_len",  # the name it follows is a tensor
    "seq_len = 0\nd = seq_len\nseq_len = torch.tensor(0)",  # rebound later: fail closed
    "seq_len = 0\nd = seq_len\nd = torch.tensor(0)",  # the name itself rebound to a tensor
    "d = e\ne = d",  # a cycle
    "d = x.shape",  # an attribute
    "d = int(x.shape[0]) - 2",  # a call
    "B, d = 4, torch.tensor(0)",  # unpacked, but not from literals
    "B, d = (4, 0) if x.numel() else (4, torch.tensor(0))",
    "B, *d = 4, 0, 1",  # starred: a list
    "d, = (torch.tensor(0),)",
    "t = torch.tensor(0)\nB, d = 4, t",
    "d = undefined_name",  # bound nowhere in the problem
    "seq_len = 0\nseq_len += x.sum()\nd = seq_len",  # augmented: not a literal binding
])
def test_a_name_that_may_follow_a_tensor_stays_a_tensor(lines: str) -> None:
    test = _test_with(lines)
    assert 1 not in passed_numbers(test, "logsumexp", ["input", "dim"])
    assert any(rule == "torch_compute" for rule, _ in _rules(LSE_HONEST, test))


def test_a_parameter_followed_through_a_name_stays_a_tensor() -> None:
    src = "def test(seq_len=0):\n    d = seq_len\n    return logsumexp(x, d)\n"
    assert passed_numbers(src, "logsumexp", ["input", "dim"]) == set()
    nested = "seq_len = 0\ndef test():\n    def inner():\n        d = seq_len\n        return logsumexp(x, d)\n" \
        "    return inner()\n"
    assert passed_numbers(nested, "logsumexp", ["input", "dim"]) == set()  # nested: free names not followed


# -- H1: a second wrapper the test section calls (TritonBench-G triton_mul2) ------------------
MUL2_REF = '''import torch
import triton
import triton.language as tl


@triton.jit
def mul2_kernel(src, dst, n, BLOCK_SIZE: tl.constexpr):
    offs = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n
    tl.store(dst + offs, tl.load(src + offs, mask=mask) * 2, mask=mask)


def triton_mul2(x, BLOCK_SIZE=16):
    out = torch.empty_like(x)
    n = x.numel()
    mul2_kernel[(triton.cdiv(n, BLOCK_SIZE),)](x, out, n, BLOCK_SIZE=BLOCK_SIZE)
    return out


def triton_mul2_inplace(x, BLOCK_SIZE=16):
    n = x.numel()
    mul2_kernel[(triton.cdiv(n, BLOCK_SIZE),)](x, x, n, BLOCK_SIZE=BLOCK_SIZE)
    return x
'''
MUL2_TEST = '''
import torch

def test_mul2():
    results = {}
    x = torch.arange(1024, dtype=torch.float32, device='cuda')
    results["test_case_1"] = triton_mul2(x, BLOCK_SIZE=1024)
    results["test_case_2"] = triton_mul2_inplace(x.clone(), BLOCK_SIZE=1024)
    return results

result_gold = test_mul2()
'''


def _mul2_rules(code: str, test: str = MUL2_TEST) -> list[tuple[str, str]]:
    scalars = scalar_positions(MUL2_REF, function="triton_mul2_inplace", test_code=test)
    return [(v.rule, v.detail) for v in analyze(code, "triton", entry="triton_mul2_inplace", kind="function",
                                                 scalars=scalars)[0]]


def _torch(rules: list[tuple[str, str]]) -> bool:
    return any(rule == "torch_compute" for rule, _ in rules)


def test_a_second_wrapper_the_test_calls_is_typed_from_its_calls() -> None:
    assert _mul2_rules(MUL2_REF) == []  # before: triton.cdiv() "on a tensor" in triton_mul2
    # the test passes a tensor there: stays a possible tensor
    assert _torch(_mul2_rules(MUL2_REF, MUL2_TEST.replace("triton_mul2(x, BLOCK_SIZE=1024)",
                                                          "triton_mul2(x, BLOCK_SIZE=torch.tensor(4))")))
    # the test calls it through a variable: its calls are not all visible
    assert _torch(_mul2_rules(MUL2_REF, MUL2_TEST.replace('results["test_case_1"] = triton_mul2(x, BLOCK_SIZE=1024)',
                                                          'f = triton_mul2\n    results["test_case_1"] = f(x, 1024)')))


@pytest.mark.parametrize("extra", [
    # the answer calls the wrapper itself with a tensor size
    "def triton_mul2_inplace(x, BLOCK_SIZE=16):\n    return triton_mul2(x, x.sum())\n",
    "def triton_mul2_inplace(x, BLOCK_SIZE=16):\n    return triton_mul2(x, BLOCK_SIZE=x.sum())\n",
    # the answer uses it as a value: anything may call it
    "def triton_mul2_inplace(x, BLOCK_SIZE=16):\n    g = triton_mul2\n    return g(x, x.sum())\n",
    "def triton_mul2_inplace(x, BLOCK_SIZE=16):\n    return list(map(triton_mul2, [x], [x.sum()]))[0]\n",
])
def test_an_answer_passing_its_wrapper_a_tensor_size_is_rejected(extra: str) -> None:
    answer = MUL2_REF[:MUL2_REF.index("def triton_mul2_inplace")] + extra
    assert _torch(_mul2_rules(answer))


@pytest.mark.parametrize("tail", ["triton_mul2 = _launch\n", "def triton_mul2(x, BLOCK_SIZE=16):\n    return x\n"
                                  "triton_mul2 = _launch\n"])
def test_a_wrapper_name_bound_to_another_function_stays_untyped(tail: str) -> None:
    helper = "def _launch(x, BLOCK_SIZE=16):\n    n = x.numel()\n" \
        "    mul2_kernel[(triton.cdiv(n, BLOCK_SIZE),)](x, x, n, BLOCK_SIZE=BLOCK_SIZE)\n    return x\n"
    answer = MUL2_REF[:MUL2_REF.index("def triton_mul2(")] + helper + tail + \
        MUL2_REF[MUL2_REF.index("def triton_mul2_inplace"):]
    assert _torch(_mul2_rules(answer))


# -- P1b: module-level typing aliases (kldiv_ops, multinomial_sampling, masked_select) ----------
_TYPING = "from typing import Dict, Literal, Optional, Sequence, Tuple, Union\n"
_ALIASES = 'R = Literal["none", "sum"]\nT = Union[Dict[str, type], Sequence[type], None]\nShape = Tuple[int, ...]\n' \
    "O = Optional[torch.Tensor]\nL = list[Shape]\n"
_SIGNATURE = "def triton_mul2_inplace(x: O, BLOCK_SIZE: int = 16, r: R = 'none', s: Shape = (1,), t: T = None, " \
    "l: L | None = None) -> O:"


def _with_aliases(aliases: str = _ALIASES, use: str = "") -> str:
    code = MUL2_REF.replace("import torch\n", "import torch\n" + _TYPING + aliases)
    code = code.replace("def triton_mul2_inplace(x, BLOCK_SIZE=16):", _SIGNATURE)
    return code.replace("    n = x.numel()\n    mul2_kernel[(triton.cdiv(n, BLOCK_SIZE),)](x, x,",
                        f"    {use or 'pass'}\n    n = x.numel()\n    mul2_kernel[(triton.cdiv(n, BLOCK_SIZE),)](x, x,")


def test_a_typing_alias_used_in_annotations_is_accepted() -> None:
    assert _mul2_rules(_with_aliases()) == []  # before: forbidden_attribute "typing is for annotations only"


@pytest.mark.parametrize("use", ["print(R)", "y = Shape", "isinstance(x, T)", "Shape((1,))", "z = [O]",
                                 "getattr(R, '__args__')", "R.__args__"])
def test_a_typing_alias_used_as_a_value_is_rejected(use: str) -> None:
    rules = {rule for rule, _ in _mul2_rules(_with_aliases(use=use))}
    assert rules & {"forbidden_attribute", "dunder_access", "forbidden_builtin"}


@pytest.mark.parametrize("aliases", [
    "R = Literal[torch.tensor(1)]\n",  # computes
    "k = 1\nR = Literal[k]\n",  # a name that is no type
    "R = Union[int, getattr]\n",
    'R = Optional[print("x")]\n',
    "R = Tuple[int]\nR = 1\n",  # bound twice
    "R = Tuple[int]\ndef _f():\n    global R\n    R = 1\n",
    "int = 3\nR = Tuple[int]\n",  # the builtin rebound
])
def test_a_typing_alias_over_anything_but_types_is_rejected(aliases: str) -> None:
    assert _mul2_rules(_with_aliases(aliases)) != []
