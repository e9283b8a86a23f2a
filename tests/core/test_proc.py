from __future__ import annotations

import os
import sys
import time

from harness.proc import run_process


def test_timeout_kills_the_whole_process_group(tmp_path) -> None:
    marker = tmp_path / "grandchild-alive"
    script = (f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', "
              f"\"import time; time.sleep(3); open({str(marker)!r}, 'w').write('x')\"]); time.sleep(60)")
    res = run_process([sys.executable, "-c", script], timeout_s=1)
    assert res.timed_out and res.returncode is None
    time.sleep(3.5)
    assert not marker.exists(), "a grandchild survived the timeout"


def test_output_drained_when_process_exits_early() -> None:
    res = run_process([sys.executable, "-c", "import sys; sys.stdout.write('x' * 200000); "
                       "sys.stderr.write('err-end'); sys.exit(3)"], cap_bytes=1 << 20)
    assert res.returncode == 3 and len(res.stdout) == 200000 and res.stderr.endswith("err-end")


def test_output_cap_keeps_head_and_tail() -> None:
    res = run_process([sys.executable, "-c", "print('HEAD' + 'x' * 100000 + 'TAIL')"], cap_bytes=1000)
    assert res.stdout.startswith("HEAD") and res.stdout.rstrip().endswith("TAIL")
    assert "bytes dropped" in res.stdout and len(res.stdout) < 1200 and res.truncated


def test_exit_status_and_wall_time() -> None:
    res = run_process(["sh", "-c", "sleep 0.2; exit 7"])
    assert res.returncode == 7 and 0.15 < res.wall_s < 5 and not res.timed_out


def test_stdin_is_delivered() -> None:
    res = run_process(["cat"], stdin=b"hello")
    assert res.stdout == "hello"
    assert os.environ.get("NOT_SET_HWEVAL") is None
