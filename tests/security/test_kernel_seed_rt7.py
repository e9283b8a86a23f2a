"""Issue 14, kernels: TritonBench-T random operators must draw fresh numbers at every call.

Before, an answer's draws were not required to change with any seed (the allowlist left a fixed
``tl.rand`` seed as the only honest way), so a deterministic hash of the element position that
passes the one-run statistics (random_stats) could not be told from an honest answer. Now:

* the allowlist accepts one draw from torch's generator, a seed: ``torch.randint(lo, hi, (1,))``
  read with ``.item()``/``int()`` or passed to a kernel (``static.seeddraw``); the runtime op check
  allows ``aten::randint`` of one element only;
* the worker runs each call of the answer's function under its own seed of torch's generator
  (forked: the test section's next inputs stay the reference's), the two runs of the test section
  under two seeds the harness draws per evaluation;
* the answer's two runs must be independent where the reference's draws change with the generator,
  and identical where they do not (a function given its seed): ``benchmarks.tritonbench.random_pairs``.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import torch

from benchmarks.tritonbench.random_ops import check_answer
from benchmarks.tritonbench.random_pairs import Draws, cross_kind, cross_run_problems
from benchmarks.tritonbench.random_stats import ALPHA
from harness.families.kernels.static.check import analyze
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import TRITONBENCH, bwrap_usable, context

# -- the static rule ------------------------------------------------------------------------------

_HEAD = '''import torch
import triton
import triton.language as tl
from torch import randint


@triton.jit
def _k(x_ptr, out_ptr, n, p, seed, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    keep = tl.rand(seed, offs) >= p
    tl.store(out_ptr + offs, tl.where(keep, x / (1.0 - p), 0.0), mask=mask)


def dropout(input, p=0.5, generator=None):
    x = input.contiguous()
    out = torch.empty_like(x)
    n = x.numel()
{body}    _k[(triton.cdiv(n, 1024),)](x, out, n, p, seed, BLOCK=1024)
    return out
'''
STATIC_HONEST = {
    "item": "    seed = torch.randint(0, 2**31 - 1, (1,)).item()\n",
    "int_of_draw": "    seed = int(torch.randint(2**31 - 1, (1,)))\n",
    "named_draw_then_item": "    s = torch.randint(0, 2**31 - 1, (1,))\n    seed = s.item()\n",
    "imported_name_keywords": "    seed = randint(low=0, high=2**31 - 1, size=[1], dtype=torch.int64).item()\n",
    "one_element_tensor_to_kernel": "    seed = torch.randint(0, 2**31 - 1, (1,), device=x.device)\n",
    "from_the_functions_generator": "    seed = torch.randint(0, 2**31 - 1, (1,), generator=generator).item()\n",
    "scalar_shape": "    seed = torch.randint(0, 2**31 - 1, ()).item()\n",
}
STATIC_ATTACKS = {
    "output_sized_draw": ("    seed = 1\n    out = torch.randint(0, 2, x.shape)\n", "seed_draw"),
    "size_from_a_variable": ("    sz = (1,)\n    seed = torch.randint(0, 2**31 - 1, sz).item()\n", "seed_draw"),
    "size_n": ("    seed = torch.randint(0, 2**31 - 1, (n,)).item()\n", "seed_draw"),
    "two_elements": ("    seed = torch.randint(0, 2**31 - 1, (2,))\n", "seed_draw"),
    "tensor_bound": ("    seed = torch.randint(0, x, (1,)).item()\n", "seed_draw"),
    "unknown_keyword": ("    seed = torch.randint(0, 9, (1,), out=x).item()\n", "seed_draw"),
    "arithmetic_on_the_draw": ("    seed = torch.randint(0, 2**31 - 1, (1,)) * 2\n", "torch_compute"),
    "rebound_name": ("    s = torch.randint(0, 2**31 - 1, (1,))\n    s = x\n    seed = s.item()\n", "torch_compute"),
    "torch_seed": ("    seed = torch.seed()\n", "torch_compute"),
    "torch_initial_seed": ("    seed = torch.initial_seed()\n", "torch_compute"),
    "randint_like": ("    seed = torch.randint_like(x, 5)\n", "torch_compute"),
    "rand_as_output": ("    seed = 1\n    out = torch.rand(x.shape)\n", "torch_compute"),
}


def _violations(code: str) -> list[tuple[str, str]]:
    v, _, _ = analyze(code, "triton", entry="dropout", kind="function")
    return [(x.rule, x.detail) for x in v]


class TestSeedDrawRule:
    @pytest.mark.parametrize("name", sorted(STATIC_HONEST))
    def test_a_seed_draw_is_accepted(self, name: str) -> None:
        assert _violations(_HEAD.format(body=STATIC_HONEST[name])) == []

    @pytest.mark.parametrize("name", sorted(STATIC_ATTACKS))
    def test_anything_more_is_rejected(self, name: str) -> None:
        body, rule = STATIC_ATTACKS[name]
        found = _violations(_HEAD.format(body=body))
        assert rule in [r for r, _ in found], found

    def test_a_draw_at_module_level_is_rejected(self) -> None:
        code = _HEAD.replace("from torch import randint\n", "SEED = torch.randint(0, 2**31 - 1, (1,)).item()\n")
        found = _violations(code.format(body="    seed = SEED\n"))
        assert any(r == "seed_draw" and "module level" in d for r, d in found), found

    def test_the_prompt_of_a_random_operator_teaches_the_draw(self) -> None:
        from benchmarks.tritonbench import to_problem

        folder = TRITONBENCH / "data" / "TritonBench_T_v1"
        prompt = to_problem(folder / "relu_dropout.py", None).meta["prompt"]
        assert "torch.randint(0, 2**31 - 1, (1,)).item()" in prompt and "fixed seed" in prompt
        assert "torch.randint" not in to_problem(folder / "lu_unpivoted.py", None).meta["prompt"]
        # the form the prompt shows is accepted by the static checks
        assert _violations(_HEAD.format(body=STATIC_HONEST["item"])) == []


class TestRuntimeSeedDraw:
    def test_only_a_one_element_randint_is_allowed_at_run_time(self) -> None:
        from harness.families.kernels.compare import disallowed_ops
        from harness.families.kernels.sandboxed.hooks import LaunchCounter, make_op_recorder

        for size, ok in (((1,), True), ((), True), ((1, 1), True), ((2,), False), ((64, 64), False)):
            rec = make_op_recorder(LaunchCounter())
            with rec:
                torch.randint(0, 9, size)
            assert bool(disallowed_ops(dict(rec.ops))) is not ok, (size, dict(rec.ops))

    def test_each_call_gets_its_own_generator_and_the_stream_is_restored(self) -> None:
        from harness.families.kernels.sandboxed.worker_function import _call_seeds, _own_generator

        seeds = _call_seeds(5)
        first, second = next(seeds), next(seeds)
        assert first != second and next(_call_seeds(6)) != first
        torch.manual_seed(0)
        expected = torch.rand(3)
        torch.manual_seed(0)
        with _own_generator("cpu", first):
            a = torch.randint(0, 2**31 - 1, (1,)).item()
            torch.rand(100)  # whatever the answer draws
        assert torch.equal(torch.rand(3), expected)  # the test section's next inputs are unchanged
        with _own_generator("cpu", first):
            assert torch.randint(0, 2**31 - 1, (1,)).item() == a  # the same call seed, the same draw


# -- the cross-run statistics ---------------------------------------------------------------------


def _uniform_runs(g: torch.Generator, shape: tuple[int, ...], dtype: torch.dtype) -> tuple[Draws, Draws]:
    return (Draws("uniform", torch.rand(shape, generator=g).to(dtype)),
            Draws("uniform", torch.rand(shape, generator=g).to(dtype)))


class TestCrossRun:
    def test_independent_draws_pass(self) -> None:
        """30 seeds x fp32/fp16/bf16 uniform leaves from 2 to 8192 elements and masks with p from
        0.01 to 0.99, per leaf and pooled: each test's false-failure bound is ALPHA."""
        assert ALPHA <= 1e-6
        for seed in range(30):
            g = torch.Generator().manual_seed(seed)
            plan, run_a, run_b = [], {}, {}
            for i, (shape, dtype) in enumerate((((2,), torch.float32), ((3, 1), torch.float16),
                                                ((7, 5, 3), torch.float16), ((64, 128), torch.bfloat16),
                                                ((8192,), torch.float32), ((96, 96), torch.float16))):
                plan.append({"key": f"u{i}", "kind": "uniform", "cross": "independent"})
                run_a[f"u{i}"], run_b[f"u{i}"] = _uniform_runs(g, shape, dtype)
            for p in (0.01, 0.2, 0.5, 0.8, 0.99):
                q = 1 - p
                plan.append({"key": f"m{p}", "kind": "masked", "p": p, "cross": "independent"})
                run_a[f"m{p}"] = Draws("masked", torch.rand(3000, generator=g) < q, q)
                run_b[f"m{p}"] = Draws("masked", torch.rand(3000, generator=g) < q, q)
            assert cross_run_problems(plan, run_a, run_b) == [], seed

    @pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
    def test_draws_that_ignore_the_generator_fail(self, dtype: torch.dtype) -> None:
        g = torch.Generator().manual_seed(1)
        plan = [{"key": "u", "kind": "uniform", "cross": "independent"}]
        a = torch.rand(48, 80, generator=g).to(dtype)
        same = cross_run_problems(plan, {"u": Draws("uniform", a)}, {"u": Draws("uniform", a.clone())})
        assert same and "do not change with torch's generator" in same[0] and "3840 of 3840" in same[0]
        half = a.clone()
        half[:24] = torch.rand(24, 80, generator=g).to(dtype)  # half the draws fresh, half fixed
        assert cross_run_problems(plan, {"u": Draws("uniform", a)}, {"u": Draws("uniform", half)})
        flipped = (1 - a - torch.finfo(dtype).eps).clamp(min=0)  # the mirror image of the same draws
        assert cross_run_problems(plan, {"u": Draws("uniform", a)}, {"u": Draws("uniform", flipped)})

    def test_masks_that_ignore_the_generator_fail(self) -> None:
        g = torch.Generator().manual_seed(2)
        for p in (0.1, 0.5, 0.9):
            keep = torch.rand(2048, generator=g) >= p
            plan = [{"key": "m", "kind": "masked", "p": p, "cross": "independent"}]
            found = cross_run_problems(plan, {"m": Draws("masked", keep, 1 - p)}, {"m": Draws("masked", keep, 1 - p)})
            assert found and "kept or dropped alike" in found[0], p

    def test_many_small_leaves_are_pooled(self) -> None:
        """Leaves of 4 elements are each too small to tell, together they are not."""
        g = torch.Generator().manual_seed(3)
        plan, run = [], {}
        for i in range(200):
            plan.append({"key": f"u{i}", "kind": "uniform", "cross": "independent"})
            run[f"u{i}"] = Draws("uniform", torch.rand(4, generator=g))
        found = cross_run_problems(plan, run, {k: Draws("uniform", v.values.clone()) for k, v in run.items()})
        assert found, "identical runs passed"
        assert all(not cross_run_problems(plan[i:i + 1], {f"u{i}": run[f"u{i}"]}, {f"u{i}": run[f"u{i}"]})
                   for i in range(3))  # one such leaf alone says nothing (no false claim of power)

    def test_a_function_given_its_seed_must_repeat_itself(self) -> None:
        keep = torch.rand(4096, generator=torch.Generator().manual_seed(4)) >= 0.5
        other = torch.rand(4096, generator=torch.Generator().manual_seed(5)) >= 0.5
        plan = [{"key": "m", "kind": "masked", "p": 0.5, "cross": "same"}]
        assert cross_run_problems(plan, {"m": Draws("masked", keep)}, {"m": Draws("masked", keep.clone())}) == []
        found = cross_run_problems(plan, {"m": Draws("masked", keep)}, {"m": Draws("masked", other)})
        assert found and "given its seed" in found[0]

    def test_the_reference_decides_which_rule_applies(self) -> None:
        a = torch.rand(4096, generator=torch.Generator().manual_seed(6)) >= 0.5
        b = torch.rand(4096, generator=torch.Generator().manual_seed(7)) >= 0.5
        assert cross_kind(a, b, 0.5) == "independent"
        assert cross_kind(a, a.clone(), 0.5) == "same"
        assert cross_kind(a[:4], a[:4].clone(), 0.5) == "none"  # 4 elements agree by chance 1 time in 16
        assert cross_kind(a[:30], a[:30].clone(), 0.99) == "none"  # p = 0.01: masks agree most of the time

    def test_check_answer_reports_a_fixed_seed(self) -> None:
        """The whole check on known outputs: identical runs of a dropout leaf fail, fresh ones pass."""
        from benchmarks.tritonbench import TritonBenchTSuite
        from harness.suite import SuiteOptions

        suite = TritonBenchTSuite(SuiteOptions(data=str(TRITONBENCH), lang="triton"))
        kp = suite.kernel_problem(next(p for p in suite.problems() if p.id == "relu_dropout"))
        g = torch.Generator().manual_seed(8)
        kept = torch.rand(64, 64, generator=g) + 0.5
        dropped = torch.zeros_like(kept)
        plan = [{"key": "a", "kind": "masked", "p": 0.5, "cross": "independent"}]

        def run() -> tuple[list[str], list[Any]]:
            return ["a"], [torch.where(torch.rand(64, 64, generator=g) >= 0.5, kept, dropped)]

        first = run()
        assert check_answer(kp, plan, [kept], [dropped], [first, run()]) == ("pass", "")
        status, reason = check_answer(kp, plan, [kept], [dropped], [first, first])
        assert status == "fail" and "do not change with torch's generator" in reason


# -- end to end, through the sandboxed worker -----------------------------------------------------

NOISE_LIKE = '''import torch

def noise_like(x: torch.Tensor) -> torch.Tensor:
    """Uniform random numbers in [0, 1) shaped like x (written for hweval's tests in TritonBench-T's format)."""
    return torch.rand_like(x)

''' + "#" * 146 + '''
import torch

def test_noise_like():
    results = {}
    results["test_case_1"] = noise_like(torch.randn(48, 80, device='cuda'))
    results["test_case_2"] = noise_like(torch.randn(2000, device='cuda', dtype=torch.float16))
    results["test_case_3"] = noise_like(torch.randn(3, 5, 7, device='cuda'))
    return results

test_results = test_noise_like()
'''

DROPOUT_SHAPES = '''import torch
import torch.nn.functional as F

def dropout_shapes(input: torch.Tensor, p: float = 0.5) -> torch.Tensor:
    """Dropout with probability p (written for hweval's tests in TritonBench-T's format)."""
    return F.dropout(input, p=p, training=True)

''' + "#" * 146 + '''
import torch

def test_dropout_shapes():
    results = {}
    results["test_case_1"] = dropout_shapes(torch.randn(64, 64, device='cuda'))
    results["test_case_2"] = dropout_shapes(torch.randn(3, 7, 50, device='cuda', dtype=torch.float16), p=0.3)
    results["test_case_3"] = dropout_shapes(torch.randn(1500, device='cuda'), p=0.1)
    return results

test_results = test_dropout_shapes()
'''

SEEDED_DROPOUT = '''import torch
import torch.nn.functional as F

def seeded_dropout(input: torch.Tensor, p: float = 0.5, seed: int = 0) -> torch.Tensor:
    """Dropout whose mask is a function of seed (written for hweval's tests in TritonBench-T's format)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return F.dropout(input, p=p, training=True)

''' + "#" * 146 + '''
import torch

def test_seeded_dropout():
    results = {}
    results["test_case_1"] = seeded_dropout(torch.randn(64, 64, device='cuda'), seed=7)
    results["test_case_2"] = seeded_dropout(torch.randn(40, 50, device='cuda'), p=0.3, seed=11)
    return results

test_results = test_seeded_dropout()
'''

_NOISE = '''import torch
import triton
import triton.language as tl


@triton.jit
def _noise(y_ptr, n, seed, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    {draw}
    tl.store(y_ptr + offs, tl.minimum(v, 0.99951171875), mask=mask)  # below 1 in float16 too


def noise_like(x):
    y = torch.empty_like(x)
    n = y.numel()
    {seed}
    _noise[(triton.cdiv(n, 1024),)](y, n, seed, BLOCK=1024)
    return y
'''
_DRAW = "seed = torch.randint(0, 2**31 - 1, (1,)).item()"
_HASH = ("h = (offs.to(tl.uint32) + 0x9E3779B9) * 0x85EBCA6B\n    h = h ^ (h >> 13)\n    h = h * 0xC2B2AE35\n"
         "    h = h ^ (h >> 16)\n    v = (h >> 8).to(tl.float32) * (1.0 / 16777216.0)")
NOISE = {
    "honest_tl_rand": ("v = tl.rand(seed, offs)", _DRAW, "pass"),
    "honest_tl_randint": ("v = (tl.randint(seed, offs) >> 8).to(tl.float32) * (1.0 / 16777216.0)", _DRAW, "pass"),
    "fixed_tl_rand_seed": ("v = tl.rand(seed, offs)", "seed = 20240607", "fail"),
    "position_hash": (_HASH, "seed = 0", "fail"),
}

_DROP = '''import torch
import triton
import triton.language as tl


@triton.jit
def _drop(x_ptr, out_ptr, n, p, {param}, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    {keep}
    tl.store(out_ptr + offs, tl.where(keep, x / (1.0 - p), 0.0), mask=mask)


def {name}(input, p=0.5{extra}):
    x = input.contiguous()
    out = torch.empty_like(x)
    n = x.numel()
    {seed}
    _drop[(triton.cdiv(n, 1024),)](x, out, n, p, seed, BLOCK=1024)
    return out
'''
_ERF = "u = 0.5 * (1.0 + tl.math.erf(tl.randn(seed, offs) * 0.7071067811865476))\n    keep = u >= p"
DROPOUT = {  # name: (kernel parameter, keep, seed line, expected)
    "honest_tl_rand": ("seed", "keep = tl.rand(seed, offs) >= p", _DRAW, "pass"),
    "honest_tl_randn": ("seed", _ERF, _DRAW, "pass"),
    "honest_seed_tensor_on_device": ("seed_ptr", "keep = tl.rand(tl.load(seed_ptr), offs) >= p",
                                     "seed = torch.randint(0, 2**31 - 1, (1,), device=x.device)", "pass"),
    "fixed_tl_rand_seed": ("seed", "keep = tl.rand(seed, offs) >= p", "seed = 1234", "fail"),
    "position_hash": ("seed", _HASH.replace("v = ", "v = seed + ") + "\n    keep = v >= p", "seed = 0", "fail"),
}


@pytest.fixture(scope="module")
def tbt(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from benchmarks.tritonbench import TritonBenchTSuite
    from harness.suite import SuiteOptions

    root = tmp_path_factory.mktemp("tbt_seed")
    folder = root / "data" / "TritonBench_T_v1"
    folder.mkdir(parents=True)
    shutil.copyfile(TRITONBENCH / "data" / "TritonBench_T_v1" / "relu_dropout.py", folder / "relu_dropout.py")
    files = {"noise_like.py": NOISE_LIKE, "dropout_shapes.py": DROPOUT_SHAPES, "seeded_dropout.py": SEEDED_DROPOUT}
    for name, text in files.items():
        (folder / name).write_text(text)
    (root / "data" / "TritonBench_T_v1.json").write_text(json.dumps(
        [{"file": name, "description": name} for name in [*files, "relu_dropout.py"]]))
    suite = TritonBenchTSuite(SuiteOptions(data=str(root), lang="triton"))
    (root / "ctx").mkdir()
    return suite, {p.id: p for p in suite.problems()}, context(root / "ctx")


def _evaluate(tbt: Any, pid: str, code: str) -> Any:
    suite, problems, ctx = tbt
    return suite.evaluate(problems[pid], Candidate(code=code), ctx)


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
class TestEndToEnd:
    def test_references_check_themselves(self, tbt: Any) -> None:
        suite, problems, ctx = tbt
        for pid in ("noise_like", "dropout_shapes", "seeded_dropout"):
            verdict = suite.evaluate(problems[pid], Candidate(code="(self-check)", meta={"selfcheck": True}), ctx)
            assert verdict.status == Status.PASS, (pid, verdict.reason)
            crosses = {leaf.get("cross") for leaf in verdict.stages["reference"].data["random_checks"]
                       if leaf["kind"] != "fixed"}
            assert crosses == ({"same"} if pid == "seeded_dropout" else {"independent"}), (pid, crosses)

    @pytest.mark.parametrize("name", sorted(NOISE))
    def test_uniform_answers(self, tbt: Any, name: str) -> None:
        draw, seed, expected = NOISE[name]
        verdict = _evaluate(tbt, "noise_like", _NOISE.format(draw=draw, seed=seed))
        assert verdict.status == Status(expected), verdict.reason
        if expected == "fail":
            assert "do not change with torch's generator" in verdict.reason, verdict.reason
        else:
            seeds = verdict.stages["correctness"].data["draw_seeds"]
            assert len(set(seeds.values())) == 2, seeds  # two generator seeds, recorded for a replay

    @pytest.mark.parametrize("name", sorted(DROPOUT))
    def test_dropout_answers_fp32_and_fp16(self, tbt: Any, name: str) -> None:
        param, keep, seed, expected = DROPOUT[name]
        code = _DROP.format(param=param, keep=keep, seed=seed, name="dropout_shapes", extra="")
        verdict = _evaluate(tbt, "dropout_shapes", code)
        assert verdict.status == Status(expected), verdict.reason
        if expected == "fail":
            assert "do not change with torch's generator" in verdict.reason, verdict.reason

    def test_relu_dropout_with_a_drawn_seed_passes_and_a_fixed_one_fails(self, tbt: Any) -> None:
        drawn = (TRITONBENCH.parent / "answers" / "t_relu_dropout.py").read_text()  # the fixture: a drawn seed
        draw = "    seed = torch.randint(0, 2**31 - 1, (1,)).item()\n"
        assert draw in drawn
        fixed = _evaluate(tbt, "relu_dropout", drawn.replace(draw, "    seed = 1234\n"))  # tl.rand(1234, offs)
        assert fixed.status == Status.FAIL and "do not change with torch's generator" in fixed.reason, fixed.reason
        verdict = _evaluate(tbt, "relu_dropout", drawn)
        assert verdict.status == Status.PASS, verdict.reason

    def test_a_function_given_its_seed(self, tbt: Any) -> None:
        uses_it = _DROP.format(param="seed", keep="keep = tl.rand(seed, offs) >= p", seed="", name="seeded_dropout",
                               extra=", seed=0")
        verdict = _evaluate(tbt, "seeded_dropout", uses_it)
        assert verdict.status == Status.PASS, verdict.reason
        ignores_it = _DROP.format(param="seed", keep="keep = tl.rand(seed, offs) >= p", seed="seed = " + _DRAW.split(
            " = ", 1)[1], name="seeded_dropout", extra=", seed=0")
        verdict = _evaluate(tbt, "seeded_dropout", ignores_it)
        assert verdict.status == Status.FAIL and "given its seed" in verdict.reason, verdict.reason

    def test_a_draw_at_import_is_rejected(self, tbt: Any) -> None:
        code = _NOISE.format(draw="v = tl.rand(seed, offs)", seed="seed = SEED").replace(
            "\n\n@triton.jit", "\nSEED = torch.randint(0, 2**31 - 1, (1,)).item()\n\n\n@triton.jit", 1)
        verdict = _evaluate(tbt, "noise_like", code)
        assert verdict.status == Status.REJECTED and "seed_draw" in verdict.reason, verdict.reason


def test_fixture_paths_exist() -> None:
    assert (TRITONBENCH.parent / "answers" / "t_relu_dropout.py").is_file()
    assert Path(TRITONBENCH / "data" / "TritonBench_T_v1" / "relu_dropout.py").is_file()
