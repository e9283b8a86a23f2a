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


# -- S4/S4b: random operators whose checks have no power at the test section's sizes ----------
def _random_problem() -> Any:
    from benchmarks.tritonbench import TritonBenchTSuite
    from tests.kernel_benchmarks.helpers import TRITONBENCH

    suite = TritonBenchTSuite(SuiteOptions(data=str(TRITONBENCH), lang="triton"))
    return suite.kernel_problem(next(p for p in suite.problems() if p.id == "relu_dropout"))


def _runs(kept: list[torch.Tensor], dropped: list[torch.Tensor], real: list[list[torch.Tensor]]) -> dict[str, Any]:
    keys = [f"k{i}" for i in range(len(kept))]
    return {"kept": {"keys": keys, "values": kept}, "dropped": {"keys": keys, "values": dropped},
            "real_a": {"keys": keys, "values": real[0]}, "real_b": {"keys": keys, "values": real[1]}}


@pytest.mark.parametrize(("shape", "weak"), [((4, 4), True), ((10,), True), ((64, 64), False), ((32, 96), False)])
def test_a_dropout_too_small_to_check_is_found(shape: tuple[int, ...], weak: bool) -> None:
    from benchmarks.tritonbench.random_ops import powerless

    rng = torch.Generator().manual_seed(1)
    kept = torch.rand(shape, generator=rng) + 0.5
    real = [[torch.where(torch.rand(shape, generator=rng) < 0.8, kept, 0.0)] for _ in (0, 1)]
    plan = [{"key": "k0", "kind": "masked", "p": 0.2, "cross": "independent"}]
    found = powerless(_random_problem(), plan, _runs([kept], [torch.zeros_like(kept)], real))
    assert bool(found) == weak, found
    if weak:
        assert "every element kept" in found


@pytest.mark.parametrize(("shape", "weak"), [((3,), True), ((2, 2), True), ((40, 40), False)])
def test_uniform_draws_too_small_to_check_are_found(shape: tuple[int, ...], weak: bool) -> None:
    from benchmarks.tritonbench.random_ops import powerless

    rng = torch.Generator().manual_seed(2)
    ref = torch.rand(shape, generator=rng)
    plan = [{"key": "k0", "kind": "uniform", "cross": "independent"}]
    found = powerless(_random_problem(), plan, _runs([ref], [ref], [[torch.rand(shape, generator=rng)] for _ in (0, 1)]))
    assert bool(found) == weak, found


def _small_random_suite(tmp_path: Path) -> Any:
    from benchmarks.tritonbench import TritonBenchTSuite
    from tests.kernel_benchmarks.helpers import TRITONBENCH

    data = tmp_path / "tb" / "data"
    (data / "TritonBench_T_v1").mkdir(parents=True)
    original = (TRITONBENCH / "data" / "TritonBench_T_v1" / "relu_dropout.py").read_text()
    small = original.replace("torch.randn(64, 64, device='cuda')", "torch.randn(4, 4, device='cuda')") \
        .replace("torch.randn(32, 96, device='cuda')", "torch.randn(10, device='cuda')")
    assert small.count("torch.randn(4, 4,") == 1 and small.count("torch.randn(10,") == 1
    (data / "TritonBench_T_v1" / "relu_dropout.py").write_text(small)
    meta = json.loads((TRITONBENCH / "data" / "TritonBench_T_v1.jsonl").read_text())
    (data / "TritonBench_T_v1.jsonl").write_text(json.dumps([m for m in meta if m["file"] == "relu_dropout.py"]))
    return TritonBenchTSuite(SuiteOptions(data=str(tmp_path / "tb"), lang="triton"))


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_a_small_dropout_problem_is_excluded_end_to_end(tmp_path: Path) -> None:
    """rt10b S4's fixture (relu_dropout on 4x4 and 10 elements): the reference's validation fails
    with the reason (the problem is listed as not checkable), a never-dropping answer is not scored."""
    suite = _small_random_suite(tmp_path)
    problem = next(p for p in suite.problems() if p.id == "relu_dropout")
    ctx = context(tmp_path)
    check = suite.evaluate(problem, Candidate(code="(self-check)", meta={"selfcheck": True}), ctx)
    assert check.status == Status.FAIL and "random results too small to check" in check.reason, check.reason
    never = "import torch\n\n\ndef relu_dropout(input, p=0.5, training=True, inplace=False):\n" \
            "    return torch.relu(input) / (1 - p) if training and p > 0 else torch.relu(input)\n"
    v = suite.evaluate(problem, Candidate(code=never), ctx)
    assert v.status != Status.PASS and "too small to check" in v.reason, (v.status, v.reason)


# -- S6: uninitialised allocations in the answer's process ------------------------------------
def test_empty_allocations_hold_garbage_and_zeros_stay_zero() -> None:
    from harness.families.kernels.sandboxed.guards import GuardSet, guard_allocations

    counter = types.SimpleNamespace(depth=0)
    with guard_allocations(GuardSet(), counter):
        floats = [torch.empty(5), torch.empty_like(torch.ones(2, 3)), torch.ones(4).new_empty(3),
                  torch.empty_strided((2, 2), (1, 2))]
        ints = [torch.empty(4, dtype=torch.int32), torch.empty_like(torch.ones(3, dtype=torch.int64))]
        zeros = torch.zeros(6)
    assert all(bool(t.isnan().all()) for t in floats)
    assert int(ints[0][0]) == int.from_bytes(b"\xa5" * 4, "little", signed=True)
    assert all(bool((t == t.reshape(-1)[0]).all()) and int(t.reshape(-1)[0]) != 0 for t in ints)
    assert bool((zeros == 0).all())


S6_ATTACK = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def mean_dim_uninit_kernel(x_ptr, out_ptr, N, D, inv_n, BLOCK_N: tl.constexpr, BLOCK_D: tl.constexpr):
    b = tl.program_id(0)
    nb = tl.program_id(1)
    db = tl.program_id(2)
    rows = nb * BLOCK_N + tl.arange(0, BLOCK_N)
    cols = db * BLOCK_D + tl.arange(0, BLOCK_D)
    m = (rows[:, None] < N) & (cols[None, :] < D)
    x = tl.load(x_ptr + b * N * D + rows[:, None] * D + cols[None, :], mask=m, other=0.0)
    part = tl.sum(x, axis=0) * inv_n
    tl.atomic_add(out_ptr + b * D + cols, part, mask=cols < D)


class ModelNew(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        x = x.contiguous()
        B, N, D = x.shape
        out = OUT
        grid = (B, triton.cdiv(N, 16), triton.cdiv(D, 64))
        mean_dim_uninit_kernel[grid](x, out, N, D, 1.0 / N, BLOCK_N=16, BLOCK_D=64)
        return out
'''


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_accumulating_into_a_never_zeroed_output_fails_end_to_end(tmp_path: Path) -> None:
    """rt10b S6: atomic accumulation into ``torch.empty`` (kernels-core mean_dim) failed only when
    malloc returned a non-zero word; the same kernel into ``torch.zeros`` is honest and passes."""
    from harness.families.kernels.evaluate import evaluate_kernel
    from tests.kernels.helpers import PROBLEMS, shared_runner

    runner = shared_runner()  # one sandbox and fork servers per test process

    def status(out: str, name: str) -> tuple[str, str]:
        code = S6_ATTACK.replace("OUT", f"torch.{out}((B, D), device=x.device, dtype=x.dtype)")
        r = evaluate_kernel(PROBLEMS / "mean_dim", code, "triton", tmp_path / name, gpu=False, timeout_s=240.0,
                            runner=runner, seeds=1, ref_cache=tmp_path / "refs")
        return r["status"], str(r.get("reason", ""))

    assert status("zeros", "honest")[0] == "pass"
    got = status("empty", "attack")
    assert got[0] == "fail" and "nan" in got[1].lower(), got


# -- S7: a kernel the target GPU cannot launch passed the CPU's compile-only run --------------
def test_resource_limits_of_the_target() -> None:
    from triton.runtime.errors import OutOfResources

    from harness.families.kernels.sandboxed.hooks import check_resources

    meta = types.SimpleNamespace  # the fields of a CompiledKernel's metadata that a launch checks
    check_resources(types.SimpleNamespace(metadata=meta(shared=232448, num_warps=32)), "k", 90)
    with pytest.raises(OutOfResources, match="393216"):
        check_resources(types.SimpleNamespace(metadata=meta(shared=393216, num_warps=8)), "k", 90)
    with pytest.raises(OutOfResources, match="sm_86"):
        check_resources(types.SimpleNamespace(metadata=meta(shared=163840, num_warps=4)), "k", 86)
    with pytest.raises(OutOfResources, match="threads"):
        check_resources(types.SimpleNamespace(metadata=meta(shared=0, num_warps=64)), "k", 90)


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_a_kernel_over_the_shared_memory_limit_does_not_build_end_to_end(tmp_path: Path) -> None:
    """rt10b S7: kernels-core matmul's golden with 128x256x64 tiles and 4 stages needs 393216 bytes
    of shared memory (sm_90: 232448); the golden itself still passes."""
    from harness.families.kernels.evaluate import evaluate_kernel
    from tests.kernels.helpers import PROBLEMS, shared_runner

    runner = shared_runner()  # one sandbox and fork servers per test process
    golden = (PROBLEMS / "matmul" / "solution_triton.py").read_text()
    big = golden.replace("BLOCK_M, BLOCK_N, BLOCK_K = 64, 64, 32", "BLOCK_M, BLOCK_N, BLOCK_K = 128, 256, 64") \
        .replace("BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K)",
                 "BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K, num_stages=4, num_warps=8)")
    assert big.count("num_stages=4") == 1 and "128, 256, 64" in big
    launch = "        matmul_kernel[grid](a, b, c, M, N, K,\n"
    lines = big.splitlines(keepends=True)
    at = lines.index(launch)
    caught = "".join([*lines[:at], "        try:\n", *("    " + x for x in lines[at:at + 3]),
                      "        except Exception:\n            pass\n", *lines[at + 3:]])
    results = {}
    for name, code in (("golden", golden), ("big", big), ("caught", caught)):
        results[name] = evaluate_kernel(PROBLEMS / "matmul", code, "triton", tmp_path / name, gpu=False,
                                        timeout_s=400.0, runner=runner, seeds=1, ref_cache=tmp_path / "refs")
    assert results["golden"]["status"] == "pass", results["golden"].get("reason")
    assert results["big"]["status"] == "syntax_error", (results["big"]["status"], results["big"].get("reason"))  # a build failure
    assert "shared memory" in str(results["big"].get("reason")), results["big"].get("reason")
    # the answer catches the launch error (a GPU launch raises it too): still does not build
    assert results["caught"]["status"] == "syntax_error", (results["caught"]["status"], results["caught"].get("reason"))
    assert "shared memory" in str(results["caught"].get("reason")), results["caught"].get("reason")


# -- S3: a torch op imported under a launching name the test section calls --------------------
def test_a_builtin_never_stands_in_for_a_launching_function() -> None:
    source = REFERENCE + "\n\ndef vec_mul(x, y):\n    return VecAdd.launch(x, y)\n"
    test = "r = (vec_add(x, y), vec_mul(x, y))\n"
    record = section_record(source, test, "vec_add")[SECTION_KEY]
    assert "vec_mul" in record["provided"]

    def vec_mul(x: Any, y: Any) -> Any:
        return x * y

    assert section_namespace(record, {"vec_add": vec_mul, "vec_mul": vec_mul})["vec_mul"] is vec_mul
    ns = section_namespace(record, {"vec_add": vec_mul, "vec_mul": torch.mul})
    assert "vec_mul" not in ns  # unbound: calling it fails the case
