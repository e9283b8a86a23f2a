"""Trusted-side comparisons: candidate outputs vs reference, untouched inputs, runtime op policy."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from harness.families.kernels.static.policy import ATEN_ALLOWED


@dataclass
class Comparison:
    ok: bool
    reason: str = ""
    max_abs_err: float = 0.0
    max_rel_err: float = 0.0
    mismatched: int = 0
    details: dict[str, Any] = field(default_factory=dict)


def dtype_name(t: torch.Tensor) -> str:
    return str(t.dtype).removeprefix("torch.")


def _close(ref: torch.Tensor, out: torch.Tensor, atol: float, rtol: float) -> Comparison:
    if out.shape != ref.shape:
        return Comparison(False, f"shape {tuple(out.shape)} != expected {tuple(ref.shape)}")
    if out.dtype != ref.dtype:
        return Comparison(False, f"dtype {out.dtype} != expected {ref.dtype}")
    if ref.numel() == 0:
        return Comparison(True)
    if not ref.is_floating_point():
        n_diff = int((out != ref).sum())
        return Comparison(n_diff == 0, f"{n_diff} integer elements differ" if n_diff else "", mismatched=n_diff)
    r, o = ref.double(), out.double()
    nan_r, nan_o = torch.isnan(r), torch.isnan(o)
    if not torch.equal(nan_r, nan_o):
        n = int((nan_r ^ nan_o).sum())
        return Comparison(False, f"NaN pattern differs at {n} elements", mismatched=n)
    inf_r = torch.isinf(r)
    if not torch.equal(inf_r, torch.isinf(o)) or not torch.equal(r[inf_r], o[inf_r]):
        return Comparison(False, "infinities differ")
    finite = ~(nan_r | inf_r)
    r, o = r[finite], o[finite]
    diff = (o - r).abs()
    allowed = r.abs() * rtol + atol
    bad = diff > allowed
    n_bad = int(bad.sum())
    max_abs = float(diff.max()) if diff.numel() else 0.0
    rel = diff / r.abs().clamp_min(1e-12)
    max_rel = float(rel.max()) if rel.numel() else 0.0
    if n_bad:
        worst = int(torch.argmax(diff - allowed))
        return Comparison(
            False, f"{n_bad}/{r.numel()} elements outside atol={atol:g} rtol={rtol:g} "
            f"(max abs err {max_abs:.3g}; worst got {float(o[worst]):.6g} want {float(r[worst]):.6g})",
            max_abs, max_rel, n_bad)
    return Comparison(True, "", max_abs, max_rel)


def _scalar_close(o: float, r: float) -> bool:
    """A returned Python number against the reference's; one no float holds (``2 ** 1100``) is
    not close (red team 8b S2: ``float()`` raised and the wrong answer became ``infra_error``)."""
    try:
        return math.isclose(float(o), float(r), rel_tol=1e-4, abs_tol=1e-6)
    except OverflowError:
        return False


def compare_outputs(ref: list[Any], out: list[Any], tol: dict[str, tuple[float, float]]) -> Comparison:
    """``tol`` maps dtype name -> (atol, rtol)."""
    if len(ref) != len(out):
        return Comparison(False, f"returned {len(out)} outputs, expected {len(ref)}")
    worst = Comparison(True)
    for i, (r, o) in enumerate(zip(ref, out, strict=True)):
        if isinstance(r, torch.Tensor):
            if not isinstance(o, torch.Tensor):
                return Comparison(False, f"output {i} is {type(o).__name__}, expected a tensor")
            atol, rtol = tol.get(dtype_name(r), (1e-4, 1e-4))
            c = _close(r.cpu(), o.cpu(), atol, rtol)
        elif isinstance(r, int | float):
            ok = isinstance(o, int | float) and _scalar_close(o, r)
            c = Comparison(ok, "" if ok else f"scalar output {i}: got {o!r} want {r!r}")
        else:
            c = Comparison(r == o, "" if r == o else f"output {i}: got {o!r} want {r!r}")
        if not c.ok:
            c.reason = f"output {i}: {c.reason}" if len(ref) > 1 else c.reason
            c.details["index"] = i
            return c
        worst.max_abs_err = max(worst.max_abs_err, c.max_abs_err)
        worst.max_rel_err = max(worst.max_rel_err, c.max_rel_err)
    return worst


def _bits(t: torch.Tensor) -> torch.Tensor:
    return t.detach().cpu().contiguous().reshape(-1).view(torch.uint8)


def modified_inputs(before: list[Any], after: list[Any]) -> list[int]:
    """Indices of inputs whose bytes (or shape/dtype) changed during the candidate's forward."""
    changed = []
    for i, b in enumerate(before):
        a = after[i] if i < len(after) else None
        if isinstance(b, torch.Tensor):
            if (not isinstance(a, torch.Tensor) or a.shape != b.shape or a.dtype != b.dtype
                    or not torch.equal(_bits(a), _bits(b))):
                changed.append(i)
    return changed


def disallowed_ops(ops: dict[str, int]) -> list[str]:
    """aten ops the candidate ran outside its kernels that are compute, not allocation/views."""
    return sorted(op for op in ops if op not in ATEN_ALLOWED)


MOVEMENT = "operator is data movement answers may do outside kernels"


def data_movement(cases: Iterable[Mapping[str, Any]]) -> str:
    """Why a problem cannot be scored ("" if it can; red team 13 K1): every case's reference ops were
    traced (``sandboxed.refops``) and all of them are ones an answer may run outside kernels, so an
    answer may compute the operator with them and launch a kernel that does nothing."""
    traced = [c.get("ops") for c in cases]
    if not traced or any(not isinstance(ops, list) for ops in traced):
        return ""
    ops = sorted({str(op) for case_ops in traced for op in case_ops})  # type: ignore[union-attr]
    if any(op not in ATEN_ALLOWED for op in ops):
        return ""
    return f"{MOVEMENT} (the reference runs {'only ' + ', '.join(ops[:8]) if ops else 'no aten op'})"
