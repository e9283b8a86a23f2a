"""GPU timing: warm-up, L2 flush before each call, CUDA events, median/IQR over repetitions.

Used by the worker both for the candidate and for the eager / torch.compile baselines, so that
all three are measured the same way. Needs a CUDA device; nothing here runs on a CPU machine.
"""
from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

DEFAULT_FLUSH_BYTES = 256 * 1024 * 1024  # larger than any current L2 (H100/H200: 50 MB)


def summarize(times_ms: Sequence[float]) -> dict[str, float]:
    """median, IQR, mean, std, coefficient of variation, min, n."""
    xs = sorted(float(t) for t in times_ms)
    if not xs:
        return {"n": 0}
    n = len(xs)
    q = statistics.quantiles(xs, n=4, method="inclusive") if n >= 2 else [xs[0]] * 3
    mean = statistics.fmean(xs)
    std = statistics.pstdev(xs) if n >= 2 else 0.0
    return {
        "n": n, "median_ms": statistics.median(xs), "iqr_ms": q[2] - q[0], "q1_ms": q[0],
        "q3_ms": q[2], "mean_ms": mean, "std_ms": std, "cv": std / mean if mean > 0 else 0.0,
        "min_ms": xs[0],
    }


def time_cuda(
    fn: Callable[..., Any],
    args: Sequence[Any],
    *,
    warmup: int = 10,
    reps: int = 50,
    rounds: int = 3,
    flush_bytes: int = DEFAULT_FLUSH_BYTES,
    on_call: Callable[[], None] | None = None,
    after_call: Callable[[], None] | None = None,
    after_any: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Time ``fn(*args)``; ``rounds`` independent rounds give a between-round CV of medians.

    ``on_call``/``after_call`` run around every timed call (outside the events), e.g. to reset and
    read a launch counter; ``after_any`` after every call, warm-up included (outside the events, after
    ``after_call``).
    """
    import torch

    flush = torch.empty(max(flush_bytes // 4, 1), dtype=torch.int32, device="cuda")
    for _ in range(warmup):
        fn(*args)
        if after_any is not None:
            after_any()
    torch.cuda.synchronize()
    all_times: list[float] = []
    medians: list[float] = []
    for _ in range(rounds):
        times = []
        for _ in range(reps):
            flush.zero_()  # evict the inputs from L2: every call starts cold
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            if on_call is not None:
                on_call()
            start.record()
            fn(*args)
            end.record()
            end.synchronize()
            if after_call is not None:
                after_call()
            if after_any is not None:
                after_any()
            times.append(start.elapsed_time(end))
        medians.append(statistics.median(times))
        all_times.extend(times)
    out: dict[str, Any] = summarize(all_times)
    out["round_medians_ms"] = medians
    mean = statistics.fmean(medians)
    out["cv_rounds"] = (statistics.pstdev(medians) / mean) if len(medians) > 1 and mean > 0 else 0.0
    del flush
    return out
