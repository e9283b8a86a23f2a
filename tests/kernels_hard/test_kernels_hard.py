"""kernels-hard: every problem is complete and states its semantics; golden answers pass and
naive wrong answers (NaN on masked rows, wrong tie rule, off-by-one block loops...) fail.

The golden and wrong answers run in one subprocess under the Triton interpreter
(``tests/kernels_hard/golden_runner.py``, the family's comparison and the problem's tolerances);
one end-to-end check goes through the sandboxed evaluator. ``HWEVAL_KH_NVCC=1`` also compiles
every CUDA golden with nvcc (several minutes on two cores).
"""
from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import torch

from benchmarks.kernels_hard import PROBLEMS_DIR, KernelsHardSuite, load_hard_problem
from harness.families.kernels.compile_cuda import compile_batch, nvcc_path
from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.static.check import analyze, scalar_positions
from harness.suite import SuiteOptions

REPO = Path(__file__).resolve().parents[2]
WRONG = Path(__file__).resolve().parent / "wrong"
#: red team s16 rtk: answers right on every input the CPU cases drew before kernels-hard version 2
#: (row_median: the last NaN of a row, not the first; long_row_softmax: one fixed block of 8192
#: columns; topk_rows and argmax_first: float order keys that rank +0.0 above -0.0)
WRONG_RT16 = Path(__file__).resolve().parent / "wrong_rt16"
LONG_ROWS = {"long_row_softmax", "row_median"}
PROBLEM_IDS = sorted(p.parent.name for p in PROBLEMS_DIR.glob("*/meta.toml"))
_NUMBER = r"([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)"
# Problems whose docstrings state NaN outputs (NaN inputs sort first; a row holding NaN has a NaN median).
NAN_OUTPUTS = {"segmented_argsort", "row_median"}


def _doc(pid: str) -> str:
    return inspect.getdoc(load_hard_problem(PROBLEMS_DIR / pid).module) or ""


def _run_answers(pairs: list[tuple[str, Path]]) -> dict[tuple[str, str], dict[str, Any]]:
    args = [f"{pid}={path}" for pid, path in pairs]
    # one intra-op thread, as the sandboxed workers run (worker_env): on two cores shared with the
    # other xdist worker, torch's second thread only spins
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "tests.kernels_hard.golden_runner", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=900, check=False, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {(r["problem"], "/".join(Path(r["answer"]).parts[-2:])): r for r in rows}


def _same(x: Any, y: Any) -> bool:
    if not isinstance(x, torch.Tensor):
        return bool(x == y)
    if x.is_floating_point():
        return x.shape == y.shape and torch.allclose(x, y, rtol=0.0, atol=0.0, equal_nan=True)
    return torch.equal(x, y)


def test_at_least_fifteen_problems() -> None:
    assert len(PROBLEM_IDS) >= 15


@pytest.mark.parametrize("pid", PROBLEM_IDS)
def test_problem_folder(pid: str) -> None:
    folder = PROBLEMS_DIR / pid
    for name in ("reference.py", "solution_triton.py", "solution_cuda.py", "meta.toml"):
        assert (folder / name).is_file(), name
    assert (WRONG / f"{pid}.py").is_file(), "every problem has a naive wrong answer for the tests"
    meta = tomllib.loads((folder / "meta.toml").read_text())
    assert meta["id"] == pid and meta["category"] and meta["difficulty"] in ("medium", "hard")
    assert len(meta["hard"]) > 40, "a line saying what makes the problem hard"
    p = load_hard_problem(folder)
    assert set(p.configs) >= {"small", "edge", "large"} and list(p.configs)[-1] == "large"
    # rows longer than any fixed block an answer picks are checked on the CPU too (red team s16)
    assert p.config_names(gpu=False) == ["small", "edge", *(["long"] if pid in LONG_ROWS else [])]
    assert p.config_names(gpu=True)[-1] == "large"  # the perf stage times the last GPU config
    assert len(p.dists) >= 2
    for cfg in p.configs:
        flops, nbytes = p.work(cfg)
        assert flops > 0 and nbytes > 0
    sig = inspect.signature(p.module.get_inputs)  # KernelBench contract: get_inputs() works
    assert all(par.default is not inspect.Parameter.empty for par in sig.parameters.values())
    init = p.init_inputs("small")
    assert init == p.init_inputs("edge") == p.init_inputs("large")
    for cfg in ("small", "edge"):
        for dist in p.dists:
            a, b = p.inputs(cfg, dist, 0), p.inputs(cfg, dist, 0)
            assert all(_same(x, y) for x, y in zip(a, b, strict=True))
            with torch.no_grad():
                out = p.module.Model(*init)(*a)
            outs = out if isinstance(out, tuple) else (out,)
            for o in outs:
                if pid in NAN_OUTPUTS:
                    assert "NaN where the reference has NaN" in " ".join(_doc(pid).split())
                    continue
                assert not (o.is_floating_point() and torch.isnan(o).any()), f"{cfg}/{dist}: NaN in the reference"
    small = p.configs["small"]
    a, c = p.inputs("small", p.dists[0], 0), p.inputs("small", p.dists[0], 1)
    assert not all(_same(x, y) for x, y in zip(a, c, strict=True)), small


@pytest.mark.parametrize("pid", PROBLEM_IDS)
def test_docstring_states_the_tolerances(pid: str) -> None:
    """The prompt is the reference source: the checked tolerances must be written in it."""
    doc = _doc(pid)
    p = load_hard_problem(PROBLEMS_DIR / pid)
    with torch.no_grad():
        out = p.module.Model(*p.init_inputs("small"))(*p.inputs("small", p.dists[0], 0))
    outs = out if isinstance(out, tuple) else (out,)
    float_dtypes = {str(o.dtype).removeprefix("torch.") for o in outs if o.is_floating_point()}
    if not float_dtypes:
        assert "exactly" in doc
        return
    atols = {float(v) for v in re.findall(r"atol = " + _NUMBER, doc)}
    rtols = {float(v) for v in re.findall(r"rtol = " + _NUMBER, doc)}
    for dtype in float_dtypes:
        atol, rtol = p.tolerance(dtype)
        assert atol in atols and rtol in rtols, (dtype, atol, rtol, atols, rtols)
        for dist in p.dists:
            atol, rtol = p.tolerance(dtype, dist)
            assert atol in atols and rtol in rtols, (dist, atol, rtol)


@pytest.mark.parametrize("pid", PROBLEM_IDS)
def test_golden_answers_pass_the_static_rules(pid: str) -> None:
    # as the evaluator calls it: forward arguments the reference fills with Python numbers are sizes
    scalars = scalar_positions((PROBLEMS_DIR / pid / "reference.py").read_text())
    for lang in ("triton", "cuda"):
        code = (PROBLEMS_DIR / pid / f"solution_{lang}.py").read_text()
        violations, kernels, exts = analyze(code, lang, scalars=scalars)
        assert violations == [] and kernels, (lang, violations)
        if lang == "cuda":
            assert len(exts) == 1 and exts[0].resolved


def test_suite_prompt_carries_the_reference() -> None:
    suite = KernelsHardSuite(SuiteOptions(lang="triton"))
    problems = {p.id: p for p in suite.problems()}
    assert sorted(problems) == PROBLEM_IDS
    prompt = suite.prompt(problems["masked_softmax"])
    text = "\n".join(m.content for m in prompt.messages)
    assert "never NaN" in text and "class ModelNew" in text


def test_audit_mutants_come_from_the_golden() -> None:
    suite = KernelsHardSuite(SuiteOptions(lang="triton"))
    problem = next(p for p in suite.problems() if p.id == "argmax_first")
    specs = suite.audit_mutants(problem)
    assert len(specs) >= 8 and all(s.code != problem.reference for s in specs)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_goldens_pass_and_wrong_answers_fail() -> None:
    pairs = [(pid, PROBLEMS_DIR / pid / "solution_triton.py") for pid in PROBLEM_IDS]
    pairs += [(pid, WRONG / f"{pid}.py") for pid in PROBLEM_IDS]
    rt16 = sorted(p.stem for p in WRONG_RT16.glob("*.py"))
    assert rt16 == ["argmax_first", "long_row_softmax", "row_median", "topk_rows"]
    pairs += [(pid, WRONG_RT16 / f"{pid}.py") for pid in rt16]
    results = _run_answers(pairs)
    for pid in PROBLEM_IDS:
        good = results[(pid, f"{pid}/solution_triton.py")]
        assert good["ok"], (pid, good["reason"], good.get("traceback", "")[-1500:])
        assert good["cases"] >= 2 * len(load_hard_problem(PROBLEMS_DIR / pid).dists) + 1
        bad = results[(pid, f"wrong/{pid}.py")]
        assert not bad["ok"] and bad["reason"], (pid, "the naive wrong answer passed")
    for pid in rt16:
        bad = results[(pid, f"wrong_rt16/{pid}.py")]
        assert not bad["ok"] and bad["reason"], (pid, "red team s16's answer passed")


@pytest.mark.slow
def test_end_to_end_through_the_sandboxed_evaluator(tmp_path: Path) -> None:
    """The suite's problem object checks the edge configuration too: a wrong answer that only
    breaks on a size-1 row passes ``small`` and must still fail."""
    from tests.kernels.helpers import shared_runner

    runner = shared_runner()  # bubblewrap, its fork servers shared with the process's other kernel tests
    problem = load_hard_problem(PROBLEMS_DIR / "masked_softmax")
    golden = (PROBLEMS_DIR / "masked_softmax" / "solution_triton.py").read_text()
    good = evaluate_kernel(problem, golden, "triton", tmp_path / "good", gpu=False, timeout_s=240.0, seeds=1,
                           runner=runner)
    assert good["status"] == "pass", good["reason"]
    assert good["stages"]["correctness"]["n_cases"] == 2 * len(problem.dists)
    # K == 1 rows only: next_power_of_2(1) == 1 lane, so "BLOCK_K >= 2" breaks only the edge config
    edge_only = golden.replace("BLOCK_K=triton.next_power_of_2(K)", "BLOCK_K=max(2, triton.next_power_of_2(K) // 2)")
    bad = evaluate_kernel(problem, edge_only, "triton", tmp_path / "bad", gpu=False, timeout_s=240.0, seeds=1,
                          runner=runner)
    # the family's guard bands and odd sizes may already catch it on `small`; either way it fails
    assert bad["status"] == "fail", bad["reason"]


@pytest.mark.slow
@pytest.mark.skipif(nvcc_path() is None or os.environ.get("HWEVAL_KH_NVCC") != "1",
                    reason="nvcc batch build of the CUDA goldens: set HWEVAL_KH_NVCC=1 (minutes)")
def test_every_cuda_golden_compiles(tmp_path: Path) -> None:
    from harness.families.kernels.runner import plain_runner

    exts = [(pid, analyze((PROBLEMS_DIR / pid / "solution_cuda.py").read_text(), "cuda")[2][0]) for pid in PROBLEM_IDS]
    build = compile_batch(exts, tmp_path, timeout_s=3000, runner=plain_runner())
    assert build.ok, build.log[-4000:]
