"""Speedup and the physical bound: no kernel can beat ``max(bytes / bandwidth, flops / peak)``.

Peaks are deliberately generous (dense tensor-core rates, spec-sheet bandwidth), so a time under
the floor means the measurement was gamed (cached results, skipped work, broken timing).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# name substring -> (HBM bytes/s, fp32 FLOP/s incl. TF32 tensor cores, fp16/bf16 FLOP/s). Dense.
DEVICE_PEAKS: dict[str, tuple[float, float, float]] = {
    "B200": (8.0e12, 1.2e15, 2.3e15),
    "H200": (4.8e12, 0.495e15, 0.99e15),
    "H100": (3.35e12, 0.495e15, 0.99e15),
    "H800": (3.35e12, 0.495e15, 0.99e15),
    "A100": (2.04e12, 0.156e15, 0.312e15),
    "A800": (2.04e12, 0.156e15, 0.312e15),
    "L40S": (0.864e12, 0.183e15, 0.366e15),
    "L40": (0.864e12, 0.181e15, 0.362e15),
    "RTX 6000 Ada": (0.96e12, 0.182e15, 0.364e15),
    "4090": (1.01e12, 0.165e15, 0.33e15),
    "A10": (0.6e12, 0.0625e15, 0.125e15),
    "L4": (0.3e12, 0.06e15, 0.121e15),
    "T4": (0.32e12, 0.0081e15, 0.065e15),
    "V100": (0.9e12, 0.0157e15, 0.125e15),
}
SLACK = 0.8  # a measured time may undercut the floor by 20% (clock boost, estimate error)


@dataclass
class Bound:
    floor_ms: float
    device: str
    peaks: tuple[float, float, float]
    known_device: bool


def device_peaks(name: str) -> tuple[tuple[float, float, float], bool]:
    for key, peaks in DEVICE_PEAKS.items():
        if key.lower() in name.lower():
            return peaks, True
    # Unknown device: the most generous peaks we know, so the bound never rejects a real kernel.
    return (max(p[0] for p in DEVICE_PEAKS.values()), max(p[1] for p in DEVICE_PEAKS.values()),
            max(p[2] for p in DEVICE_PEAKS.values())), False


def physical_floor(flops: float, nbytes: float, device: str, dtype: str = "float32") -> Bound:
    peaks, known = device_peaks(device)
    rate = peaks[1] if dtype in ("float32", "float64") else peaks[2]
    seconds = max(nbytes / peaks[0], flops / rate)
    return Bound(seconds * 1e3, device, peaks, known)


def judge(
    cand: dict[str, Any], eager: dict[str, Any] | None, compiled: dict[str, Any] | None,
    flops: float, nbytes: float, device: str, dtype: str = "float32",
) -> dict[str, Any]:
    """Perf stage record: speedups, the floor, and ``rejected`` when the floor is beaten."""
    cand_ms = float(cand["median_ms"])
    bound = physical_floor(flops, nbytes, device, dtype)
    out: dict[str, Any] = {
        "status": "pass", "candidate": cand, "eager": eager, "compiled": compiled,
        "floor_ms": bound.floor_ms, "device": device, "known_device": bound.known_device,
        "flops": flops, "bytes": nbytes,
    }
    if eager and eager.get("median_ms"):
        out["speedup"] = float(eager["median_ms"]) / cand_ms if cand_ms > 0 else float("inf")
    if compiled and compiled.get("median_ms"):
        out["speedup_vs_compile"] = float(compiled["median_ms"]) / cand_ms if cand_ms > 0 else float("inf")
    if cand_ms < bound.floor_ms * SLACK:
        out["status"] = "rejected"
        out["rule"] = "implausible_speedup"
        out["reason"] = (f"median {cand_ms:.4g} ms is below the physical floor {bound.floor_ms:.4g} ms "
                         f"({nbytes:.3g} B, {flops:.3g} FLOP on {device})")
    return out
