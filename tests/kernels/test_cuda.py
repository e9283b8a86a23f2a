"""CUDA answers on a machine without a GPU: nvcc compile stage, correctness ``not_run``."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import nvcc_path
from harness.families.kernels.static.check import analyze
from harness.families.kernels.static.cuda import InlineExtension
from tests.kernels.cuda_union import group_build
from tests.kernels.helpers import LIGHT_CUDA_RELU as LIGHT
from tests.kernels.helpers import PROBLEM_IDS, golden

needs_nvcc = pytest.mark.skipif(nvcc_path() is None, reason="nvcc not installed")


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HWEVAL_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.slow
@needs_nvcc
def test_cuda_compile_error_is_syntax_error(run_eval, fresh_cache: None) -> None:
    broken = LIGHT.replace("y[i] = x[i] > 0.0f", "y[i] = x[i] > 0.0f + undefined_symbol")
    r = run_eval("relu", broken, lang="cuda")
    assert r["status"] == "syntax_error"
    assert r["stages"]["compile"]["status"] == "syntax_error"
    assert "undefined_symbol" in r["reason"]


@pytest.mark.slow
@needs_nvcc
def test_cuda_compile_past_any_limit_is_the_machines_and_not_cached(run_eval, fresh_cache: None) -> None:
    """A compiler run past a limit that even a minimal extension cannot meet is the machine's
    ``infra_error`` (bed44bc: the answer's ``timeout`` only when the minimal extension builds in
    time, tests/security/test_kernel_rt8.py::TestCompileTimeout), never a compile error, and is not
    cached: the same answer with time to compile gets its real verdict. That verdict is also the
    plain CUDA candidate's on a machine without a GPU: it compiles, correctness is not_run."""
    r = run_eval("relu", LIGHT, lang="cuda", compile_timeout_s=0.5)
    assert r["status"] == "infra_error" and "too slow" in r["reason"], r["reason"]
    again = run_eval("relu", LIGHT, lang="cuda")
    assert again["stages"]["static"]["status"] == "pass"
    assert again["stages"]["compile"]["status"] == "pass", again["stages"]["compile"]
    assert again["stages"]["correctness"]["status"] == "not_run"
    assert again["stages"]["perf"]["status"] == "not_run"
    assert again["status"] == "infra_error"  # never pass, never fail: the machine has no GPU


def test_cuda_static_rejection_needs_no_compiler(run_eval) -> None:
    code = golden("relu", "cuda").replace("y[i] = v > 0.0f ? v : 0.0f;", "y[i] = v;").replace(
        "return y;", "return at::relu(x);")
    r = run_eval("relu", code, lang="cuda")
    assert r["status"] == "rejected" and r["reason"].startswith("cuda_torch_compute")


def cuda_forms() -> list[tuple[str, InlineExtension]]:
    """Every golden's extension, for the session's joint nvcc build (tests/kernels/cuda_union.py)."""
    return [(pid, analyze(golden(pid, "cuda"), "cuda")[2][0]) for pid in PROBLEM_IDS]


@pytest.mark.slow
@needs_nvcc
def test_every_golden_cuda_solution_compiles(tmp_path: Path) -> None:
    """Every golden through nvcc and g++ as an evaluation compiles it, each in its own namespace of
    the session's one joint build (shared with the security tests' forms; minutes on 2 cores)."""
    build = group_build("goldens", tmp_path)
    assert build.ok, build.log
