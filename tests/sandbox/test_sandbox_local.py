"""The bubblewrap sandbox: what the candidate sees, what comes back, how failures read."""
from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import pytest

from harness.sandbox.base import Limits, Sandbox
from harness.sandbox.local import BubblewrapSandbox
from harness.sandbox.scratch import copy_regular_tree, sanitize_tree

pytestmark = pytest.mark.slow  # every test here starts a sandbox or the CLI on one

ROOT = os.geteuid() == 0


def test_runs_in_its_scratch_folder(local_sandbox: Sandbox, tmp_path: Path) -> None:
    work = tmp_path / "work"
    res = local_sandbox.run(["/bin/sh", "-c", "pwd; id -u; cat in.txt; echo out > out.txt; mkdir -p d/e; "
                             "echo deep > d/e/f.txt; echo err >&2; exit 3"],
                            workdir=work, files={"in.txt": "hello\n", "sub/x.txt": "x"})
    assert res.infra_error is None
    assert res.returncode == 3
    lines = res.stdout.split()
    assert lines[0] == str(work.resolve())
    if ROOT:
        assert lines[1] != "0"
    assert lines[2] == "hello"
    assert res.stderr.strip() == "err"
    assert (work / "out.txt").read_text() == "out\n"
    assert (work / "d" / "e" / "f.txt").read_text() == "deep\n"
    assert (work / "sub" / "x.txt").read_text() == "x"


def test_stdin_and_env_reach_the_command(local_sandbox: Sandbox, tmp_path: Path) -> None:
    res = local_sandbox.run(["/bin/sh", "-c", "cat; echo \" $GREETING $HOME\""], workdir=tmp_path / "w",
                            stdin=b"from stdin", env={"GREETING": "hi"})
    assert res.stdout.strip() == f"from stdin hi {(tmp_path / 'w').resolve()}"


def test_second_run_sees_the_first_runs_files(local_sandbox: Sandbox, tmp_path: Path) -> None:
    work = tmp_path / "w"
    local_sandbox.run(["/bin/sh", "-c", "echo 1 > a.txt"], workdir=work)
    res = local_sandbox.run(["/bin/sh", "-c", "cat a.txt"], workdir=work)
    assert res.stdout.strip() == "1"


def test_links_and_fifos_do_not_come_back(local_sandbox: Sandbox, tmp_path: Path) -> None:
    work = tmp_path / "w"
    res = local_sandbox.run(["/bin/sh", "-c", "ln -s /etc/passwd link.txt; ln -s / rootdir; mkfifo pipe; "
                             "echo ok > real.txt"], workdir=work)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in work.iterdir()) == ["real.txt"]


def test_only_a_short_list_of_etc_is_visible(local_sandbox: Sandbox, tmp_path: Path) -> None:
    res = local_sandbox.run(["/bin/sh", "-c", "ls /etc; cat /etc/passwd; ls /root /home 2>&1; true"],
                            workdir=tmp_path / "w")
    assert "shadow" not in res.stdout
    assert "sandbox:x:" in res.stdout
    assert "ld.so.cache" in res.stdout


def test_the_harness_python_runs_inside(local_sandbox: Sandbox, tmp_path: Path) -> None:
    res = local_sandbox.run([sys.executable, "-c", "import cocotb, harness.jobs; print('ok')"],
                            workdir=tmp_path / "w", limits=Limits(wall_s=60))
    assert res.stdout.strip() == "ok", res.stderr


@pytest.mark.skipif(not ROOT, reason="the tmpfs scratch needs root")
def test_scratch_is_a_tmpfs_of_the_disk_limit(local_sandbox: Sandbox, tmp_path: Path) -> None:
    res = local_sandbox.run(["/bin/sh", "-c", "df -k . | tail -1"], workdir=tmp_path / "w",
                            limits=Limits(disk_mb=48))
    fields = res.stdout.split()
    assert fields[0] == "tmpfs"
    assert int(fields[1]) == 48 * 1024


def test_concurrent_runs_do_not_see_each_other(local_sandbox: Sandbox, tmp_path: Path) -> None:
    results: dict[int, str] = {}

    def one(i: int) -> None:
        res = local_sandbox.run(["/bin/sh", "-c", f"echo {i} > mine.txt; sleep 0.3; ls; cat mine.txt"],
                                workdir=tmp_path / f"w{i}")
        results[i] = res.stdout

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        assert results[i].split() == ["mine.txt", str(i)]


def test_a_failing_bubblewrap_is_infra_error(tmp_path: Path) -> None:
    sb = BubblewrapSandbox()
    sb.bwrap = "/bin/false"
    res = sb.run(["/bin/true"], workdir=tmp_path / "w")
    assert res.infra_error and "bubblewrap failed" in res.infra_error


def test_a_missing_tool_inside_is_the_commands_error(local_sandbox: Sandbox, tmp_path: Path) -> None:
    res = local_sandbox.run(["/nonexistent/tool"], workdir=tmp_path / "w")
    assert res.infra_error is None
    assert res.returncode not in (0, None)


def test_copy_regular_tree_skips_links_and_fifos(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "d").mkdir(parents=True)
    (src / "d" / "f.txt").write_text("f")
    os.chmod(src / "d" / "f.txt", 0)
    (src / "link").symlink_to("/etc/passwd")
    (src / "dirlink").symlink_to(src / "d")
    os.mkfifo(src / "fifo")
    assert copy_regular_tree(src, dst) == 3
    assert sorted(str(p.relative_to(dst)) for p in dst.rglob("*")) == ["d", "d/f.txt"]
    assert stat.S_IMODE((dst / "d" / "f.txt").stat().st_mode) & 0o600 == 0o600
    assert sanitize_tree(src) == 3
    assert sorted(p.name for p in src.iterdir()) == ["d"]


def test_without_tmpfs_and_cgroups_the_scratch_is_still_cleaned(tmp_path: Path) -> None:
    sb = BubblewrapSandbox()
    sb._tmpfs = False
    sb._cgroups_checked, sb._cgroups = True, None
    work = tmp_path / "w"
    res = sb.run(["/bin/sh", "-c", "id -u; ln -s /etc/passwd link; mkfifo pipe; echo ok > real.txt"], workdir=work,
                 files={"given.txt": "g"})
    assert res.returncode == 0, res.stderr
    if ROOT:
        assert res.stdout.split()[0] != "0"
    assert sorted(p.name for p in work.iterdir()) == ["given.txt", "real.txt"]


@pytest.mark.skipif(not ROOT, reason="mounting needs root")
def test_cleanup_unmounts_scratch_of_dead_processes(tmp_path: Path) -> None:
    from harness.sandbox.scratch import TMPFS_PREFIX, mount_tmpfs, remove_stale_tmpfs

    pid = 4_000_000
    while Path(f"/proc/{pid}").exists():
        pid -= 1
    stale = tmp_path / f"{TMPFS_PREFIX}{pid}-abc"
    live = tmp_path / f"{TMPFS_PREFIX}{os.getpid()}-abc"
    for d in (stale, live):
        d.mkdir()
        mount_tmpfs(d, 1, 12345)
    try:
        removed = remove_stale_tmpfs()
        assert stale in removed and live not in removed
        assert not stale.exists()
    finally:
        from harness.sandbox.scratch import umount

        umount(live)
