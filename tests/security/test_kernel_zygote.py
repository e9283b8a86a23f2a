"""The kernels family's processes forked from a warm worker's fork server (#18), end to end.

An answer that scans its own memory for the check's nonce must not find it: the candidate's
worker is forked from a server made before any request was read, never from the process that
read the nonce. The same answer shows which path ran: its parent is the fork server in a warm
sandbox, the checker with ``HWEVAL_SANDBOX_WARM=off`` (the exec fallback, where it then fails).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.runner import sandbox_runner
from harness.sandbox.base import Limits
from tests.kernels.helpers import PROBLEMS, bwrap_usable

NEEDS_BWRAP = pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")

NONCE = "5eed" * 8
#: correct (relu) only when the memory scan works (it finds a marker made at run time), finds no
#: nonce, and the process's parent is the warm worker's fork server; otherwise the input comes back
SCANNER = '''import os

import torch
import torch.nn as nn
import triton
import triton.language as tl

NONCE_HALVES = (b"@FIRST@", b"@SECOND@")
MARKER = "-".join(["speedk", "marker", str(12345 * 3)])  # in memory whole, in the source in pieces
MARKER_HALVES = (b"speedk-mar", b"ker-37035")


def contains(data, halves):
    """``halves`` joined is in ``data`` (searched without making the joined string)."""
    first, second = halves
    at = data.find(first)
    while at >= 0:
        if data[at + len(first):at + len(first) + len(second)] == second:
            return True
        at = data.find(first, at + 1)
    return False


def scan():
    found_marker = found_nonce = False
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", buffering=0) as mem:
        for line in maps:
            parts = line.split()
            if "r" not in parts[1] or (len(parts) > 5 and not parts[5].startswith("[heap")):
                continue
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            for start in range(lo, hi, 1 << 24):
                try:
                    mem.seek(start)
                    data = mem.read(min(hi, start + (1 << 24) + 64) - start)
                except (OSError, ValueError, OverflowError):
                    break
                found_marker = found_marker or contains(data, MARKER_HALVES)
                found_nonce = found_nonce or contains(data, NONCE_HALVES)
    return found_marker, found_nonce


def forked():
    with open(f"/proc/{os.getppid()}/cmdline", "rb") as fh:
        return b"--server" in fh.read()


FOUND_MARKER, FOUND_NONCE = scan()
HONEST = FOUND_MARKER and not FOUND_NONCE and forked()


@triton.jit
def relu_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n)
    if HONEST_FLAG:
        x = tl.maximum(x, 0.0)
    tl.store(y_ptr + offs, x, mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x):
        y = torch.empty_like(x)
        relu_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), BLOCK=1024, HONEST_FLAG=HONEST)
        return y
'''.replace("@FIRST@", NONCE[:16]).replace("@SECOND@", NONCE[16:])
SCANNER = SCANNER.replace("n, BLOCK: tl.constexpr)", "n, BLOCK: tl.constexpr, HONEST_FLAG: tl.constexpr)")


@pytest.fixture
def no_static_fixed_nonce(monkeypatch: pytest.MonkeyPatch) -> None:
    """The static allowlist off (the answer reads /proc) and the check's nonce known to the test."""
    import harness.families.kernels.cases as cases
    import harness.families.kernels.evaluate as ev

    real = ev.analyze
    monkeypatch.setattr(ev, "analyze", lambda code, lang, **kw: ([], *real(code, lang, **kw)[1:]))
    monkeypatch.setattr(cases.secrets, "token_hex", lambda n=16: NONCE)


def _evaluate(tmp_path: Path, name: str) -> dict:
    from harness.sandbox.local import BubblewrapSandbox

    sandbox = BubblewrapSandbox()
    try:
        runner = sandbox_runner(sandbox, Limits(), gpu=False)
        return evaluate_kernel(PROBLEMS / "relu", SCANNER, "triton", tmp_path / name, gpu=False, timeout_s=240.0,
                               runner=runner, ref_cache=tmp_path / "refs", seeds=1)
    finally:
        sandbox.close()


@pytest.mark.slow
@NEEDS_BWRAP
def test_the_forked_worker_holds_no_nonce(tmp_path: Path, no_static_fixed_nonce: None,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HWEVAL_SANDBOX_WARM", "on")
    r = _evaluate(tmp_path, "warm")
    assert r["status"] == "pass", (r["status"], r["reason"])
    # the exec fallback: the answer's parent is the checker, so the same answer copies its input
    monkeypatch.setenv("HWEVAL_SANDBOX_WARM", "off")
    r = _evaluate(tmp_path, "cold")
    assert r["status"] == "fail", (r["status"], r["reason"])


def test_the_scan_finds_a_nonce_held_in_memory() -> None:
    """The answer's scan is not blind: in this process, which holds the nonce, it finds it."""
    source = SCANNER[SCANNER.index("NONCE_HALVES"):SCANNER.index("def forked")]
    ns: dict = {}
    exec(source, ns)  # noqa: S102 - the test's own scanner
    held = "".join([NONCE[:16], NONCE[16:]])  # made whole at run time, as a request line holds it
    assert held == NONCE and ns["scan"]() == (True, True)


def test_the_runner_keys_servers_by_the_variables_the_job_module_names() -> None:
    """The harness side names the job module only as a string (layout rule): its copy of the
    import-time variables must be the module's own."""
    from harness.families.kernels import runner
    from harness.families.kernels.sandboxed import job

    assert runner.SERVER_ENV == job.SERVER_ENV and "TRITON_INTERPRET" in job.SERVER_ENV
    assert runner.JOB_MODULE == job.__name__ and set(runner.SERVED) == {job.WORKER, job.CHECKER}
    from harness.jobs.worker import job_kind

    assert job_kind(runner.JOB_MODULE) == "fork" and job_kind("harness.families.x.sandboxed.other") is None
