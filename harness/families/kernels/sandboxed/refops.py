"""The aten ops a PyTorch reference operator runs (issue #14, red team 13 K1).

An answer may allocate, view and copy outside its kernels (``static.policy.ATEN_ALLOWED``, the same
list the answer's op recorder is judged by). Where the reference operator itself runs nothing else
(TritonBench-T ``permute_copy`` = permute + clone, ``ones_like``, ``broadcast_tensors`` = expands), an
answer can compute it with the allowed calls and launch a kernel that does nothing: the problem cannot
tell a kernel from the allowlist. The reference phase records the ops of the reference's calls (job
key ``trace_ops``: problems whose reference is PyTorch, never Triton) under the answers' op recorder
(:func:`.hooks.make_op_recorder`), and ``compare.data_movement`` (in the harness) names such a problem,
which validation excludes and a candidate's evaluation does not score.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any


class OpTrace:
    """Records the aten ops of the outermost calls made through :meth:`wrap` (``ops``)."""

    def __init__(self) -> None:
        from harness.families.kernels.sandboxed.hooks import LaunchCounter, make_op_recorder

        self.recorder = make_op_recorder(LaunchCounter())
        self.active = False

    @property
    def ops(self) -> list[str]:
        return sorted(self.recorder.ops)

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)  # the write watch names calls by the function's name
        def call(*args: Any, **kwargs: Any) -> Any:
            if self.active:
                return fn(*args, **kwargs)
            self.active = True
            try:
                with self.recorder:
                    return fn(*args, **kwargs)
            finally:
                self.active = False
        return call


def maybe_trace(job: Mapping[str, Any]) -> OpTrace | None:
    return OpTrace() if job.get("trace_ops") else None
