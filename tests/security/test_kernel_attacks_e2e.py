"""Kernel attacks end to end: through ``evaluate_kernel`` and the real sandbox, on kernels-core and on
KernelBench / TritonBench-T problems in their own formats. Nothing here passes; honest answers do.

Statically rejected attacks cost milliseconds (no process starts); the runtime ones (classes 7-9)
and the honest corpus run the Triton interpreter in bubblewrap and are marked slow.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.problem import Problem, external_problem
from harness.families.kernels.runner import Runner
from tests.kernels.helpers import PROBLEMS, shared_runner

CORPUS = Path(__file__).resolve().parent / "kernels"
STATIC = [p for p in sorted((CORPUS / "attacks").glob("*.py"))
          if "static: pass" not in p.read_text().splitlines()[0]]
FUNCTION_ATTACKS = sorted((CORPUS / "attacks_function").glob("*.py"))

#: KernelBench level-1 format: inputs from torch.rand only (values in [0, 1))
KB_RELU = '''import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super(Model, self).__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x)


batch_size = 13
dim = 301


def get_inputs():
    x = torch.rand(batch_size, dim)
    return [x]


def get_init_inputs():
    return []
'''
TB_SCALED_ADD_TEST = '''
def test_scaled_add():
    results = {}
    a = torch.randn(37, device="cuda")
    b = torch.randn(37, device="cuda")
    results["test_case_1"] = scaled_add(a, b, alpha=0.5)
    return results

test_results = test_scaled_add()
'''
TB_SCALED_ADD = '''import torch


def scaled_add(input, other, alpha=1.0, out=None):
    return torch.add(input, other, alpha=alpha, out=out)
'''


@pytest.fixture(scope="module")
def runner() -> Runner:
    return shared_runner()  # one sandbox and fork servers per test process


@pytest.fixture(scope="module")
def shared_refs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One reference-case cache for the module, as one run shares it across its samples: an
    external problem's (kb_relu's) sandboxed reference phase runs once, not once per test."""
    return tmp_path_factory.mktemp("refs")


@pytest.fixture
def run(tmp_path: Path, runner: Runner, shared_refs: Path):
    counter = iter(range(1000))

    def go(problem: Problem | Path | str, code: str, **kw: Any) -> dict[str, Any]:
        prob = PROBLEMS / problem if isinstance(problem, str) else problem
        kw.setdefault("seeds", 1)
        kw.setdefault("ref_cache", shared_refs)
        return evaluate_kernel(prob, code, "triton", tmp_path / f"w{next(counter)}", gpu=False, timeout_s=240.0,
                               runner=runner, **kw)

    return go


def kb_relu() -> Problem:
    return external_problem("level1/99_ReLU_rand", KB_RELU, cpu_budget=1 << 20)


def tb_scaled_add() -> Problem:
    return external_problem("scaled_add", TB_SCALED_ADD, kind="function", entry="scaled_add",
                            test_code=TB_SCALED_ADD_TEST, meta={"result_var": "test_results"})


@pytest.mark.parametrize("path", STATIC, ids=lambda p: p.stem)
def test_static_attacks_are_rejected_on_kernels_core_and_kernelbench(run, path: Path) -> None:
    for problem in ("relu", kb_relu()):
        r = run(problem, path.read_text())
        assert r["status"] == "rejected", (path.name, r["reason"])
        assert r["stages"]["correctness"]["status"] == "not_run"


@pytest.mark.parametrize("path", FUNCTION_ATTACKS, ids=lambda p: p.stem)
def test_function_attacks_are_rejected_on_tritonbench(run, path: Path) -> None:
    r = run(tb_scaled_add(), path.read_text())
    assert r["status"] == "rejected", r["reason"]


def test_kernelbench_problems_get_derived_distributions() -> None:
    assert kb_relu().dists == ["default", "signed", "large"]
    assert tb_scaled_add().dists == ["default"]


@pytest.mark.slow
def test_identity_fails_on_kernelbench_rand_inputs(run) -> None:
    """Attack class 8: with torch.rand only, a copy 'is' ReLU; the signed inputs catch it."""
    r = run(kb_relu(), (CORPUS / "attacks" / "c8_identity_copy.py").read_text())
    assert r["status"] == "fail" and ("/signed/" in r["reason"] or "/large/" in r["reason"]), r["reason"]


@pytest.mark.slow
def test_output_aliasing_the_input_is_rejected(run) -> None:
    r = run("relu", (CORPUS / "attacks" / "c7_return_input.py").read_text())
    assert r["status"] == "rejected" and r["reason"].startswith("output_aliases_input"), r["reason"]


@pytest.mark.slow
def test_honest_relu_answer_passes_on_kernelbench(run) -> None:
    """On kernels-core (its ``# problem:`` line) every honest answer, relu_autotune_helpers and
    relu_heuristics_two_kernels among them, passes in test_kernel_honest_e2e.py (the same
    evaluation: seeds=1, bubblewrap); here one of them also passes KernelBench's derived
    distributions."""
    r = run(kb_relu(), (CORPUS / "honest" / "relu_heuristics_two_kernels.py").read_text())
    assert r["status"] == "pass", r["reason"]


@pytest.mark.slow
def test_honest_linear_answer_passes(run) -> None:
    """softmax_rows_loop on kernels-core softmax_row passes in test_kernel_honest_e2e.py."""
    r = run(CORPUS / "problems" / "linear", (CORPUS / "honest" / "matmul_weights_init.py").read_text())
    assert r["status"] == "pass", r["reason"]


@pytest.mark.slow
def test_seeds_are_fresh_and_never_reach_the_candidate(run, tmp_path: Path) -> None:
    """Attack class 8: inputs differ between runs; the candidate's folder holds no seed. Each
    phase sees only its own folder (this was tests/kernels/test_worker.py's own evaluation of the
    same golden): the reference and its outputs never enter a folder a candidate phase runs in."""
    import torch

    code = (PROBLEMS / "relu" / "solution_triton.py").read_text()
    for base in (11, 12):
        r = run("relu", code, seed_base=base, ref_cache=tmp_path / "refs")  # this test's own: it counts them
        assert r["status"] == "pass", r["reason"]
        work = sorted(tmp_path.glob("w*"))[-1]
        job = json.loads((work / "cand" / "job.json").read_text())
        assert all("seed" not in c for c in job["cases"])
        # the checker read the inputs and deleted them before the candidate's worker started
        assert not any((work / "cand" / c["inputs"]).exists() for c in job["cases"])
        cand = {p.name for p in (work / "cand").iterdir()}
        assert {"candidate.py", "job.json", "init.pt", "result_check.json"} <= cand
        assert not any(n.startswith("in_") for n in cand) and any(n.startswith("out_") for n in cand)
        for phase in ("cand", "compile"):
            names = {p.name for p in (work / phase).iterdir()}
            assert not any(n.startswith("ref") or n == "reference.py" for n in names), names
        assert (work / "compile" / "result_compile.json").is_file()
    folders = sorted((tmp_path / "refs").iterdir())
    assert all(any(p.name.startswith("ref_") for p in folder.iterdir()) for folder in folders)
    firsts = [torch.load(folder / "in_0.pt", weights_only=True)[0] for folder in folders]
    assert len(firsts) == 2 and firsts[0].shape == firsts[1].shape and not torch.equal(firsts[0], firsts[1])


@pytest.mark.slow
def test_out_of_bounds_write_fails(run) -> None:
    """Attack class 9: a store mask off by one writes into the output's guard band."""
    r = run("relu", (CORPUS / "attacks" / "c9_store_mask_off_by_one.py").read_text())
    assert r["status"] == "fail" and "out-of-bounds write" in r["reason"], r["reason"]
    assert "allocation" in r["reason"]


@pytest.mark.slow
def test_out_of_bounds_read_fails(run) -> None:
    """Attack class 9: a load mask off by one reads the next row (or the guard band's NaN)."""
    r = run("row_sum", (CORPUS / "attacks_row_sum" / "c9_load_mask_off_by_one.py").read_text())
    assert r["status"] == "fail" and "wrong result" in r["reason"], r["reason"]


@pytest.fixture
def no_static(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the static allowlist off, to show what the checker process holds by itself."""
    import harness.families.kernels.evaluate as ev

    real = ev.analyze
    monkeypatch.setattr(ev, "analyze", lambda code, lang, **kw: ([], *real(code, lang, **kw)[1:]))


@pytest.mark.slow
def test_outputs_rewritten_after_the_checker_wrote_them_are_rejected(run, no_static: None) -> None:
    """Attack class 7: an atexit hook fixes the outputs on disk; the sealed digests disagree."""
    r = run("relu", (CORPUS / "attacks" / "c7_rewrite_outputs_at_exit.py").read_text())
    assert r["status"] == "rejected" and r["reason"].startswith("forged_result"), r["reason"]


@pytest.mark.slow
def test_forged_verdict_lines_never_reach_the_harness(run, no_static: None) -> None:
    """Attack class 7: prints go to stderr and the checker's descriptors are out of reach (it is
    not dumpable), so the forged lines change nothing: the copy still fails on negative inputs."""
    r = run("relu", (CORPUS / "attacks" / "c7_forge_verdict_line.py").read_text())
    assert r["status"] == "fail", r["reason"]


@pytest.mark.slow
def test_in_process_checks_are_only_defence_in_depth(run, no_static: None) -> None:
    """Attack class 7: patching the hook module through sys.modules silences the op recorder
    in the candidate's own process (torch.relu goes unrecorded); here the launch counter still
    notices, but both live in the candidate's process: the static allowlist is the guarantee."""
    code = (CORPUS / "attacks" / "c7_patch_hooks.py").read_text()
    r = run("relu", code)
    # the patched recorder either goes unnoticed until the launch count (rejected) or breaks the
    # worker after the candidate loaded (runtime_error, never infra_error): never a pass
    assert (r["status"] == "rejected" and r["reason"].startswith("kernel_not_launched")) or \
        r["status"] == "runtime_error", (r["status"], r["reason"])
    from harness.families.kernels.static.check import analyze

    assert analyze(code, "triton")[0]


@pytest.mark.slow
def test_an_output_cached_across_calls_never_passes(run) -> None:
    """A lazily allocated workspace is allowed in self; using it to return the first answer for
    every later call of the same shape is stale (fail) or aliases the last output (rejected)."""
    r = run("relu", (CORPUS / "attacks" / "c7_cached_output_skip.py").read_text())
    assert r["status"] in ("fail", "rejected"), (r["status"], r["reason"])
