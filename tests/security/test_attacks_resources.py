"""Attacks on resources: fork bomb, memory, disk, endless loop, output flood."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from harness.sandbox.base import Limits, Sandbox
from tests.security.attack_helpers import host_still_forks, run_py, tree_bytes, wait_gone

pytestmark = pytest.mark.slow  # every test runs attack code in a real sandbox (local and docker)

FORK_BOMB = r'''
import os, sys, time
n = 0
while True:
    try:
        if os.fork() == 0:
            continue
        n += 1
    except OSError:
        time.sleep(0.001)
'''


def test_fork_bomb_is_contained(sandbox: Sandbox, token: str, tmp_path: Path) -> None:
    t0 = time.monotonic()
    res = run_py(sandbox, FORK_BOMB, tmp_path / "work", args=(token,),
                 limits=Limits(wall_s=4, cpu_s=10, nproc=32, memory_mb=512))
    assert res.infra_error is None, res.infra_error
    assert res.timed_out or res.returncode != 0
    assert time.monotonic() - t0 < 60
    assert wait_gone(token) == [], "fork bomb processes outlived the sample"
    assert host_still_forks()


MEMORY_HOG = r'''
hog = []
while True:
    hog.append(bytearray(32 * 1024 * 1024))
'''


def test_memory_hog_is_stopped(sandbox: Sandbox, tmp_path: Path) -> None:
    res = run_py(sandbox, MEMORY_HOG, tmp_path / "work", limits=Limits(wall_s=20, memory_mb=256))
    assert res.infra_error is None, res.infra_error
    assert not res.timed_out
    assert res.returncode != 0
    assert "MemoryError" in res.stderr or res.returncode in (-9, 137) or res.extra.get("oom_killed")


DISK_FILLER = r'''
import os
chunk = b"x" * (1024 * 1024)
total = 0
for folder in (".", "/tmp", "/dev/shm"):
    i = 0
    try:
        while total < 4096 * len(chunk):
            with open(os.path.join(folder, f"fill{i}"), "wb") as fh:
                for _ in range(8):
                    fh.write(chunk)
                    total += len(chunk)
            i += 1
    except OSError as exc:
        print("stopped in", folder, "after", total >> 20, "MiB:", exc)
raise SystemExit(1)
'''


def test_disk_filler_is_bounded(sandbox: Sandbox, tmp_path: Path) -> None:
    work = tmp_path / "work"
    res = run_py(sandbox, DISK_FILLER, work, limits=Limits(wall_s=60, disk_mb=24, file_size_mb=64))
    assert res.infra_error is None, res.infra_error
    assert not res.timed_out
    assert res.returncode != 0
    assert "stopped in ." in res.stdout
    assert tree_bytes(work) <= 24 * 1024 * 1024 + 64 * 1024


def test_endless_loop_times_out(sandbox: Sandbox, tmp_path: Path) -> None:
    t0 = time.monotonic()
    res = sandbox.run(["/bin/sh", "-c", "while :; do :; done"], workdir=tmp_path / "work",
                      limits=Limits(wall_s=1.5))
    elapsed = time.monotonic() - t0
    assert res.infra_error is None, res.infra_error
    assert res.timed_out and res.returncode is None
    assert elapsed < 15


FLOOD = r'''
import sys
line = b"A" * 65536
while True:
    sys.stdout.buffer.write(line)
    sys.stderr.buffer.write(line)
'''


def test_output_flood_is_capped(sandbox: Sandbox, tmp_path: Path) -> None:
    res = run_py(sandbox, FLOOD, tmp_path / "work", limits=Limits(wall_s=2, output_bytes=32 * 1024))
    assert res.infra_error is None, res.infra_error
    assert res.timed_out
    assert len(res.stdout) < 40 * 1024 and len(res.stderr) < 40 * 1024
    assert "bytes dropped" in res.stdout
