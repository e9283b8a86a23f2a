"""The docker sandbox: hardened containers, reused and cleaned between samples, failures as infra."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from harness.sandbox.base import Limits, Sandbox
from harness.sandbox.docker import LABEL, OWNER_LABEL, DockerSandbox

pytestmark = pytest.mark.docker


def _live(sb: Sandbox) -> list:
    assert isinstance(sb, DockerSandbox)
    return list(sb._live)


def test_runs_as_unprivileged_user_with_files_in_and_out(docker_sandbox: Sandbox, tmp_path: Path) -> None:
    work = tmp_path / "w"
    res = docker_sandbox.run(["/bin/sh", "-c", "pwd; id -u; cat in.txt; cat sub/x.txt; echo out > out.txt; "
                              "cat \"$ABS/in.txt\"; exit 4"],
                             workdir=work, files={"in.txt": "hello\n", "sub/x.txt": "x\n"},
                             env={"ABS": str(work)})
    assert res.infra_error is None, res.infra_error
    assert res.returncode == 4
    assert res.stdout.split() == ["/scratch", res.stdout.split()[1], "hello", "x", "hello"]
    assert res.stdout.split()[1] != "0"
    assert (work / "out.txt").read_text() == "out\n"


def test_stdin_reaches_the_command(docker_sandbox: Sandbox, tmp_path: Path) -> None:
    res = docker_sandbox.run(["/bin/sh", "-c", "cat; echo"], workdir=tmp_path / "w", stdin=b"x" * 200_000)
    assert res.returncode == 0
    assert res.stdout.strip() == "x" * 200_000 or "bytes dropped" in res.stdout


def test_container_is_reused_and_cleaned_between_samples(docker_sandbox: Sandbox, tmp_path: Path) -> None:
    docker_sandbox.run(["/bin/true"], workdir=tmp_path / "warm")
    before = [w.container.id for w in _live(docker_sandbox)]
    first = docker_sandbox.run(["/bin/sh", "-c", "echo s > left.txt; echo t > /tmp/left; echo u > /dev/shm/left; "
                                "(setsid sleep 301 &); echo started"], workdir=tmp_path / "a")
    assert "started" in first.stdout
    second = docker_sandbox.run(["/bin/sh", "-c", "ls -A . /tmp /dev/shm; ps -eo args= | grep -c '[s]leep 301'"],
                                workdir=tmp_path / "b", files={"given.txt": "g"})
    assert [w.container.id for w in _live(docker_sandbox)] == before
    assert "left" not in second.stdout
    assert "given.txt" in second.stdout
    assert second.stdout.split()[-1] == "0"  # the first sample's daemon is gone


def test_containers_are_hardened(docker_sandbox: Sandbox, tmp_path: Path) -> None:
    docker_sandbox.run(["/bin/true"], workdir=tmp_path / "w")
    warm = _live(docker_sandbox)[0]
    warm.container.reload()
    host = warm.container.attrs["HostConfig"]
    assert host["NetworkMode"] == "none"
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"]
    assert "no-new-privileges" in host["SecurityOpt"]
    assert host["Memory"] > 0 and host["PidsLimit"] > 0 and host["NanoCpus"] > 0
    assert set(host["Tmpfs"]) == {"/scratch", "/tmp"}
    assert all(m["RW"] is False for m in warm.container.attrs["Mounts"])
    labels = warm.container.labels
    assert labels[LABEL] == "1" and labels[OWNER_LABEL].endswith(f":{os.getpid()}")


def test_image_digest_is_recorded(docker_sandbox: Sandbox) -> None:
    digests = getattr(docker_sandbox, "image_digest", None)
    assert digests and all(v.startswith("sha256:") for v in digests.values())


def test_missing_image_is_infra_error(tmp_path: Path) -> None:
    sb = DockerSandbox(image="hweval/no-such-image:none")
    try:
        res = sb.run(["/bin/true"], workdir=tmp_path / "w")
    finally:
        sb.close()
    assert res.infra_error and "no-such-image" in res.infra_error


def test_unreachable_engine_is_infra_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    sb = DockerSandbox()
    res = sb.run(["/bin/true"], workdir=tmp_path / "w")
    assert res.infra_error and "no Docker engine" in res.infra_error
    assert sb.check()[0] is False


def _dead_pid() -> int:
    pid = 4_000_000
    while Path(f"/proc/{pid}").exists():
        pid -= 1
    return pid


def test_cleanup_removes_leftovers_of_dead_processes(docker_sandbox: Sandbox, tmp_path: Path) -> None:
    import docker

    docker_sandbox.run(["/bin/true"], workdir=tmp_path / "w")
    client = docker.from_env()
    orphan = client.containers.create("hweval/rtl:latest", ["true"], labels={
        LABEL: "1", OWNER_LABEL: f"{socket.gethostname()}:{_dead_pid()}"})
    try:
        proc = subprocess.run([sys.executable, "-m", "harness.cli", "sandbox", "cleanup", "--json"],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        removed = json.loads(proc.stdout)["containers"]
        assert orphan.short_id in removed
        mine = {w.container.short_id for w in _live(docker_sandbox)}
        assert mine and not mine & set(removed)
    finally:
        try:
            orphan.remove(force=True)
        except docker.errors.NotFound:
            pass


def test_tar_transfer_when_the_host_cannot_see_into_the_container(docker_sandbox: Sandbox, tmp_path: Path) -> None:
    """The path used by an engine on another host or without root: files and clean-up via exec."""
    import dataclasses

    sb = DockerSandbox()
    start = sb._start
    sb._start = lambda *a: dataclasses.replace(start(*a), root=None, procs=None)  # type: ignore[method-assign]
    try:
        work = tmp_path / "a"
        res = sb.run(["/bin/sh", "-c", "cat sub/in.txt; echo out > d.txt; ln -s /etc/passwd link; "
                      "(setsid sleep 302 &); echo x > /tmp/left"], workdir=work, files={"sub/in.txt": "in\n"})
        assert res.infra_error is None, res.infra_error
        assert res.stdout.strip() == "in"
        assert sorted(str(p.relative_to(work)) for p in work.rglob("*")) == ["d.txt", "sub", "sub/in.txt"]
        res = sb.run(["/bin/sh", "-c", "ls -A . /tmp; ps -eo args= | grep -c '[s]leep 302'"], workdir=tmp_path / "b")
        assert "left" not in res.stdout and res.stdout.split()[-1] == "0", res.stdout
        res = sb.run(["/bin/sh", "-c", "while :; do :; done"], workdir=tmp_path / "c", limits=Limits(wall_s=1))
        assert res.timed_out and res.infra_error is None
    finally:
        sb.close()
