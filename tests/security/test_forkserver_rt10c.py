"""Red team 10c S1, S4: what one kernel evaluation in a warm sandbox could leave for the next.

S1: an answer lowered its fork server's (or warm worker's) hard resource limits with ``prlimit``
(same uid; non-dumpable does not stop it); every process forked later inherited them, so later
honest answers (and the reference's cases) ended ``infra_error`` or ``runtime_error``. Now the
worker compares its own and its server's limits with those they started with after each job and
is replaced when any was lowered. S4: a System V shared-memory segment outlived the sweep (the
warm sandbox keeps one IPC namespace), a channel to a later answer. Now the sweep removes every
System V object. The static allowlist rejects both answers; these tests switch it off, as
``test_kernel_zygote`` does, to test the layer behind it.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.families.kernels.evaluate import evaluate_kernel
from harness.families.kernels.runner import sandbox_runner
from harness.jobs.sweep import lowered
from harness.sandbox.base import Limits
from harness.sandbox.local import BubblewrapSandbox
from tests.kernels.helpers import PROBLEMS, bwrap_usable

HONEST = (PROBLEMS / "relu" / "solution_triton.py").read_text()
PRLIMIT = '''import os
import resource
with open(f"/proc/{os.getppid()}/cmdline", "rb") as fh:
    _parent = fh.read()
if b"--server" in _parent:
    _target = os.getppid()
    if TARGET == "worker":
        with open(f"/proc/{_target}/stat") as fh:
            _target = int(fh.read().rpartition(")")[2].split()[1])
    resource.prlimit(_target, resource.RLIMIT_FSIZE, (0, 0))
'''
SHM = '''import ctypes
_libc = ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = ctypes.c_void_p
_libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
'''
WRITER = SHM + '''_id = _libc.shmget(0x5eed, 1 << 20, 0o1000 | 0o600)
if _id >= 0:
    _a = _libc.shmat(_id, None, 0)
    ctypes.memset(_a, 0x41, 1 << 20)
    _libc.shmdt(ctypes.c_void_p(_a))
''' + HONEST
#: wrong (its input comes back) when it finds the segment another evaluation made
READER = SHM + "FOUND = _libc.shmget(0x5eed, 0, 0) >= 0\n" + HONEST.replace(
    "BLOCK_SIZE: tl.constexpr):", "BLOCK_SIZE: tl.constexpr, FOUND_FLAG: tl.constexpr):").replace(
    "    y = tl.where(x > 0.0, x, 0.0)\n", "    y = tl.where(x > 0.0, x, 0.0)\n    if FOUND_FLAG:\n        y = x\n").replace(
    "BLOCK_SIZE=BLOCK_SIZE)", "BLOCK_SIZE=BLOCK_SIZE, FOUND_FLAG=FOUND)")


@pytest.fixture(scope="module")
def warm_sandbox() -> Iterator[BubblewrapSandbox]:
    """One warm bubblewrap sandbox for this file's evaluations (its own, never another file's): its
    fork servers import torch and triton once, not once per test; each test still runs its attack
    and then honest answers in the same sandbox, on the worker and server the attack left."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HWEVAL_SANDBOX_WARM", "on")
        sandbox = BubblewrapSandbox()
    assert sandbox.warm
    yield sandbox
    sandbox.close()


def test_lowered_limits_are_seen() -> None:
    base = {1: (100, 200), 2: (-1, -1)}
    assert not lowered({1: (100, 200), 2: (-1, -1)}, base)
    assert lowered({1: (100, 199), 2: (-1, -1)}, base)
    assert lowered({1: (100, 200), 2: (10, -1)}, base)  # below infinity
    assert lowered(None, base)


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
@pytest.mark.parametrize("target", ["server", "worker"])
def test_a_job_cannot_lower_the_limits_of_later_jobs(target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     warm_sandbox: BubblewrapSandbox) -> None:
    import harness.families.kernels.evaluate as ev

    real = ev.analyze
    monkeypatch.setattr(ev, "analyze", lambda code, lang, **kw: ([], *real(code, lang, **kw)[1:]))
    attack = f"TARGET = {target!r}\n" + PRLIMIT + HONEST
    assert "READER" not in attack and "FOUND_FLAG=FOUND" in READER, "relu's solution changed: adapt"
    runner = sandbox_runner(warm_sandbox, Limits(), gpu=False)
    for i, code in enumerate([HONEST, attack, HONEST, HONEST]):
        refs = tmp_path / ("refs" if i < 3 else "refs_fresh")
        r = evaluate_kernel(PROBLEMS / "relu", code, "triton", tmp_path / str(i), gpu=False, timeout_s=240.0,
                            runner=runner, ref_cache=refs, seeds=1)
        assert r["status"] == "pass", (i, r.get("reason"))


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="bubblewrap not installed")
def test_shared_memory_does_not_outlive_a_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              warm_sandbox: BubblewrapSandbox) -> None:
    import harness.families.kernels.evaluate as ev

    real = ev.analyze
    monkeypatch.setattr(ev, "analyze", lambda code, lang, **kw: ([], *real(code, lang, **kw)[1:]))
    runner = sandbox_runner(warm_sandbox, Limits(), gpu=False)
    for i, code in enumerate([READER, WRITER, READER]):
        r = evaluate_kernel(PROBLEMS / "relu", code, "triton", tmp_path / str(i), gpu=False, timeout_s=240.0,
                            runner=runner, ref_cache=tmp_path / "refs", seeds=1)
        assert r["status"] == "pass", (i, r.get("reason"))
