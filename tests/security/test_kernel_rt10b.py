"""Red team 10b (kernels, TritonBench and the answer's process).

S9: a TritonBench test section that reads data of a kernel-launching class (``VecAdd.N_ELEMS``)
took it from the answer's class (the class is provided by the answer, as it launches a kernel):
``N_ELEMS = 0`` drew empty inputs and a kernel that copies x instead of adding passed. Now the
section's class is a subclass of the answer's holding the reference's class-body values of the
data the section reads (``sandboxed.constants._with_reference_data``)."""
from __future__ import annotations

import json
import linecache
import types
from pathlib import Path
from typing import Any

import pytest
import torch

from benchmarks.tritonbench import TritonBenchGSuite
from harness.families.kernels.sandboxed.constants import SECTION_KEY, section_namespace, section_record
from harness.families.kernels.sandboxed.hooks import device_remap
from harness.suite import SuiteOptions
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context

SEPARATOR = "#" * 146
KERNEL = '''import torch
import triton
import triton.language as tl


@triton.jit
def vec_add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m)
    y = tl.load(y_ptr + offs, mask=m)
    tl.store(out_ptr + offs, STORED, mask=m)

'''
CLASS = '''
class VecAdd:
    N_ELEMS = SIZE
    BLOCK = 1024

    @staticmethod
    def launch(x, y):
        out = torch.empty_like(x)
        n = out.numel()
        vec_add_kernel[(max(1, triton.cdiv(n, 1024)),)](x, y, out, n, BLOCK=1024)
        return out


def vec_add(x, y):
    return VecAdd.launch(x, y)
'''
REFERENCE = KERNEL.replace("STORED", "x + y") + CLASS.replace("SIZE", "4099")
TEST = '''

import torch


def test_vec_add():
    results = {}
    x = torch.randn(VecAdd.N_ELEMS, device='cuda')
    y = torch.randn(VecAdd.N_ELEMS, device='cuda')
    results['test_case_1'] = torch.allclose(vec_add(x, y), x + y)
    results['test_case_2'] = torch.allclose(VecAdd.launch(y, x), x + y)
    return results


result_gold = test_vec_add()
'''
#: the kernel stores x (never adds); its class says the test's inputs are empty
ATTACK = KERNEL.replace("STORED", "x") + CLASS.replace("SIZE", "0")
#: the same through a metaclass that answers the class's attribute reads itself
META_ATTACK = ATTACK.replace("class VecAdd:", '''class Meta(type):
    def __getattribute__(cls, name):
        return 0 if name == "N_ELEMS" else type.__getattribute__(cls, name)


class VecAdd(metaclass=Meta):''')
#: honest: its own block size and a size it never uses
HONEST = KERNEL.replace("STORED", "y + x") + CLASS.replace("SIZE", "7").replace("BLOCK = 1024", "BLOCK = 512")


def _module(code: str) -> dict[str, Any]:
    name = f"answer_{abs(hash(code))}.py"
    linecache.cache[name] = (len(code), None, code.splitlines(keepends=True), name)
    mod = types.ModuleType("answer")
    with device_remap("cpu"):
        exec(compile(code, name, "exec"), mod.__dict__)  # noqa: S102 - our own fixture
    return mod.__dict__


def _section(provider: dict[str, Any]) -> dict[str, Any]:
    record = section_record(REFERENCE, TEST, "vec_add")[SECTION_KEY]
    torch.manual_seed(0)
    with device_remap("cpu"):
        ns = section_namespace(record, provider)
        exec(compile(TEST, "test_section.py", "exec"), ns)  # noqa: S102 - our own fixture
    return ns


def test_the_section_reads_the_references_class_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRITON_INTERPRET", "1")  # the kernels run here, on the CPU
    record = section_record(REFERENCE, TEST, "vec_add")[SECTION_KEY]
    assert record["provided"] == ["VecAdd", "vec_add"]
    assert record["class_data"]["VecAdd"]["names"] == ["N_ELEMS"]  # BLOCK is not read by the test
    answer = _module(ATTACK)
    ns = _section(answer)
    assert ns["VecAdd"].N_ELEMS == 4099 and answer["VecAdd"].N_ELEMS == 0
    assert issubclass(ns["VecAdd"], answer["VecAdd"])
    assert not any(bool(v) for v in ns["result_gold"].values())  # the copying kernel is seen
    honest = _section(_module(HONEST))
    assert honest["VecAdd"].BLOCK == 512 and all(bool(v) for v in honest["result_gold"].values())
    assert all(bool(v) for v in _section(_module(REFERENCE))["result_gold"].values())


def test_a_metaclass_that_answers_the_reads_leaves_the_class_unbound(monkeypatch: pytest.MonkeyPatch) -> None:
    """The static check already refuses such a metaclass; the namespace does not rely on it."""
    monkeypatch.setenv("TRITON_INTERPRET", "1")
    with pytest.raises(NameError, match="VecAdd"):
        _section(_module(META_ATTACK))


def _suite(tmp_path: Path) -> TritonBenchGSuite:
    folder = tmp_path / "tb" / "TritonBench_G_v1"
    folder.mkdir(parents=True)
    (folder / "vec_add.py").write_text(REFERENCE + SEPARATOR + "\n" + TEST)
    meta = [{"file": "vec_add.py", "repo": "example/repo", "star": 1, "difficulty": 1,
             "simp_instru": "Write a Triton kernel vec_add(x, y) that adds two vectors.",
             "comp_instru": "Write `vec_add_kernel`, a class `VecAdd` (N_ELEMS = 4099, static launch(x, y)) "
                            "and `vec_add(x, y)` returning x + y.", "output": REFERENCE}]
    (tmp_path / "tb" / "TritonBench_G_v1.json").write_text(json.dumps(meta))
    return TritonBenchGSuite(SuiteOptions(data=str(tmp_path / "tb"), lang="triton"))


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_class_data_attack_fails_and_honest_class_passes_end_to_end(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    problem = next(p for p in suite.problems() if p.id == "vec_add")
    ctx = context(tmp_path)
    honest = suite.evaluate(problem, Candidate(code=HONEST), ctx)
    assert honest.status == Status.PASS, honest.reason
    v = suite.evaluate(problem, Candidate(code=ATTACK), ctx)
    assert v.status == Status.FAIL and "got False want True" in v.reason, (v.status, v.reason)
    v = suite.evaluate(problem, Candidate(code=META_ATTACK), ctx)
    assert v.status == Status.REJECTED and "forbidden_class" in v.reason, (v.status, v.reason)
