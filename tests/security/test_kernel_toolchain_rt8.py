"""Honest answers round 8, F1 (round 6 F10): ``#include <ATen/cuda/CUDAContext.h>`` (the header of
``at::cuda::getCurrentCUDAStream()``) includes ``<cusparse.h>``, which a CUDA install without the
cuSPARSE headers (this machine's) lacks, so every honest answer including it was scored
``syntax_error``. A header missing from the toolchain, included by a toolchain header, is now the
machine's gap (``infra_error`` naming it, never cached); a missing header the answer includes
itself stays the answer's compile error."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import _includes, nvcc_path, toolchain_gap


def _gxx_log(tmp_path: Path, source: str) -> str:
    """g++'s real messages for ``source`` with the include folders nvcc gets (g++ writes the same
    ``file:line:col: fatal error: X: No such file or directory`` lines as nvcc's host pass)."""
    cuda_inc = [f"-I{d}" for d in _cuda_includes()]
    unit = tmp_path / "candidate_ext.cpp"
    unit.write_text(source)
    proc = subprocess.run(["g++", "-std=c++17", "-fsyntax-only", *[f"-I{p}" for p in _includes()], *cuda_inc,
                           str(unit)], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    return proc.stderr


def _cuda_includes() -> list[Path]:
    """The CUDA install's include folders (where cuda_runtime_api.h is)."""
    return sorted({p.parent for p in Path("/usr/local").glob("cuda*/**/include/cuda_runtime_api.h")})


def _lacks(header: str) -> bool:
    dirs = _cuda_includes()
    return nvcc_path() is not None and bool(dirs) and not any((d / header).exists() for d in dirs)


@pytest.mark.skipif(shutil.which("g++") is None or not _lacks("cusparse.h"),
                    reason="needs g++ and a CUDA install without cusparse.h (as on this machine)")
def test_a_toolchain_header_missing_a_library_header_is_the_machines_gap(tmp_path: Path) -> None:
    log = _gxx_log(tmp_path, "#include <torch/extension.h>\n#include <ATen/cuda/CUDAContextLight.h>\n")
    gap = toolchain_gap(log)
    assert gap is not None and gap.startswith("toolchain:") and "<cusparse.h>" in gap, log[-2000:]


def test_an_answers_own_missing_include_stays_its_compile_error(tmp_path: Path) -> None:
    log = _gxx_log(tmp_path, "#include <no_such_library_header.h>\nint main() { return 0; }\n")
    assert "no_such_library_header.h" in log and toolchain_gap(log) is None


def test_a_plain_compile_error_is_not_a_gap(tmp_path: Path) -> None:
    log = _gxx_log(tmp_path, "int main() { return undefined_name; }\n")
    assert toolchain_gap(log) is None
