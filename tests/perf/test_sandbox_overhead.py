"""Per-run overhead of the sandboxes against a plain subprocess, for a tiny command.

Reports (``make bench`` runs it with ``-s``); it is not a timed unit test. Targets: bubblewrap
adds under 20 ms median, a warm Docker exec under 100 ms. Each ``local`` run includes what a real
sample pays: a fresh scratch folder (tmpfs mount, copy back), a cgroup when available, the uid
drop; each ``docker`` run a warm container's exec, file transfer and clean-up.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness.proc import run_process
from harness.sandbox.base import Limits, Sandbox

CMD = ["/bin/true"]
TARGETS_MS = {"local": 20.0, "docker": 100.0}


def _median_ms(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _sandbox_run(sb: Sandbox, root: Path) -> Callable[[], object]:
    def once() -> object:
        work = Path(tempfile.mkdtemp(dir=root))
        res = sb.run(CMD, workdir=work, files={"in.txt": "x"}, limits=Limits(wall_s=30))
        assert res.infra_error is None and res.returncode == 0, res
        return res

    return once


def test_sandbox_overhead_report(tmp_path: Path) -> None:
    from harness.sandbox.local import BubblewrapSandbox

    plain = _median_ms(lambda: run_process(CMD, timeout_s=30), 30)
    rows: dict[str, float | str] = {}
    local = BubblewrapSandbox()
    if local.check()[0]:
        _sandbox_run(local, tmp_path)()
        rows["local"] = _median_ms(_sandbox_run(local, tmp_path), 30)
    else:
        rows["local"] = "unavailable"
    try:
        from harness.sandbox.docker import DockerSandbox

        docker = DockerSandbox()
        if docker.check()[0]:
            _sandbox_run(docker, tmp_path)()  # start the warm container
            rows["docker"] = _median_ms(_sandbox_run(docker, tmp_path), 20)
        else:
            rows["docker"] = "unavailable"
        docker.close()
    except ImportError:
        rows["docker"] = "unavailable (no docker SDK)"
    print(f"\nsandbox overhead for {' '.join(CMD)} (median of runs measured here)")
    print(f"  plain subprocess: {plain:7.1f} ms")
    for kind, value in rows.items():
        if isinstance(value, str):
            print(f"  {kind:16s}: {value}")
            continue
        over = value - plain
        verdict = "meets" if over < TARGETS_MS[kind] else "MISSES"
        print(f"  {kind:16s}: {value:7.1f} ms  overhead {over:6.1f} ms  ratio {value / plain:5.1f}x  "
              f"({verdict} the {TARGETS_MS[kind]:.0f} ms target)")
    assert any(not isinstance(v, str) for v in rows.values()), "no sandbox could run"
