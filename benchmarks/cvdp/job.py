"""Sandbox job: run a CVDP record's cocotb harness the way its docker-compose services do.

stdin: {"nonce", "seed", "services": [{"name", "script", "env"}]}. The scratch folder holds ``code/``
(the /code of CVDP's container: rtl/, verif/, docs/, rundir/) and ``src/`` (the harness's
/src). Each service is ``pytest -s <script>`` run in ``code/rundir`` with the service's
environment, exactly CVDP's command; a service passes when pytest exits 0, as CVDP's runner
judges a service by its exit code. Paths ``/code/...`` and ``/src/...`` in the environment and in
the harness's Python files are mapped to the scratch folder (there is no container root).

The verdict is one ``HWEVAL-RESULT`` line on this process's original stdout. While pytest and the
simulators run, file descriptors 1 and 2 point at ``cvdp.log``, so nothing a simulated design
prints can reach that channel; the outcome is read from pytest's in-process reports.
"""
from __future__ import annotations

import os
import random
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from harness.jobs import emit, read_job

LOG = "cvdp.log"
_PREFIX = re.compile(r"(?<![\w./-])/(code|src)/")


def map_paths(text: str, root: Path) -> str:
    """``/code/x`` -> ``ROOT/code/x`` and ``/src/x`` -> ``ROOT/src/x`` (absolute prefixes only)."""
    return _PREFIX.sub(lambda m: f"{root}/{m.group(1)}/", text)


class Collector:
    """A pytest plugin that remembers each test's outcome and whether the HDL build failed."""

    def __init__(self) -> None:
        self.outcomes: list[tuple[str, str, str]] = []  # (test id, outcome, short reason)
        self.build_failed = False

    def pytest_runtest_makereport(self, item: Any, call: Any) -> None:
        exc = call.excinfo.value if call.excinfo is not None else None
        seen: set[int] = set()
        while exc is not None and id(exc) not in seen:  # the build error may be wrapped by the runner
            seen.add(id(exc))
            for frame, _ in traceback.walk_tb(exc.__traceback__):
                if frame.f_code.co_name == "build" and "cocotb_tools" in frame.f_code.co_filename:
                    self.build_failed = True
            exc = exc.__cause__ or exc.__context__

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "call" or report.outcome != "passed":
            reason = ""
            if report.outcome == "failed":
                crash = getattr(report.longrepr, "reprcrash", None)
                reason = str(crash.message if crash is not None else report.longreprtext)[-1500:]
            self.outcomes.append((report.nodeid, report.outcome, reason))


def run_service(service: dict[str, Any], root: Path, seed: int) -> dict[str, Any]:
    import pytest

    env = {k: map_paths(str(v), root) for k, v in service["env"].items()}
    saved_env = dict(os.environ)
    saved_path = list(sys.path)
    os.environ.update(env)
    os.environ.setdefault("COCOTB_RANDOM_SEED", str(seed))  # reproducible unless the harness fixes one
    random.seed(seed)  # test_runner.py files draw plusargs and parameters from `random` too
    for entry in reversed(env.get("PYTHONPATH", "").split(":")):
        if entry:
            sys.path.insert(0, entry)
    rundir = root / "code" / "rundir"
    rundir.mkdir(parents=True, exist_ok=True)
    os.chdir(rundir)
    collector = Collector()
    script = map_paths(service["script"], root)
    t0 = time.monotonic()
    try:
        code = pytest.main(["-s", "-q", "-p", "no:cacheprovider", f"--rootdir={root}", script],
                           plugins=[collector])
    finally:
        os.chdir(root)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:] = saved_path
        for name, mod in list(sys.modules.items()):  # the next service imports its own copies
            if str(getattr(mod, "__file__", "") or "").startswith(str(root)):
                del sys.modules[name]
    failed = [o for o in collector.outcomes if o[1] == "failed"]
    return {"service": service["name"], "exit": int(code), "wall_s": time.monotonic() - t0,
            "build_failed": collector.build_failed, "tests": len(collector.outcomes),
            "failed": [f"{nid}: {why}" for nid, _, why in failed][:5]}


def verdict(results: list[dict[str, Any]]) -> dict[str, Any]:
    wall = sum(r["wall_s"] for r in results)
    bad = [r for r in results if r["exit"] != 0]
    if not bad:
        return {"stage": "function", "status": "pass", "wall_s": wall,
                "data": {"services": len(results), "tests": sum(r["tests"] for r in results)}}
    first = bad[0]
    status = "syntax_error" if first["build_failed"] else "fail"
    reason = f"service {first['service']}: pytest exit {first['exit']}"
    if first["failed"]:
        reason += "\n" + "\n".join(first["failed"])
    elif first["tests"] == 0:
        reason += " (no test ran)"
    return {"stage": "function", "status": status, "wall_s": wall, "reason": reason[-4000:],
            "data": {"services": len(results), "exits": [r["exit"] for r in results]}}


def main() -> None:
    job = read_job()
    root = Path.cwd().resolve()
    for py in (root / "src").rglob("*.py"):
        py.write_text(map_paths(py.read_text(encoding="utf-8"), root), encoding="utf-8")
    sys.stdout.flush()
    channel = os.dup(1)
    log_fd = os.open(root / LOG, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    try:
        results = [run_service(s, root, int(job.get("seed", 0))) for s in job["services"]]
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(channel, 1)
    emit(job["nonce"], verdict(results))


if __name__ == "__main__":
    main()
