"""Honest kernel answers in ordinary style pass end to end (issue 14, "no false rejections").

Each file of ``tests/security/kernels/honest/`` with a ``# problem: <suite>/<id>`` line is an
answer written the way a competent engineer writes one (ModuleList / Sequential of blocks,
try/except around a launch, print and logging, dataclass configs and plain helper classes,
lazily allocated workspaces, several kernels, autotune without hooks, grid helpers with
``math``, views, keyword arguments, type hints, docstrings, module constants, a ``__main__``
self-test). It runs through ``evaluate_kernel`` in bubblewrap under the Triton interpreter on
that kernels-core or kernels-hard problem and must pass. ``honest_cuda/`` answers are checked
statically here and compiled with nvcc when ``HWEVAL_KH_NVCC=1`` (correctness needs a GPU).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from benchmarks.kernels_hard import PROBLEMS_DIR as HARD
from benchmarks.kernels_hard import load_hard_problem
from harness.families.kernels.compile_cuda import nvcc_path
from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.runner import Runner
from harness.families.kernels.static.check import analyze, scalar_positions
from tests.kernels.helpers import PROBLEMS, shared_runner

CORPUS = Path(__file__).resolve().parent / "kernels"
_PROBLEM = re.compile(r"^# problem: (kernels_core|kernels_hard)/(\w+)$", re.M)


def _target(path: Path) -> tuple[str, str] | None:
    m = _PROBLEM.search(path.read_text())
    return (m.group(1), m.group(2)) if m else None


HONEST = [p for p in sorted((CORPUS / "honest").glob("*.py")) if _target(p)]
HONEST_CUDA = sorted((CORPUS / "honest_cuda").glob("*.py"))
STYLES = ("ModuleList", "Sequential", "try", "except", "print(", "logging", "@dataclass", "register_buffer",
          "self.workspace =", "triton.autotune", "math.", "new_empty", "permute", "__main__", "->", '"""')


def _problem(suite: str, pid: str) -> Any:
    return PROBLEMS / pid if suite == "kernels_core" else load_hard_problem(HARD / pid)


@pytest.fixture(scope="module")
def runner() -> Runner:
    return shared_runner()  # one sandbox and fork servers per test process


def test_the_honest_corpus_covers_the_ordinary_styles() -> None:
    text = "\n".join(p.read_text() for p in HONEST)
    assert len(HONEST) >= 10 and HONEST_CUDA
    assert [s for s in STYLES if s not in text] == []
    assert any(_target(p)[0] == "kernels_hard" for p in HONEST)  # type: ignore[index]
    cuda = HONEST_CUDA[0].read_text()
    assert "load_inline" in cuda and cuda.count("__global__") >= 2


@pytest.mark.parametrize("path", HONEST + HONEST_CUDA, ids=lambda p: p.stem)
def test_honest_answer_passes_the_static_rules(path: Path) -> None:
    lang = "cuda" if path.parent.name == "honest_cuda" else "triton"
    suite, pid = _target(path)  # type: ignore[misc]
    folder = (PROBLEMS if suite == "kernels_core" else HARD) / pid
    scalars = scalar_positions((folder / "reference.py").read_text())
    violations, kernels, _ = analyze(path.read_text(), lang, scalars=scalars)
    assert violations == [] and kernels, violations


@pytest.mark.slow
@pytest.mark.parametrize("path", HONEST, ids=lambda p: p.stem)
def test_honest_answer_passes_end_to_end(path: Path, runner: Runner, tmp_path: Path) -> None:
    suite, pid = _target(path)  # type: ignore[misc]
    r = evaluate_kernel(_problem(suite, pid), path.read_text(), "triton", tmp_path / "w", gpu=False,
                        timeout_s=300.0, runner=runner, seeds=1, ref_cache=tmp_path / "refs")
    assert r["status"] == "pass", (suite, pid, r["status"], r["reason"])


@pytest.mark.slow
@pytest.mark.skipif(nvcc_path() is None or os.environ.get("HWEVAL_KH_NVCC") != "1",
                    reason="nvcc build of a load_inline answer: set HWEVAL_KH_NVCC=1 (minutes)")
@pytest.mark.parametrize("path", HONEST_CUDA, ids=lambda p: p.stem)
def test_honest_cuda_answer_compiles(path: Path, runner: Runner, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HWEVAL_CACHE_DIR", str(tmp_path / "cache"))
    suite, pid = _target(path)  # type: ignore[misc]
    r = evaluate_kernel(_problem(suite, pid), path.read_text(), "cuda", tmp_path / "w", gpu=False,
                        timeout_s=600.0, runner=runner, seeds=1, ref_cache=tmp_path / "refs")
    assert r["stages"]["static"]["status"] == "pass", r["reason"]
    assert r["stages"]["compile"]["status"] == "pass", r["stages"]["compile"]
