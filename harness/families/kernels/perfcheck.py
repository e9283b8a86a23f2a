"""The outputs of the perf phase's checked calls against the reference (issue #14, red team 13 K5).

The perf worker runs two of its timed calls (one drawn at random, and the last) with garbage-filled
fresh outputs and saves their outputs (``sandboxed.perfcalls``); here they are compared with the
reference's outputs for the perf inputs, with the check phase's tolerances. A mismatch is
``perf_output_mismatch`` with status ``fail``: the answer's outputs were wrong on calls the check
phase never made (a kernel that counts its calls and stops working once timed), so its speed is no
speed of the operator. Missing or unreadable outputs are ``fail`` too (the answer's process wrote
them).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from harness.families.kernels import compare
from harness.families.kernels.problem import Problem

RULE = "perf_output_mismatch"
PERF_OUTPUTS = "perf_out.pt"  # where the perf worker saves them (the job's ``perf.outputs``)


def _tolerance(problem: Problem, case: dict[str, Any], ref: list[Any]) -> dict[str, tuple[float, float]]:
    dtypes = {compare.dtype_name(r) for r in ref if isinstance(r, torch.Tensor)}
    scale = float(case.get("atol_scale", 1.0))
    out = {}
    for d in dtypes:
        atol, rtol = problem.tolerance(d, case.get("dist"), case.get("config"))
        out[d] = (atol * scale, rtol)
    return out


def perf_output_problem(problem: Problem, case: dict[str, Any], ref_path: Path, saved: Path) -> str:
    """Why the checked calls' outputs in ``saved`` are wrong ("" if they match the reference's
    outputs in ``ref_path`` for the perf ``case``)."""
    try:
        blob = torch.load(saved, map_location="cpu", weights_only=True)
        calls, outputs = list(blob["calls"]), list(blob["outputs"])
    except Exception as exc:  # noqa: BLE001 - written by the answer's process
        return f"{RULE}: the checked timed calls' outputs are unreadable ({type(exc).__name__})"
    if len(outputs) < 2 or len(calls) != len(outputs):
        return f"{RULE}: {len(outputs)} checked timed calls where the perf run makes 2"
    ref = list(torch.load(ref_path, map_location="cpu", weights_only=True)["outputs"])
    tol = _tolerance(problem, case, ref)
    for call, outs in zip(calls, outputs, strict=True):
        try:
            cmp = compare.compare_outputs(ref, list(outs), tol)
        except (OverflowError, ValueError, TypeError, RuntimeError) as exc:
            return f"{RULE}: timed call {call} gave outputs that cannot be compared ({exc!r})"[:500]
        if not cmp.ok:
            return f"{RULE}: timed call {call} (of the perf run) gave a wrong result: {cmp.reason}"[:500]
    return ""
