"""Red team 13 R1, R2, R2b (kernels, every Python kernel suite).

R2: ``if __name__ != "__main__":`` was read as the script guard (the comparison's operator was never
looked at), so its block went unchecked, and it runs on import: it replaced ``forward`` with
``torch.relu`` under ``_disable_current_modes()`` and kernels-core relu passed. Only ``==`` is the
guard now; any other comparison is module code, checked like the rest.

R1: ``flag = isinstance(v, torch.Tensor)`` written only inside a nested, never-called ``def`` counted
as the outer function's flag, so ``if not flag: return float(v)`` (a module-level ``flag = 0``)
read a tensor element on the host as "not a tensor", and a Python-loop ReLU passed. The flag's one
binding must be the function's own.

R2b: the checker copied the stage (``reached``) from every worker frame, also frames the answer's
code sent after ``ready``, so a frame claiming ``reached: boot`` with a worker error made a wrong
answer ``infra_error`` (dropped from the score). After ``ready`` the stage never goes back.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from harness.families.kernels.judge import worker_failure
from harness.families.kernels.sandboxed import checker, pipe
from harness.families.kernels.static.check import analyze
from harness.sandbox.base import ExecResult

HEAD = '''import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=m), mask=m)


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.empty_like(x)
        n = x.numel()
        copy_kernel[(triton.cdiv(n, 1024),)](x, y, n, BLOCK=1024)
        return y
'''

GUARD_BODY = '''
    from torch.utils._python_dispatch import _disable_current_modes

    def _fwd(self, x):
        with _disable_current_modes():
            return torch.relu(x)
    ModelNew.forward = _fwd
'''

NARROW = '''import torch
import torch.nn as nn
import triton
import triton.language as tl

flag = 0


@triton.jit
def touch_kernel(y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(y_ptr + offs, tl.load(y_ptr + offs, mask=m), mask=m)


def scalar_of(v):
    BINDING
    if not flag:
        return float(v)
    return 0.0


class ModelNew(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.empty_like(x)
        fx, fy = x.view(-1), y.view(-1)
        n = x.numel()
        for i in range(n):
            fy[i].fill_(max(scalar_of(fx[i]), 0.0))
        touch_kernel[(triton.cdiv(n, 1024),)](y, n, BLOCK=1024)
        return y
'''


def _rules(code: str) -> set[str]:
    return {v.rule for v in analyze(code, "triton")[0]}


class TestMainGuard:
    def test_only_equality_is_the_script_guard(self) -> None:
        for test in ('__name__ != "__main__"', '__name__ > "__main__"', '__name__ not in "__main__"',
                     '__name__ is not "__main__"', '__name__ < "__main__"'):
            code = HEAD + f"\n\nif {test}:" + GUARD_BODY
            assert _rules(code), f"{test}: the block runs on import and must be checked"

    def test_the_real_guard_still_skips_a_self_test(self) -> None:
        code = HEAD + '\n\nif __name__ == "__main__":\n    x = torch.randn(8)\n    print(torch.relu(x))\n'
        assert _rules(code) == set()

    def test_the_attack_is_rejected_for_its_import_time_code(self) -> None:
        code = HEAD + '\n\nif __name__ != "__main__":' + GUARD_BODY
        rules = _rules(code)
        assert {"forbidden_import", "torch_compute"} <= rules, rules  # the private import, torch.relu


class TestNarrowingFlag:
    def test_a_flag_bound_only_in_a_nested_def_narrows_nothing(self) -> None:
        binding = "def probe():\n        flag = isinstance(v, torch.Tensor)\n        return flag"
        assert _rules(NARROW.replace("BINDING", binding))

    def test_a_flag_bound_in_a_nested_lambda_or_class_narrows_nothing(self) -> None:
        for binding in ("class P:\n        flag = isinstance(v, torch.Tensor)",):
            assert _rules(NARROW.replace("BINDING", binding)), binding

    def test_the_functions_own_flag_still_narrows(self) -> None:
        """The honest form (round 11 F4c) keeps passing: ``v`` is a number in the flag's false arm.
        (Its caller here passes a tensor element, so the answer is checked on the caller instead.)"""
        own = '''import torch
import triton
import triton.language as tl


@triton.jit
def scale_kernel(x_ptr, y_ptr, s, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=m) * s, mask=m)


def scale(x: torch.Tensor, other) -> torch.Tensor:
    is_t = isinstance(other, torch.Tensor)
    if is_t:
        raise ValueError("a number is expected")
    s = float(other)
    y = torch.empty_like(x)
    n = x.numel()
    scale_kernel[(triton.cdiv(n, 1024),)](x, y, s, n, BLOCK=1024)
    return y
'''
        assert "torch_compute" not in _rules(own)


class _Proc:
    """A worker as the checker sees it: a pipe of frames to read, a sink to write."""

    def __init__(self, frames: list[dict[str, Any]]) -> None:
        rfd, wfd = os.pipe()
        for frame in frames:
            pipe.send(wfd, frame)
        os.close(wfd)
        self.stdout = os.fdopen(rfd, "rb")
        sink_r, sink_w = os.pipe()
        self._sink = os.fdopen(sink_r, "rb")
        self.stdin = os.fdopen(sink_w, "wb")


def _talk(frames: list[dict[str, Any]]) -> dict[str, Any]:
    report: dict[str, Any] = {"phase": "check", "reached": "boot", "error": None, "cases": [], "digests": {}}
    proc = _Proc(frames)
    job = {"cases": [{"id": "c0", "output": "out0"}]}
    try:
        checker._talk(proc, job, [b""], report, Path("."), {}, {})
    except pipe.PipeClosed:
        pass
    return report


class TestStageAfterReady:
    FORGED = {"reached": "boot", "error": {"where": "worker", "type": "OSError", "message": "worker start-up failed"}}

    def test_a_boot_frame_after_ready_is_the_answers_failure(self) -> None:
        report = _talk([{"reached": "ready"}, self.FORGED])
        assert report["reached"] == "ready"
        status, _, _ = worker_failure(ExecResult(0, "", "", 1.0), report, 60.0) or ("pass", "", "")
        assert status == "runtime_error"

    def test_a_boot_frame_before_ready_is_still_the_harness(self) -> None:
        report = _talk([self.FORGED])
        status, _, _ = worker_failure(ExecResult(0, "", "", 1.0), report, 60.0) or ("pass", "", "")
        assert status == "infra_error"

    def test_a_later_stage_can_not_go_back_either(self) -> None:
        report = _talk([{"reached": "ready"}, {"reached": "import"}, {"reached": ""}])
        assert report["reached"] != "boot"
