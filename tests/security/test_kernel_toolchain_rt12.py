"""Red team 12 R1: an answer picked the toolchain header whose dependency this machine lacks.

``#include <ATen/cudnn/Handle.h>`` needs ``<cudnn.h>``; the build failed inside torch's headers, so
``toolchain_gap`` called it the machine's gap and the wrong answer was ``infra_error``, dropped from
pass@k. A gap is now the machine's only behind a header an ordinary torch CUDA extension includes
(``compile_cuda.ANSWER_HEADERS``: torch's entry headers, ``ATen/cuda``, ``c10/cuda``, ``c10/util``),
found as the outermost toolchain file of the compiler's include chain; behind any other header it is
the answer's compile error.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.families.kernels.compile_cuda import _includes, steers_headers, toolchain_gap
from tests.security.test_kernel_toolchain_rt8 import _gxx_log, _lacks

TORCH = Path(_includes()[0]).resolve()


def _log(chain: list[str], missing: str, answer: str = "/w/candidate_ext.cu") -> str:
    """A compiler's messages for ``missing``, included by the last header of ``chain`` (outermost
    first), which the answer reached through the others: the includers are listed innermost first."""
    files = [str(TORCH / c) for c in chain]
    includers = [*reversed(files[:-1]), answer]
    lines = [f"{'In file included from' if i == 0 else '                 from'} {f}:{i + 3}"
             f"{':' if i == len(includers) - 1 else ','}" for i, f in enumerate(includers)]
    return "\n".join([*lines, f"{files[-1]}:4:10: fatal error: {missing}: No such file or directory",
                      "compilation terminated.", ""])


@pytest.mark.parametrize("chain, missing, gap", [
    (["ATen/cuda/CUDAContext.h", "ATen/cuda/CUDAContextLight.h"], "cusparse.h", True),
    (["torch/extension.h", "ATen/cuda/CUDAContextLight.h"], "cusparse.h", True),
    (["ATen/cuda/CUDAContextLight.h"], "cublasLt.h", True),
    (["ATen/cudnn/Handle.h", "ATen/cudnn/cudnn-wrapper.h"], "cudnn.h", False),
    (["ATen/cudnn/cudnn-wrapper.h"], "cudnn.h", False),
    (["torch/csrc/distributed/c10d/NCCLUtils.hpp"], "nccl.h", False),
    (["c10/util/Semaphore.h"], "moodycamel/concurrentqueue.h", False),  # R1b
    (["c10/cuda/driver_api.h"], "nvml.h", False),  # R1b
    (["ATen/cuda/CUDAContext.h", "ATen/cuda/CUDAContextLight.h", "c10/cuda/driver_api.h"], "nvml.h", True),
])
def test_the_outermost_toolchain_header_decides(chain: list[str], missing: str, gap: bool) -> None:
    log = _log(chain, missing)
    assert (toolchain_gap(log) is not None) is gap, log


@pytest.mark.parametrize("flags, gap", [
    ([], True), (["-O3", "-U__CUDA_NO_HALF_OPERATORS__", "-DNDEBUG"], True),
    (["-DUSE_ROCM"], False), (["-DFBCODE_CAFFE2=1"], False), (["-UNDEBUG", "-DUSE_CUDSS"], False),
])
def test_macros_the_answer_sets_make_a_gap_its_own(flags: list[str], gap: bool) -> None:
    """R1c: an answer's ``-D``/``-U`` flags may steer toolchain headers into a library this machine
    lacks; only the half/bfloat16 switches (and NDEBUG) keep a gap the machine's."""
    log = _log(["ATen/cuda/CUDAContext.h", "ATen/cuda/CUDAContextLight.h"], "cusparse.h")
    assert (toolchain_gap(log, flags) is not None) is gap


@pytest.mark.skipif(shutil.which("g++") is None or not _lacks("cudnn.h"),
                    reason="needs g++ and a CUDA install without cudnn.h (as on this machine)")
def test_a_chosen_cudnn_header_is_the_answers_compile_error(tmp_path: Path) -> None:
    log = _gxx_log(tmp_path, "#include <torch/extension.h>\n#include <ATen/cudnn/Handle.h>\n")
    assert "cudnn.h" in log and toolchain_gap(log) is None, log[-2000:]


@pytest.mark.skipif(shutil.which("g++") is None or not _lacks("cusparse.h"),
                    reason="needs g++ and a CUDA install without cusparse.h (as on this machine)")
def test_the_stream_header_an_honest_answer_needs_stays_the_machines_gap(tmp_path: Path) -> None:
    log = _gxx_log(tmp_path, "#include <torch/extension.h>\n#include <ATen/cuda/CUDAContext.h>\n")
    gap = toolchain_gap(log)
    assert gap is not None and "toolchain:" in gap, log[-2000:]


@pytest.mark.parametrize("source, steers", [
    ("#include <torch/extension.h>\n#define CHECK(x) TORCH_CHECK(x)\nint f();\n", False),
    ("#define C10_USE_GLOG 1\n#include <torch/extension.h>\n", True),  # red team 12 B3
    ("  #  undef NDEBUG\n#include <ATen/cuda/CUDAContext.h>\n", True),
    ("#include <torch/extension.h>\n#define A 1\n#include <cuda_runtime.h>\n", True),
    ("// #define X 1\n#include <torch/extension.h>\n", False),
])
def test_a_macro_defined_before_an_include_makes_a_gap_the_answers(source: str, steers: bool) -> None:
    """B3: ``#define C10_USE_GLOG 1`` before ``<torch/extension.h>`` (no implicit headers) pulled in
    ``<glog/logging.h>`` through an allowed header; the gap was the machine's, the wrong answer
    ``infra_error``. A macro the answer's source defines before an include now makes it its own."""
    log = _log(["torch/extension.h", "c10/util/Logging.h", "c10/util/logging_is_google_glog.h"], "glog/logging.h")
    assert steers_headers(source) is steers
    assert (toolchain_gap(log, [], (source,)) is None) is steers
