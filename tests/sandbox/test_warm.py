"""Warm bubblewrap workers (``Sandbox.run_job``): every job keeps a one-shot run's confinement.

Each test drives real jobs through :class:`BubblewrapSandbox` with the warm pool on, and checks
the limits, the timeout kill, the clean-up between jobs and what a job can see of its worker.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.sandbox.base import ExecResult, Limits
from harness.sandbox.local import BubblewrapSandbox

pytestmark = pytest.mark.slow
CMD = "harness.jobs.command_job"
PY = ["python3", "-c"]


@pytest.fixture()
def warm(monkeypatch: pytest.MonkeyPatch) -> BubblewrapSandbox:
    monkeypatch.setenv("HWEVAL_SANDBOX_WARM", "on")
    sb = BubblewrapSandbox()
    assert sb.check()[0]
    yield sb
    sb.close()


def _sh(sb: BubblewrapSandbox, work: Path, script: str, limits: Limits = Limits(wall_s=30),
        files: dict[str, str | bytes] | None = None) -> ExecResult:
    return sb.run_job(CMD, {"argv": ["/bin/sh", "-c", script]}, workdir=work, files=files, limits=limits)


def _worker_pids(sb: BubblewrapSandbox) -> set[int]:
    with sb._pool.lock:
        return {w.proc.pid for w in [*sb._pool.idle, *sb._pool.busy] if w.proc is not None}


def test_a_job_runs_in_its_own_scratch_folder_and_comes_back(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    res = _sh(warm, tmp_path / "a", "cat in.txt; echo out > out.txt; echo err >&2; exit 3", files={"in.txt": "hi\n"})
    assert res.infra_error is None and res.returncode == 3
    assert res.stdout == "hi\n" and res.stderr == "err\n"
    assert (tmp_path / "a" / "out.txt").read_text() == "out\n"
    pids = _worker_pids(warm)
    assert len(pids) == 1
    # the next job in the same worker sees neither the first job's folder nor its /tmp files
    _sh(warm, tmp_path / "b", "echo secret > /tmp/left; echo x > /dev/shm/left")
    res = _sh(warm, tmp_path / "c", "ls -A . /dev/shm; echo =; ls -A /tmp; echo =; echo $PWD; ls -A ..")
    assert _worker_pids(warm) == pids
    listing, in_tmp, here = res.stdout.split("=")
    assert listing.split() == [".:", "/dev/shm:"]  # both empty
    me, *others = here.split()
    assert in_tmp.split() == [Path(me).parts[2]] if me.startswith("/tmp/") else in_tmp.split() == []
    # the worker's scratch holds this job's folder only (as root the job cannot even list it)
    assert others == ([] if os.geteuid() == 0 else [Path(me).name])


def test_every_job_gets_the_limits_of_a_one_shot_run(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    limits = Limits(wall_s=30, cpu_s=7, memory_mb=300, nproc=50, file_size_mb=3)
    probe = ("import resource as r; print(*(r.getrlimit(getattr(r, n))[0] for n in "
             "('RLIMIT_AS', 'RLIMIT_CPU', 'RLIMIT_NPROC', 'RLIMIT_FSIZE', 'RLIMIT_CORE')))")
    for i in range(2):
        res = warm.run_job(CMD, {"argv": [*PY, probe]}, workdir=tmp_path / f"w{i}", limits=limits)
        assert res.returncode == 0, res
        assert res.stdout.split() == [str(300 << 20), "7", "50", str(3 << 20), "0"]
    res = _sh(warm, tmp_path / "big", "head -c 5000000 /dev/zero > big.bin; echo $?", limits=limits)
    assert res.stdout.strip() != "0" and (tmp_path / "big" / "big.bin").stat().st_size <= 3 << 20


def test_a_job_past_its_memory_limit_fails_and_spares_its_siblings(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    limits = Limits(wall_s=60, memory_mb=256)
    hog = "b = bytearray(1 << 30); print('allocated', len(b))"
    results: dict[str, ExecResult] = {}

    def sibling() -> None:
        results["sibling"] = warm.run_job(CMD, {"argv": [*PY, "import time; time.sleep(1.5); print('alive')"]},
                                          workdir=tmp_path / "sib", limits=limits)

    t = threading.Thread(target=sibling)
    t.start()
    hogged = warm.run_job(CMD, {"argv": [*PY, hog]}, workdir=tmp_path / "hog", limits=limits)
    t.join()
    assert hogged.infra_error is None and hogged.returncode != 0 and "allocated" not in hogged.stdout
    assert "MemoryError" in hogged.stderr
    assert results["sibling"].returncode == 0 and results["sibling"].stdout.strip() == "alive"
    # the workers are still the same processes and still take jobs
    before = _worker_pids(warm)
    assert len(before) == 2
    for i in range(2):
        res = warm.run_job(CMD, {"argv": [*PY, "print('next')"]}, workdir=tmp_path / f"n{i}", limits=limits)
        assert res.returncode == 0 and res.stdout.strip() == "next"
    assert _worker_pids(warm) == before


def test_a_timed_out_job_is_killed_with_everything_it_started(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    t0 = time.monotonic()
    res = _sh(warm, tmp_path / "t", "sleep 600 & setsid sleep 601 & (trap '' TERM; sleep 602) & sleep 603",
              limits=Limits(wall_s=2))
    assert res.timed_out and res.returncode is None
    assert time.monotonic() - t0 < 10
    after = _sh(warm, tmp_path / "after", "ps -e -o args= | grep -c '[s]leep 60' || true")
    assert after.returncode == 0 and after.stdout.strip() == "0", after


def test_a_job_cannot_read_its_worker_or_the_control_pipe(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    probe = ("import os\n"
             "print(sorted(os.listdir('/proc/self/fd')))\n"
             "ppid = os.getppid()\n"
             "for name in ('environ', 'mem', 'fd'):\n"
             "    try:\n"
             "        p = f'/proc/{ppid}/{name}'\n"
             "        (os.listdir(p) if name == 'fd' else open(p, 'rb').read(1))\n"
             "        print('read', name)\n"
             "    except OSError as exc:\n"
             "        print('denied', name, type(exc).__name__)\n")
    res = warm.run_job(CMD, {"argv": [*PY, probe]}, workdir=tmp_path / "p", limits=Limits(wall_s=30))
    assert res.returncode == 0, res
    lines = res.stdout.splitlines()
    assert lines[0] == "['0', '1', '2', '3']"  # stdin, stdout, stderr, and the listing itself
    assert all(line.startswith("denied") for line in lines[1:]), lines


def test_a_dead_worker_falls_back_to_a_one_shot_sandbox(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    assert _sh(warm, tmp_path / "a", "true").returncode == 0
    (pid,) = _worker_pids(warm)
    # a job that kills its own worker (the same uid) gets the result a one-shot run gives
    res = _sh(warm, tmp_path / "b", "kill -9 $PPID; sleep 0.5; echo done")
    assert res.infra_error is None and res.stdout.strip() == "done"
    assert pid not in _worker_pids(warm)


def test_a_worker_outlives_the_thread_that_started_it(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    t = threading.Thread(target=lambda: _sh(warm, tmp_path / "a", "true"))
    t.start()
    t.join()
    (pid,) = _worker_pids(warm)
    time.sleep(0.3)
    res = _sh(warm, tmp_path / "b", "echo again")
    assert res.stdout.strip() == "again" and _worker_pids(warm) == {pid}


def test_warm_off_runs_one_sandbox_per_job(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HWEVAL_SANDBOX_WARM", "off")
    sb = BubblewrapSandbox()
    res = _sh(sb, tmp_path / "a", "echo $$")
    assert res.returncode == 0 and not _worker_pids(sb)
    assert os.path.isdir(tmp_path / "a")


def _descendants(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            out += [int(child), *_descendants(int(child))]
    return out


FOREVER_JOB = {"nonce": "0" * 32, "design": "answer.sv", "compiled": "design.sv", "roots": ["top_module"],
               "sources": ["tb.sv", "design.sv"], "root": "tb", "flags": ["-g2012"], "compile_timeout_s": 30,
               "sim_timeout_s": 300, "channel_fd": 9}
FOREVER_FILES: dict[str, str | bytes] = {
    "answer.sv": "module top_module(output reg y);\n  initial y = 0;\n  always #1 y = ~y;\nendmodule\n",
    "tb.sv": "module tb;\n  wire y;\n  top_module u(.y(y));\nendmodule\n"}


def test_an_inline_job_runs_under_the_job_limits_and_is_stopped_at_its_wall_time(
        warm: BubblewrapSandbox, tmp_path: Path) -> None:
    """The Icarus job runs in the worker process itself: the worker's own limits are the job's
    (its tools inherit them), and the job's wall time still stops it, with vvp killed."""
    from harness.tools import tool_bin_dirs

    limits = Limits(wall_s=4, cpu_s=77, memory_mb=900, nproc=60, file_size_mb=5)
    t0 = time.monotonic()
    res = warm.run_job("harness.jobs.iverilog_job", FOREVER_JOB, workdir=tmp_path / "f", files=FOREVER_FILES,
                       limits=limits, ro_paths=tool_bin_dirs(), collect=())
    assert res.timed_out and res.returncode is None, res
    assert time.monotonic() - t0 < 15
    assert '"stage": "syntax", "status": "pass"' in res.stdout  # it got as far as the simulation
    assert not _worker_pids(warm)  # a timed-out inline job retires its worker
    # a fresh worker for the same limits: its Python process carries exactly the job's limits
    ok = warm.run_job("harness.jobs.command_job", {"argv": ["/bin/true"]}, workdir=tmp_path / "g", limits=limits,
                      ro_paths=tool_bin_dirs())
    assert ok.returncode == 0
    (pid,) = _worker_pids(warm)
    pythons = [p for p in _descendants(pid) if Path(f"/proc/{p}/comm").read_text().startswith("python")
               and "harness.jobs.worker" in Path(f"/proc/{p}/cmdline").read_text()]
    assert len(pythons) == 1
    rows = {line[:26].strip(): line[26:].split()[:2] for line in Path(f"/proc/{pythons[0]}/limits").read_text()
            .splitlines()[1:]}
    assert rows["Max address space"] == [str(900 << 20)] * 2
    assert rows["Max cpu time"] == ["77", "77"]
    assert rows["Max processes"] == ["60", "60"]
    assert rows["Max file size"] == [str(5 << 20)] * 2
    assert rows["Max core file size"] == ["0", "0"]


# -- run_command: a plain command on a folder's files (the HLS C-simulation steps) ---------------
PROG = "#!/bin/sh\ncat > got.txt\nls -A > seen.txt\necho done\n"


def test_run_command_runs_in_a_warm_worker_with_stdin_and_modes(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    for i in range(2):
        work = tmp_path / f"w{i}"
        work.mkdir()
        (work / "prog.sh").write_text(PROG)
        (work / "prog.sh").chmod(0o755)
        (work / "data.bin").write_bytes(bytes(range(256)))
        res = warm.run_command(["./prog.sh"], workdir=work, limits=Limits(wall_s=30), stdin=b"nonce\xff\n")
        assert res.infra_error is None and res.returncode == 0 and res.stdout == "done\n", res
        assert (work / "got.txt").read_bytes() == b"nonce\xff\n"  # stdin, byte for byte
        assert (work / "seen.txt").read_text().split() == ["data.bin", "got.txt", "prog.sh", "seen.txt"]
        assert (work / "data.bin").read_bytes() == bytes(range(256))
    pids = _worker_pids(warm)
    assert len(pids) == 1  # both commands ran in one warm worker
    with warm._pool.lock:
        assert [w.jobs for w in warm._pool.idle] == [2]


def test_run_command_is_killed_at_its_wall_time(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    start = time.monotonic()
    res = warm.run_command(["/bin/sh", "-c", "sleep 60 & sleep 60"], workdir=tmp_path, limits=Limits(wall_s=1))
    assert res.timed_out and res.returncode is None
    assert time.monotonic() - start < 10


def test_run_command_with_warm_off_is_a_one_shot_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HWEVAL_SANDBOX_WARM", "off")
    sb = BubblewrapSandbox()
    try:
        (tmp_path / "prog.sh").write_text(PROG)
        (tmp_path / "prog.sh").chmod(0o755)
        res = sb.run_command(["./prog.sh"], workdir=tmp_path, limits=Limits(wall_s=30), stdin=b"x\n")
        assert res.returncode == 0 and (tmp_path / "got.txt").read_text() == "x\n"
        assert _worker_pids(sb) == set()
    finally:
        sb.close()


def test_a_read_only_path_made_after_a_worker_started_gets_a_worker_that_binds_it(
        warm: BubblewrapSandbox, tmp_path: Path) -> None:
    later = tmp_path / "later"
    work = tmp_path / "w"
    work.mkdir()
    first = warm.run_command(["/bin/sh", "-c", f"ls {later}"], workdir=work, ro_paths=[later],
                             limits=Limits(wall_s=30))
    assert first.returncode != 0  # not there when the first worker started: not bound
    later.mkdir()
    (later / "f.txt").write_text("seen\n")
    res = warm.run_command(["cat", str(later / "f.txt")], workdir=work, ro_paths=[later], limits=Limits(wall_s=30))
    assert res.returncode == 0 and res.stdout == "seen\n", res


# -- queued jobs (Sandbox.bound: at most N sandboxes at once, a self-contained job queued behind one) --
def _contained(sb: BubblewrapSandbox, script: str, wall_s: float = 30,
               files: dict[str, str | bytes] | None = None) -> ExecResult:
    """A self-contained job (text files, nothing copied back): the kind the pool may queue. Its
    folder on the host is used only by a one-shot run (after its worker died)."""
    with tempfile.TemporaryDirectory() as tmp:
        return sb.run_job(CMD, {"argv": ["/bin/sh", "-c", script]}, workdir=Path(tmp) / "job", files=files,
                          limits=Limits(wall_s=wall_s), collect=())


def _both(first: Callable[[], ExecResult], second: Callable[[], ExecResult],
          gap_s: float = 0.4) -> tuple[ExecResult, ExecResult]:
    """Run ``first`` and, ``gap_s`` later (it is running by then), ``second`` on another thread."""
    out: dict[str, ExecResult] = {}
    t = threading.Thread(target=lambda: out.__setitem__("first", first()))
    t.start()
    time.sleep(gap_s)
    out["second"] = second()
    t.join()
    return out["first"], out["second"]


def _fields(out: str) -> dict[str, list[str]]:
    """``KEY: words`` lines of a job's output."""
    return {k: v.split() for k, _, v in (line.partition(":") for line in out.splitlines() if ":" in line)}


def test_a_queued_job_starts_when_the_running_one_ends_in_a_folder_of_its_own(warm: BubblewrapSandbox) -> None:
    assert warm.bound(1)
    assert _contained(warm, "true").returncode == 0  # the worker is up: the first starts at once
    who = 'echo "ns: $(readlink /proc/self/ns/pid)"; echo "me: $(basename $PWD)"; echo "start: $(date +%s.%N)"'
    # the running job plants what it can in the private /tmp and looks for the queued job's files
    plant = ("echo planted > /tmp/hweval-job-planted; mkdir /tmp/hweval-jobx; sleep 1.5; "
             'echo "tmp: $(ls -A /tmp | xargs)"; echo "found: $(grep -rl secret-of-the-second /tmp 2>/dev/null)"; '
             'echo "end: $(date +%s.%N)"')
    look = 'echo "in: $(cat in.txt)"; echo "here: $(ls -A . | xargs)"; echo "tmp: $(ls -A /tmp | xargs)"'
    first, second = _both(lambda: _contained(warm, f"{who}; {plant}", files={"in.txt": "first\n"}),
                          lambda: _contained(warm, f"{who}; {look}", files={"in.txt": "secret-of-the-second\n"}))
    assert first.returncode == 0 and second.returncode == 0, (first, second)
    f, s = _fields(first.stdout), _fields(second.stdout)
    assert f["ns"] == s["ns"] and len(_worker_pids(warm)) == 1  # one worker ran both, one after the other
    assert float(s["start"][0]) >= float(f["end"][0])
    # while the first ran, the second's files were nowhere on disk (they waited in the pipe)
    assert f["found"] == [] and "secret-of-the-second" not in first.stdout
    assert sorted(x for x in f["tmp"] if x.startswith("hweval-job")) == sorted(
        ["hweval-job-planted", "hweval-jobx", *f["me"]])
    # the second finds its own file only, and nothing the first left in /tmp
    assert s["in"] == ["secret-of-the-second"] and s["here"] == ["in.txt"]
    assert [x for x in s["tmp"] if x.startswith("hweval-job")] == s["me"], s["tmp"]
    assert s["me"] != f["me"]


def test_a_queued_job_gets_its_own_wall_time_and_runs_after_a_timed_out_one(warm: BubblewrapSandbox) -> None:
    assert warm.bound(1)
    assert _contained(warm, "true", wall_s=2).returncode == 0
    t0 = time.monotonic()
    first, second = _both(lambda: _contained(warm, "sleep 600", wall_s=2),
                          lambda: _contained(warm, "sleep 1.5; echo done", wall_s=2.5))
    assert first.timed_out and first.returncode is None
    assert not second.timed_out and second.stdout.strip() == "done", second  # its clock started when it did
    assert time.monotonic() - t0 < 15


def test_a_queued_job_runs_one_shot_when_the_running_one_kills_the_worker(warm: BubblewrapSandbox) -> None:
    assert warm.bound(1)
    assert _contained(warm, "true").returncode == 0
    (pid,) = _worker_pids(warm)
    first, second = _both(lambda: _contained(warm, "sleep 1; kill -9 $PPID; sleep 0.5; echo first"),
                          lambda: _contained(warm, "cat in.txt", files={"in.txt": "second\n"}))
    assert first.infra_error is None and first.stdout.strip() == "first", first
    assert second.infra_error is None and second.returncode == 0 and second.stdout.strip() == "second", second
    assert pid not in _worker_pids(warm)


def test_the_bound_holds_for_one_shot_runs_and_jobs_that_are_not_queued(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    assert warm.bound(1)
    span = 'date +%s.%N; sleep 1; date +%s.%N'
    one_shot = lambda: warm.run(["/bin/sh", "-c", span], workdir=tmp_path / "o", limits=Limits(wall_s=30))  # noqa: E731
    copied = lambda: _sh(warm, tmp_path / "c", span)  # noqa: E731 - copies its files back: never queued
    for first, second in ((one_shot, copied), (copied, one_shot), (copied, copied)):
        a, b = _both(first, second, gap_s=0.3)
        (a0, a1), (b0, b1) = (map(float, r.stdout.split()) for r in (a, b))
        assert b0 >= a1, (a.stdout, b.stdout)  # never two sandboxes at once


def test_a_job_queued_behind_an_inline_job_that_timed_out_runs_one_shot(warm: BubblewrapSandbox, tmp_path: Path) -> None:
    """A timed-out inline job retires its worker: the worker runs nothing queued behind it, the
    queued job runs in a one-shot sandbox and gets its own result."""
    from harness.tools import tool_bin_dirs

    assert warm.bound(1)
    limits = Limits(wall_s=3)
    warm.run_job(CMD, {"argv": ["/bin/true"]}, workdir=tmp_path / "w", limits=limits, ro_paths=tool_bin_dirs(),
                 collect=())  # the worker is up: the inline job starts at once, the second queues behind it
    first, second = _both(
        lambda: warm.run_job("harness.jobs.iverilog_job", FOREVER_JOB, workdir=tmp_path / "f", files=FOREVER_FILES,
                             limits=limits, ro_paths=tool_bin_dirs(), collect=()),
        lambda: warm.run_job(CMD, {"argv": ["/bin/sh", "-c", "cat in.txt"]}, workdir=tmp_path / "s",
                             files={"in.txt": "second\n"}, limits=limits, ro_paths=tool_bin_dirs(), collect=()))
    assert first.timed_out, first
    assert second.returncode == 0 and second.stdout == "second\n" and not second.timed_out, second
    assert not _worker_pids(warm)


def test_a_self_contained_folder_replaces_whatever_was_planted_at_its_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's side of a self-contained job (no sandbox needed to check it)."""
    from harness.jobs import worker
    from harness.sandbox import warmfiles

    monkeypatch.setattr(warmfiles, "JOB_PARENT", str(tmp_path))
    target = tmp_path / "outside"
    target.mkdir()
    planted = tmp_path / "hweval-job7-ab"
    planted.symlink_to(target)  # a job left a link where the next job's folder goes
    assert worker.make_folder({"dir": str(planted), "files": {"d/x.v": "x"}}) is None
    assert not planted.is_symlink() and (planted / "d" / "x.v").read_text() == "x"
    assert list(target.iterdir()) == []
    assert "escapes" in str(worker.make_folder({"dir": str(tmp_path / "hweval-job8"), "files": {"../y": "y"}}))
    assert "must be" in str(worker.make_folder({"dir": "/etc/hweval-job9", "files": {}}))
    assert "could not make" in str(worker.make_folder({"dir": str(tmp_path / "hweval-job10"), "files": {"z": "\ud800"}}))
