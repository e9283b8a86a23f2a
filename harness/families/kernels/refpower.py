"""Whether a TritonBench test section's results depend on the operator's values (issue #14, red team
13 K4: nine TritonBench-G test sections store only shapes, so an answer whose kernel writes nothing
matched the reference).

The reference phase saves the results of one more run of the first case's test section with the
reference's calls made garbage (``sandboxed.power``: returned tensors and numbers, and the arguments a
call changed, of the same shapes and dtypes); where those results still compare equal to the
reference's (the check phase's comparison and tolerances), the problem cannot tell an operator from
none and is excluded at validation, and a candidate's evaluation is not scored.
"""
from __future__ import annotations

from typing import Any

import torch

from harness.families.kernels import compare
from harness.families.kernels.cases import RefCases
from harness.families.kernels.problem import Problem

UNPOWERED = "results do not depend on the operator's values"


def results_unpowered(problem: Problem, refs: RefCases) -> str:
    """Why the problem cannot be scored ("" if it can, or if the garbage run said nothing)."""
    case: dict[str, Any] = refs.cases[0] if refs.cases else {}
    if problem.kind != "function" or not case.get("fake"):
        return ""
    ref = torch.load(refs.folder / case["ref"], map_location="cpu", weights_only=True)
    fake = torch.load(refs.folder / case["fake"], map_location="cpu", weights_only=True)
    if list(fake.get("keys") or []) != list(ref.get("keys") or []):
        return ""
    outs, ref_outs = list(fake["outputs"]), list(ref["outputs"])
    dtypes = {compare.dtype_name(r) for r in ref_outs if isinstance(r, torch.Tensor)}
    tol = {d: problem.tolerance(d, case.get("dist"), case.get("config")) for d in dtypes}
    try:
        same = compare.compare_outputs(ref_outs, outs, tol).ok
    except (OverflowError, ValueError, TypeError, RuntimeError):
        return ""
    if not same:
        return ""
    return (f"{UNPOWERED}: the test section's results ({', '.join([str(k) for k in ref.get('keys') or []][:6]) or 'none'}) "
            "are the same when every call of the operator gives garbage of the same shapes")
