"""Input distributions the harness derives from a benchmark's own inputs (attack class 8).

KernelBench builds every input with ``torch.rand`` (values in [0, 1)), so an identity copy
"passes" ReLU and a softmax without the max subtraction never overflows. Problems whose
``get_inputs`` takes no ``dist`` are checked on the benchmark's own inputs (``default``) and on
two derived ones, drawn with the case's fresh seed:

* ``signed``: every floating input with random signs (magnitudes kept);
* ``large``: ``signed`` scaled by :data:`LARGE_SCALE` (exp overflows without a max subtraction).

Integer and boolean inputs (indices, labels, masks) are left as they are. A derived case whose
reference output is not finite (a log of a negative probability) or whose reference raises is
dropped: it would test nothing. ``large`` cases compare with an absolute tolerance scaled by the
reference's largest magnitude (outputs grow with the inputs).
"""
from __future__ import annotations

from typing import Any

DERIVED = ("signed", "large")
EXTERNAL_DISTS = ("default", *DERIVED)
LARGE_SCALE = 128.0


def derive(inputs: list[Any], dist: str, seed: int) -> list[Any]:
    """``inputs`` under the derived distribution ``dist`` (a no-op for other names)."""
    import torch

    if dist not in DERIVED:
        return inputs
    gen = torch.Generator().manual_seed(int(seed) ^ 0x5EED)
    out: list[Any] = []
    for v in inputs:
        if isinstance(v, torch.Tensor) and v.is_floating_point() and v.numel() > 0:
            sign = torch.randint(0, 2, v.shape, generator=gen).to(v.dtype) * 2 - 1
            w = v * sign.to(v.device)
            out.append(w * LARGE_SCALE if dist == "large" else w)
        else:
            out.append(v)
    return out


def atol_scale(dist: str, outputs: list[Any]) -> float:
    """How much the absolute tolerance of a case grows with its outputs' magnitude."""
    import torch

    if dist != "large":
        return 1.0
    peak = 1.0
    for o in outputs:
        if isinstance(o, torch.Tensor) and o.is_floating_point() and o.numel() > 0:
            finite = o[torch.isfinite(o)]
            if finite.numel():
                peak = max(peak, float(finite.abs().max()))
    return peak
