"""Which TritonBench problems cannot run on a CPU, and why (reported as not run, never as broken).

Two ways to know:

* before running (:func:`cpu_unsupported`): the file's own text says so, e.g. an LU factorisation
  without pivoting (``torch.linalg.lu(A, pivot=False)``: PyTorch implements it only for CUDA), or a
  TritonBench-G operator that asserts CUDA tensors (``x.is_cuda``), queries the CUDA device, or
  uses inline PTX, TMA descriptors or block pointers, which the Triton interpreter cannot execute;
* after running (:func:`cpu_failure`): the reference's own error says an operation is not
  implemented on the CPU.

On a GPU none of this applies: the problems run as TritonBench runs them.
"""
from __future__ import annotations

import re

from harness.types import Status, Verdict

_LU_CALL = re.compile(r"\b(?:linalg\.lu|linalg\.lu_factor|linalg\.lu_factor_ex|torch\.lu)\s*\(")
_NO_PIVOT = re.compile(r"\bpivot\s*=\s*False\b")
LU_REASON = ("LU factorisation without pivoting (pivot=False): PyTorch implements it only on CUDA "
             "(linalg.lu_factor: 'LU without pivoting is not implemented on the CPU')")
#: TritonBench-G: what the Triton interpreter or a CPU build of torch cannot do
_G_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\binline_asm"), "inline PTX assembly (tl.inline_asm_elementwise) needs a GPU"),
    (re.compile(r"experimental_descriptor|make_tensor_descriptor|TensorDescriptor|_experimental_make_tensor"),
     "TMA tensor descriptors need a Hopper-class GPU"),
    (re.compile(r"\.is_cuda\b"), "the operator asserts that its tensors are CUDA tensors (x.is_cuda)"),
    (re.compile(r"torch\.cuda\.(?!is_available\b|empty_cache\b|amp\b)\w+"),
     "the operator calls the CUDA runtime ({0}), which a CPU build of torch lacks"),
    (re.compile(r"\btriton\.runtime\.driver\b|\bget_device_properties\b|\bmulti_processor_count\b"),
     "the operator queries the GPU's properties"),
    (re.compile(r"\bfloat8|\bfp8e[45]"), "fp8 types need a GPU"),
    (re.compile(r"\bmake_block_ptr\b"), "block pointers (tl.make_block_ptr), which the Triton interpreter no longer runs"),
)
#: the reference's own error saying the CPU lacks an operation
_CPU_ERRORS = re.compile(r"not implemented (?:on|for) (?:the )?'?CPU'?|\"\w+\" not implemented for 'CPU'"
                         r"|only supports CUDA|CUDA is required|Torch not compiled with CUDA enabled"
                         r"|Found no NVIDIA driver|without ATen_cuda library")


def lu_without_pivoting(text: str) -> bool:
    return bool(_LU_CALL.search(text) and _NO_PIVOT.search(text))


def cpu_unsupported(text: str, *, channel: str) -> str | None:
    """Why the problem file ``text`` cannot run on a CPU (None: it may). ``channel``: "T" or "G"."""
    if lu_without_pivoting(text):
        return LU_REASON
    if channel == "G":
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        for pattern, reason in _G_RULES:
            m = pattern.search(code)
            if m:
                return reason.format(m.group(0))
    return None


def cpu_failure(reason: str) -> bool:
    """Does a failure message say the CPU lacks an operation the reference needs?"""
    return bool(_CPU_ERRORS.search(reason))


def not_run(reason: str, verdict: Verdict | None = None) -> Verdict:
    """The verdict of a problem that cannot run on this CPU: ``infra_error`` (reported as not run)."""
    stages = verdict.stages if verdict is not None else {}
    logs = verdict.logs if verdict is not None else {}
    return Verdict(Status.INFRA_ERROR, reason=f"not run on the CPU: {reason}", stages=stages, logs=logs)
