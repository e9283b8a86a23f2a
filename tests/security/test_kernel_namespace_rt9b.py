"""Red team 9b S2: the problem's test section ran in the answer's namespace, so a name it reads
from the operator file (``N_ELEMS``, the problem size) took the answer's value: ``N_ELEMS = 0``
made the test run on empty tensors and a kernel that never adds passed. Now the test section reads
the reference module's namespace (``sandboxed.constants``; red team 9d closed the rest of the
gap, ``test_kernel_namespace_rt10.py``)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.tritonbench import TritonBenchGSuite
from harness.api import score_response
from harness.families.kernels.sandboxed.constants import SECTION_KEY, section_namespace, section_record
from harness.suite import SuiteOptions
from harness.types import Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context

OPERATOR = "import torch\nimport triton\nimport triton.language as tl\n\nN_ELEMS = 4099\n\n\n@triton.jit\ndef vec_add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    m = offs < n\n    x = tl.load(x_ptr + offs, mask=m)\n    y = tl.load(y_ptr + offs, mask=m)\n    tl.store(out_ptr + offs, x + y, mask=m)\n\n\ndef vec_add(x, y):\n    out = torch.empty_like(x)\n    n = out.numel()\n    vec_add_kernel[(triton.cdiv(n, 1024),)](x, y, out, n, BLOCK=1024)\n    return out\n##################################################################################################################################################\n\nimport torch\n\n\ndef test_vec_add():\n    results = {}\n    x = torch.randn(N_ELEMS, device='cuda')\n    y = torch.randn(N_ELEMS, device='cuda')\n    out = vec_add(x, y)\n    results['test_case_1'] = torch.allclose(out, x + y)\n    a = torch.randn(N_ELEMS, device='cuda')\n    results['test_case_2'] = torch.allclose(vec_add(a, -a), torch.zeros_like(a))\n    return results\n\n\nresult_gold = test_vec_add()\n"
META = [{'file': 'vec_add.py', 'repo': 'example/repo', 'star': 1, 'difficulty': 1, 'simp_instru': 'Write a Triton kernel vec_add(x, y) that adds two vectors.', 'comp_instru': 'Write a Triton kernel `vec_add_kernel` and a wrapper `vec_add(x, y)` returning x + y elementwise for 1-D float32 tensors; the module defines N_ELEMS = 4099, the problem size its test uses.', 'output': 'import torch\nimport triton\nimport triton.language as tl\n\nN_ELEMS = 4099\n\n\n@triton.jit\ndef vec_add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    m = offs < n\n    x = tl.load(x_ptr + offs, mask=m)\n    y = tl.load(y_ptr + offs, mask=m)\n    tl.store(out_ptr + offs, x + y, mask=m)\n\n\ndef vec_add(x, y):\n    out = torch.empty_like(x)\n    n = out.numel()\n    vec_add_kernel[(triton.cdiv(n, 1024),)](x, y, out, n, BLOCK=1024)\n    return out\n'}]
ATTACK = '```python\nimport torch\nimport triton\nimport triton.language as tl\n\nN_ELEMS = 0\n\n\n@triton.jit\ndef vec_add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    m = offs < n\n    x = tl.load(x_ptr + offs, mask=m)\n    tl.store(out_ptr + offs, x, mask=m)\n\n\ndef vec_add(x, y):\n    out = torch.empty_like(x)\n    n = out.numel()\n    vec_add_kernel[(max(1, triton.cdiv(n, 1024)),)](x, y, out, n, BLOCK=1024)\n    return out\n```\n'


def _run(source: str, test: str, entry: str, answer: dict[str, Any]) -> dict[str, Any]:
    """The test section run as the worker runs it, against ``answer`` (a module's names)."""
    ns = section_namespace(section_record(source, test, entry)[SECTION_KEY], answer)
    exec(compile(test, "test_section.py", "exec"), ns)  # noqa: S102 - our own fixture
    return ns


def test_the_constants_the_test_section_reads_are_the_references() -> None:
    source = "N = 7\nSHAPE = (3, 4)\nSIZES = [1, 2]\nNAME = 'x'\nUNUSED = 1\ndef f(x):\n    return x\n"
    test = "def t():\n    k = N + SHAPE[0] + len(SIZES)\n    return f(NAME), k\nLOCAL = 3\nr = LOCAL + t()[1]\n"
    answer = {"N": 0, "SHAPE": (0, 0), "SIZES": [], "NAME": "", "f": lambda x: x * 2}
    ns = _run(source, test, "f", answer)
    assert ns["r"] == 3 + 7 + 3 + 2 and ns["t"]()[0] == "xx"  # the answer's f, the reference's constants
    assert "UNUSED" not in ns


def test_nested_constants_dtypes_and_devices_travel_too() -> None:
    """Red team 9c S4/S7/S14: a list of shapes, a dict, dtypes, ranges, a class of constants and
    ``op.N_ROWS`` where the section imports the operator file: all the reference's."""
    import torch

    source = ("import torch\nSHAPES = [(64, 128), (256, 64)]\nCFG = {'rows': 96}\nDT = torch.float16\n"
              "SIZES = range(64, 257, 64)\nN_ROWS = 96\nclass Config:\n    ROWS = 96\ndef f(x):\n    return x\n")
    test = "r = (SHAPES, CFG, DT, SIZES, Config.ROWS, f(1))\n"
    answer = {"SHAPES": [(0, 0)], "CFG": {"rows": 0}, "DT": torch.int8, "SIZES": range(0), "f": lambda x: x,
              "Config": type("Config", (), {"ROWS": 0})}
    ns = _run(source, test, "f", answer)
    assert ns["r"] == ([(64, 128), (256, 64)], {"rows": 96}, torch.float16, range(64, 257, 64), 96, 1)


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_an_answer_cannot_resize_the_test(tmp_path: Path) -> None:
    data = tmp_path / "tb"
    (data / "TritonBench_G_v1").mkdir(parents=True)
    (data / "TritonBench_G_v1" / "vec_add.py").write_text(OPERATOR)
    (data / "TritonBench_G_v1.json").write_text(json.dumps(META))
    suite = TritonBenchGSuite(SuiteOptions(data=str(data), lang="triton"))
    (problem,) = suite.problems()
    ctx = context(tmp_path)
    assert score_response(suite, problem, suite.reference_response(problem), ctx).status == Status.PASS
    v = score_response(suite, problem, ATTACK, ctx)
    assert v.status == Status.FAIL, v.reason


def test_reference_helpers_the_section_calls_are_the_references() -> None:
    """Red team 9c S10: the test section's ``torch_scale`` (a pure torch helper of the operator file)
    resolved to the answer's, which returned zeros to agree with a zero kernel. Helpers that launch
    no kernel are the reference's; the launchers the test names are the answer's, and the
    reference's kernel and launchers are not in the namespace at all."""
    source = '''import torch
import triton
import triton.language as tl


@triton.jit
def k(x_ptr, n, B: tl.constexpr):
    pass


def launch(x):
    k[(1,)](x, x.numel(), B=16)
    return x


def scale(x):
    return launch(x)


@torch.no_grad()
def torch_scale(x):
    return x * 2.0


def unused(x):
    return x
'''
    test = "x = torch.ones(4)\nr = torch.allclose(scale(x), torch_scale(x)) and launch(x) is not None\n"
    record = section_record(source, test, "scale")[SECTION_KEY]
    assert record["provided"] == ["launch", "scale"]
    assert "def torch_scale(x):" in record["source"] and "def k(" not in record["source"]
    assert "def unused" not in record["source"] and "def launch" not in record["source"]
    ns = _run(source, test, "scale", {"scale": lambda x: x * 2.0, "launch": lambda x: x,
                                      "torch_scale": lambda x: x * 0.0})
    assert ns["r"] is True and "k" not in ns


def test_a_local_of_the_same_name_does_not_hide_a_constant() -> None:
    """Red team 9d S6: ``for N in (4,)`` in one function of the section dropped the module-level
    ``N`` that another function reads."""
    ns = _run("N = 1000\ndef f():\n    pass\n", "def make():\n    return N\ndef test():\n    for N in (4,):\n"
              "        pass\nr = make()\n", "f", {"N": 0, "f": lambda: None})
    assert ns["r"] == 1000
