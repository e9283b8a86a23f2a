"""Red team 9b S2: the problem's test section ran in the answer's namespace, so a name it reads
from the operator file (``N_ELEMS``, the problem size) took the answer's value: ``N_ELEMS = 0``
made the test run on empty tensors and a kernel that never adds passed. Now the test section reads
the reference module's plain constants (``sandboxed.constants.section_constants``)."""
from __future__ import annotations

import json
import types
from pathlib import Path

import pytest

from benchmarks.tritonbench import TritonBenchGSuite
from harness.api import score_response
from harness.families.kernels.sandboxed.constants import decode_constant, section_constants
from harness.suite import SuiteOptions
from harness.types import Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context

OPERATOR = "import torch\nimport triton\nimport triton.language as tl\n\nN_ELEMS = 4099\n\n\n@triton.jit\ndef vec_add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    m = offs < n\n    x = tl.load(x_ptr + offs, mask=m)\n    y = tl.load(y_ptr + offs, mask=m)\n    tl.store(out_ptr + offs, x + y, mask=m)\n\n\ndef vec_add(x, y):\n    out = torch.empty_like(x)\n    n = out.numel()\n    vec_add_kernel[(triton.cdiv(n, 1024),)](x, y, out, n, BLOCK=1024)\n    return out\n##################################################################################################################################################\n\nimport torch\n\n\ndef test_vec_add():\n    results = {}\n    x = torch.randn(N_ELEMS, device='cuda')\n    y = torch.randn(N_ELEMS, device='cuda')\n    out = vec_add(x, y)\n    results['test_case_1'] = torch.allclose(out, x + y)\n    a = torch.randn(N_ELEMS, device='cuda')\n    results['test_case_2'] = torch.allclose(vec_add(a, -a), torch.zeros_like(a))\n    return results\n\n\nresult_gold = test_vec_add()\n"
META = [{'file': 'vec_add.py', 'repo': 'example/repo', 'star': 1, 'difficulty': 1, 'simp_instru': 'Write a Triton kernel vec_add(x, y) that adds two vectors.', 'comp_instru': 'Write a Triton kernel `vec_add_kernel` and a wrapper `vec_add(x, y)` returning x + y elementwise for 1-D float32 tensors; the module defines N_ELEMS = 4099, the problem size its test uses.', 'output': 'import torch\nimport triton\nimport triton.language as tl\n\nN_ELEMS = 4099\n\n\n@triton.jit\ndef vec_add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    m = offs < n\n    x = tl.load(x_ptr + offs, mask=m)\n    y = tl.load(y_ptr + offs, mask=m)\n    tl.store(out_ptr + offs, x + y, mask=m)\n\n\ndef vec_add(x, y):\n    out = torch.empty_like(x)\n    n = out.numel()\n    vec_add_kernel[(triton.cdiv(n, 1024),)](x, y, out, n, BLOCK=1024)\n    return out\n'}]
ATTACK = '```python\nimport torch\nimport triton\nimport triton.language as tl\n\nN_ELEMS = 0\n\n\n@triton.jit\ndef vec_add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):\n    pid = tl.program_id(0)\n    offs = pid * BLOCK + tl.arange(0, BLOCK)\n    m = offs < n\n    x = tl.load(x_ptr + offs, mask=m)\n    tl.store(out_ptr + offs, x, mask=m)\n\n\ndef vec_add(x, y):\n    out = torch.empty_like(x)\n    n = out.numel()\n    vec_add_kernel[(max(1, triton.cdiv(n, 1024)),)](x, y, out, n, BLOCK=1024)\n    return out\n```\n'


def test_the_constants_the_test_section_reads_are_the_references() -> None:
    mod = types.ModuleType("ref")
    mod.__dict__.update({"N": 7, "SHAPE": (3, 4), "SIZES": [1, 2], "NAME": "x", "helper": len, "UNUSED": 1})
    got = section_constants(mod, "def t():\n    k = N + SHAPE[0] + len(SIZES)\n    return helper(NAME), k\n"
                                      "LOCAL = 3\nr = LOCAL + t()[1]\n")
    assert got == {"N": 7, "SHAPE": {"__tuple__": [3, 4]}, "SIZES": [1, 2], "NAME": "x"}
    assert decode_constant(got["SHAPE"]) == (3, 4) and section_constants(mod, "(") == {}


def test_nested_constants_dtypes_and_devices_travel_too() -> None:
    """Red team 9c S4: ``SHAPES = [(64, 128), (256, 64)]`` and ``CFG = {"rows": 96}`` were not
    plain, so the answer's zero shapes reached the test section."""
    import json

    import torch

    mod = types.ModuleType("ref")
    mod.__dict__.update({"SHAPES": [(64, 128), (256, 64)], "CFG": {"rows": 96, "dims": (1, 2)},
                         "DT": torch.float16, "DEV": torch.device("cpu"), "SZ": torch.Size([2, 3]),
                         "torch": torch, "OBJ": object(), "SIZES": range(64, 257, 64), "N_ROWS": 96})
    got = json.loads(json.dumps(section_constants(mod, "import ref as op\nr = (SHAPES, CFG, DT, DEV, SZ, torch, OBJ, "
                                                       "SIZES, op.N_ROWS)")))
    assert set(got) == {"SHAPES", "CFG", "DT", "DEV", "SZ", "SIZES", "N_ROWS"}  # 9c S7 (op.N_ROWS), S14 (range)
    assert decode_constant(got["SIZES"]) == range(64, 257, 64) and got["N_ROWS"] == 96

    class Config:
        ROWS = 96
        COLS = (80, 1)

    class WithMethod:
        ROWS = 96

        def rows(self) -> int:
            return self.ROWS

    mod.__dict__.update({"Config": Config, "WithMethod": WithMethod})
    classes = json.loads(json.dumps(section_constants(mod, "r = (Config.ROWS, WithMethod.ROWS)")))
    assert set(classes) == {"Config"} and decode_constant(classes["Config"]).COLS == (80, 1)
    back = {k: decode_constant(v) for k, v in got.items() if k not in ("SIZES", "N_ROWS")}
    assert back == {"SHAPES": [(64, 128), (256, 64)], "CFG": {"rows": 96, "dims": (1, 2)}, "DT": torch.float16,
                    "DEV": torch.device("cpu"), "SZ": (2, 3)}


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
    no kernel travel as reference source; wrappers that launch kernels stay the answer's."""
    from harness.families.kernels.sandboxed.constants import HELPERS_KEY, section_helpers

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
    got = section_helpers(source, test, "scale")
    assert list(got[HELPERS_KEY]) == ["torch_scale"]
    assert got[HELPERS_KEY]["torch_scale"].startswith("@torch.no_grad()\ndef torch_scale(x):")
    assert section_helpers("def (", test, "scale") == {}


def test_a_local_of_the_same_name_does_not_hide_a_constant() -> None:
    """Red team 9d S6: ``for N in (4,)`` in one function of the section dropped the module-level
    ``N`` that another function reads."""
    mod = types.ModuleType("ref")
    mod.__dict__.update({"N": 1000})
    got = section_constants(mod, "def make():\n    return N\ndef test():\n    for N in (4,):\n        pass\n")
    assert got == {"N": 1000}
