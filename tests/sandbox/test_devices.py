"""``Sandbox.run(..., devices=...)``: exactly the requested device nodes become visible.

A GPU host passes its NVIDIA nodes (``gpu_devices()``); here, without a GPU, ``/dev/fuse`` (a
character device that bubblewrap's minimal /dev does not contain) stands in for one.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.sandbox.base import Limits, Sandbox
from harness.sandbox.devices import check_devices, gpu_devices, is_device

STAND_IN = "/dev/fuse"
PROBE = ["/bin/sh", "-c", f"test -c {STAND_IN} && echo visible || echo hidden; test -e /dev/kmsg && echo leak || true"]

pytestmark = [pytest.mark.slow,  # starts bubblewrap sandboxes
              pytest.mark.skipif(not is_device(STAND_IN), reason=f"{STAND_IN} is not a device on this host")]


def _probe(sandbox: Sandbox, tmp_path: Path, devices: tuple[str, ...]) -> list[str]:
    res = sandbox.run(PROBE, workdir=tmp_path, limits=Limits(wall_s=30), devices=devices)
    assert res.infra_error is None, res.infra_error
    return res.stdout.split()


def test_local_binds_only_the_requested_device(local_sandbox: Sandbox, tmp_path: Path) -> None:
    assert _probe(local_sandbox, tmp_path / "a", ()) == ["hidden"]
    assert _probe(local_sandbox, tmp_path / "b", (STAND_IN,)) == ["visible"]


def test_missing_device_is_an_infra_error(local_sandbox: Sandbox, tmp_path: Path) -> None:
    res = local_sandbox.run(["/bin/true"], workdir=tmp_path, devices=("/dev/nvidia-not-here0",))
    assert res.infra_error and "/dev/nvidia-not-here0" in res.infra_error


def test_plain_sandbox_checks_devices_too(tmp_path: Path) -> None:
    from harness.sandbox.plain import PlainSandbox

    res = PlainSandbox().run(["/bin/true"], workdir=tmp_path, devices=("/dev/nvidia-not-here0",))
    assert res.infra_error and "not present" in res.infra_error


@pytest.mark.docker
def test_docker_binds_only_the_requested_device(docker_sandbox: Sandbox, tmp_path: Path) -> None:
    assert _probe(docker_sandbox, tmp_path / "a", ()) == ["hidden"]
    assert _probe(docker_sandbox, tmp_path / "b", (STAND_IN,)) == ["visible"]


def test_gpu_devices_lists_only_nvidia_nodes() -> None:
    found = gpu_devices()
    assert all(os.path.basename(d).startswith("nvidia") for d in found)
    assert check_devices(found) is None
