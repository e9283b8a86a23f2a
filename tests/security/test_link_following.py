"""Root-side writes and chmods never follow a link (issue 14: the host's /dev/null became 0755).

Each test plants a symlink to a dummy target (mode 0600, known content) at the exact name a
harness call writes or chmods, runs the real code, and asserts that the target's mode and content
are unchanged and that the run still gives its right result (or a clean error naming the file).
Never against a real host file: every target lives under ``tmp_path``.
"""
from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls.csim import ap_include_dir, csim
from harness.families.hls.judge import JUDGE_BINARY
from harness.families.hls.sandboxed import sandbox_runner
from harness.sandbox import safefs
from harness.sandbox.base import Limits, Sandbox
from harness.sandbox.scratch import copy_regular_tree, extract_regular_tar
from harness.sandbox.warmfiles import collect

KERNEL = KERNELS_DIR / "moving_average"
CONTENT = b"dummy target: must stay as it is\n"


def _target(folder: Path, name: str = "target") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(CONTENT)
    os.chmod(target, 0o600)
    return target


def _untouched(target: Path) -> None:
    st = os.lstat(target)
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
    assert target.read_bytes() == CONTENT


# ---------------------------------------------------------------- safefs, command_job


def test_safefs_replaces_links_and_refuses_to_chmod_through_them(tmp_path: Path) -> None:
    target = _target(tmp_path / "outside")
    work = tmp_path / "work"
    work.mkdir()
    for name in ("written", "copied", "chmodded"):
        (work / name).symlink_to(target)
    safefs.write_file(work / "written", b"new\n", 0o755)
    (tmp_path / "src").write_bytes(b"copy\n")
    safefs.copy_file(tmp_path / "src", work / "copied", 0o755)
    with pytest.raises(OSError, match="chmodded: is a symbolic link"):
        safefs.chmod_regular(work / "chmodded", 0o755)
    with pytest.raises(OSError, match="src-link: is a symbolic link"):
        (tmp_path / "src-link").symlink_to(target)
        safefs.copy_file(tmp_path / "src-link", work / "leak")  # a link as the source is not read either
    _untouched(target)
    for name, data in (("written", b"new\n"), ("copied", b"copy\n")):
        st = os.lstat(work / name)
        assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o755 and (work / name).read_bytes() == data
    assert not (work / "leak").exists()


def _command_job(folder: Path, job: dict[str, object]) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "harness.jobs.command_job"], cwd=folder, input=json.dumps(job),
                          capture_output=True, text=True, timeout=60, env=env, check=False)


def test_command_job_makes_regular_files_executable_and_refuses_links_and_fifos(tmp_path: Path) -> None:
    """The job's chmod ran as root wherever the job is not confined (the ``none`` sandbox, a job
    run directly): a link named in ``executable`` made it chmod the link's target."""
    target = _target(tmp_path / "outside")
    work = tmp_path / "job"
    work.mkdir()
    (work / "tool").write_text("#!/bin/sh\necho ran\n")
    (work / "link").symlink_to(target)
    os.mkfifo(work / "fifo")
    ok = _command_job(work, {"argv": ["./tool"], "executable": ["tool"]})
    assert ok.returncode == 0 and ok.stdout == "ran\n", ok.stderr
    assert stat.S_IMODE(os.stat(work / "tool").st_mode) == 0o755
    for name, why in (("link", "symbolic link"), ("fifo", "not a regular file")):
        bad = _command_job(work, {"argv": ["/bin/echo", "must not run"], "executable": ["tool", name]})
        assert bad.returncode == 126 and bad.stdout == "", (bad.stdout, bad.stderr)
        assert f"executable {name!r} refused" in bad.stderr and why in bad.stderr, bad.stderr
    _untouched(target)


# ---------------------------------------------------------------- copies back into the caller's folder


def test_copies_back_replace_a_link_at_the_destination(tmp_path: Path) -> None:
    target = _target(tmp_path / "outside")
    outside_dir = tmp_path / "outside-dir"
    outside_dir.mkdir()
    src = tmp_path / "src"
    (src / "d").mkdir(parents=True)
    (src / "out.txt").write_text("result\n")
    (src / "d" / "f.txt").write_text("nested\n")
    for how in ("tree", "collect", "tar"):
        dst = tmp_path / how
        dst.mkdir()
        (dst / "out.txt").symlink_to(target)
        (dst / "d").symlink_to(outside_dir, target_is_directory=True)
        if how == "tree":
            copy_regular_tree(src, dst)
        elif how == "collect":
            collect(src, dst, ["out.txt"])
        else:
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w") as tar:
                tar.add(str(src), arcname=".")
            extract_regular_tar(buf.getvalue(), dst)
        assert not (dst / "out.txt").is_symlink() and (dst / "out.txt").read_text() == "result\n", how
        if how != "collect":
            assert not (dst / "d").is_symlink() and (dst / "d" / "f.txt").read_text() == "nested\n", how
    _untouched(target)
    assert list(outside_dir.iterdir()) == []


def test_docker_etc_files_replace_a_link(tmp_path: Path) -> None:
    from harness.sandbox.docker import DockerSandbox

    target = _target(tmp_path / "outside")
    sb = DockerSandbox.__new__(DockerSandbox)  # only its /etc writer: no engine needed
    sb._lock, sb._etc_dir = threading.Lock(), tmp_path / "etc"
    sb._etc_dir.mkdir()
    (sb._etc_dir / "passwd-1234").symlink_to(target)
    sb._write_etc(1234)
    passwd = sb._etc_dir / "passwd-1234"
    assert not passwd.is_symlink() and "sandbox:x:1234:1234" in passwd.read_text()
    assert stat.S_IMODE(os.stat(passwd).st_mode) == 0o644
    _untouched(target)


# ---------------------------------------------------------------- csim


@pytest.fixture(scope="module")
def csim_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache (precompiled headers, the judge, testbench objects) for this module's builds."""
    cache = tmp_path_factory.mktemp("link-csim-cache")
    os.chmod(cache, 0o755)  # the sandboxed builds read its precompiled headers as their own uid
    return cache


def _planting_kernel(target: Path) -> str:
    """The right moving-average kernel, which also tries to swap the judge in its folder for a link
    to ``target`` when it runs (since round 8 the judge confines the kernel program, so the swap
    fails where the kernel has Landlock; the kernel goes on either way)."""
    src = (KERNEL / "kernel.cpp").read_text()
    anchor = "    sample_t window[MA_WIN];"
    assert anchor in src
    plant = (f'    {{ static bool planted = false; if (!planted) {{ planted = true; unlink("{JUDGE_BINARY}"); '
             f'int made = symlink("{target}", "{JUDGE_BINARY}"); (void)made; }} }}\n')
    return "#include <unistd.h>\n#include <cstdlib>\n" + src.replace(anchor, plant + anchor, 1)


@pytest.mark.slow
def test_csim_writes_its_files_and_the_judge_over_planted_links(csim_cache: Path, tmp_path: Path) -> None:
    """Links at every name csim writes (testbench files, the cached testbench program and host
    object, the judge, in the build's folder ``build-plain``; kernel.cpp and kernel.h in its
    ``kernel-src``): the targets stay as they are and the right kernel passes."""
    src, tb = (KERNEL / "kernel.cpp").read_text(), KERNEL / "tb.cpp"
    assert csim(src, tb, tmp_path / "first", cache=csim_cache, builds=("plain",), timeout_s=20).passed
    target = _target(tmp_path / "outside")
    top = tmp_path / "work"
    work = top / "build-plain"
    work.mkdir(parents=True)
    names = ["tb.cpp", "kernel.h", "hls_csim_plain", "host.plain.o", JUDGE_BINARY,
             "kernel-src/kernel.cpp", "kernel-src/kernel.h"]
    (work / "kernel-src").mkdir()
    for name in names:
        (work / name).symlink_to(target)
    calls: list[list[str]] = []
    regular: set[str] = set()

    def runner(cmd, cwd, timeout_s, env, stdin=None):  # type: ignore[no-untyped-def]
        from harness.families.hls.csim import direct_runner

        calls.append(list(cmd))
        if cmd[0] == f"./{JUDGE_BINARY}":  # the run: every name is a file csim wrote (the judge then clears them)
            regular.update(n for n in names if stat.S_ISREG(os.lstat(cwd / n).st_mode))
            if stat.S_IMODE(os.stat(cwd / JUDGE_BINARY).st_mode) == 0o755:
                regular.add("judge 0755")
        if "-o" in cmd and cmd[cmd.index("-o") + 1].startswith("hls_kernel_"):  # the link step: plant again
            (cwd / JUDGE_BINARY).unlink(missing_ok=True)
            (cwd / JUDGE_BINARY).symlink_to(target)
        return direct_runner(cmd, cwd, timeout_s, env, stdin)

    src += "// another text: no cached verdict, the cached testbench object\n"
    res = csim(src, tb, top, cache=csim_cache, builds=("plain",), timeout_s=20, runner=runner, pch=True)
    _untouched(target)
    assert res.passed, res.symptom
    assert calls and not any(c.endswith("tb.cpp") for cmd in calls for c in cmd)  # the cached program was copied
    assert regular == {*names, "judge 0755"}, regular
    assert not any((work / name).is_symlink() for name in names)


@pytest.mark.slow
def test_a_kernel_run_directly_that_leaves_a_judge_link_changes_nothing_outside(csim_cache: Path,
                                                                                 tmp_path: Path) -> None:
    """The direct (unsandboxed, root) runner, as some tests use it: the plain run swaps the judge
    for a link; the next build's judge copy and chmod used to follow it to the target."""
    target = _target(tmp_path / "outside")
    res = csim(_planting_kernel(target), KERNEL / "tb.cpp", tmp_path / "work", cache=csim_cache,
               builds=("plain", "pattern"), timeout_s=20)
    _untouched(target)
    assert res.passed, res.symptom


@pytest.mark.slow
def test_a_sandboxed_kernel_cannot_leave_a_judge_link(bwrap_sandbox: Sandbox, csim_cache: Path,
                                                      tmp_path: Path) -> None:
    """The candidate's path: the same planting kernel in the bubblewrap sandbox. Only regular files
    come back from its folder, so the next build never sees the link (no escape here)."""
    target = _target(tmp_path / "outside")
    runner = sandbox_runner(bwrap_sandbox, Limits(), ro_paths=[ap_include_dir(), csim_cache])
    work = tmp_path / "work"
    res = csim(_planting_kernel(target), KERNEL / "tb.cpp", work, cache=csim_cache, builds=("plain", "pattern"),
               timeout_s=20, runner=runner)
    _untouched(target)
    assert res.passed, res.symptom
    assert not any(p.is_symlink() for p in work.rglob("*"))
