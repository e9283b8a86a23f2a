"""Sandbox job: run a CVDP record's cocotb harness the way its docker-compose services do.

stdin: {"nonce", "seed", "services": [{"name", "script", "env"}]}. The scratch folder holds ``code/``
(the /code of CVDP's container: rtl/, verif/, docs/, rundir/) and ``src/`` (the harness's
/src). Each service is ``pytest -s <script>`` run in ``code/rundir`` with the service's
environment, exactly CVDP's command; a service passes when pytest exits 0, as CVDP's runner
judges a service by its exit code. Paths ``/code/...`` and ``/src/...`` in the environment and in
the harness's Python files are mapped to the scratch folder (there is no container root).

Before anything runs, the candidate's HDL files are checked as the compiler sees them and
replaced by the checked text (:func:`benchmarks.cvdp.guard.check_answer`); the ``integrity``
record is sent first. The verdict is then one ``HWEVAL-RESULT`` line on this process's original
stdout (kept on a descriptor of its own). While pytest and the simulators run, file descriptors
1 and 2 point at a pipe drained into a bounded buffer (:class:`benchmarks.cvdp.guard.Drain`),
written to ``cvdp.log`` at the end, so nothing a simulated design prints can reach the channel or
exhaust the job's file-size limit. The outcome is read from pytest's in-process reports and,
for each simulation, from cocotb's own per-test reports over a pipe
(:class:`benchmarks.cvdp.guard.Reports`), never from a results file.
"""
from __future__ import annotations

import os
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.cvdp.guard import Drain, Reports, check_answer, interface_at, send
from benchmarks.cvdp.params import BuildLog, dry_run, service_context, unprobed
from harness.jobs import job_error_line, read_job

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


def run_service(service: dict[str, Any], root: Path, seed: int, reports: Reports) -> dict[str, Any]:
    import pytest

    collector = Collector()
    t0 = time.monotonic()
    with service_context(service, root, seed) as script:
        code = pytest.main(["-s", "-q", "-p", "no:cacheprovider", f"--rootdir={root}", script],
                           plugins=[collector])
    failed = [o for o in collector.outcomes if o[1] == "failed"]
    sims = reports.take()
    unsure = [r for r in sims if r["status"] != "pass"]
    exit_code = int(code)
    if exit_code == 0 and unsure:  # pytest passed, but a simulation did not report a clean pass
        exit_code = -1
        failed.append(("simulation", "fail", unsure[0].get("reason", "")[-1500:]))
    return {"service": service["name"], "exit": exit_code, "wall_s": time.monotonic() - t0,
            "build_failed": collector.build_failed, "tests": len(collector.outcomes), "sims": len(sims),
            "failed": [f"{nid}: {why}" for nid, _, why in failed][:5]}


def verdict(results: list[dict[str, Any]]) -> dict[str, Any]:
    wall = sum(r["wall_s"] for r in results)
    bad = [r for r in results if r["exit"] != 0]
    if not bad:
        return {"stage": "function", "status": "pass", "wall_s": wall,
                "data": {"services": len(results), "tests": sum(r["tests"] for r in results)}}
    first = bad[0]
    status = "syntax_error" if first["build_failed"] else "fail"
    reason = f"service {first['service']}: " + (f"pytest exit {first['exit']}" if first["exit"] >= 0 else
                                                   "pytest passed but a simulation's own report did not")
    if first["failed"]:
        reason += "\n" + "\n".join(first["failed"])
    elif first["tests"] == 0:
        reason += " (no test ran)"
    return {"stage": "function", "status": status, "wall_s": wall, "reason": reason[-4000:],
            "data": {"services": len(results), "exits": [r["exit"] for r in results]}}


def main() -> None:
    job = read_job()
    sys.stdout.flush()
    channel = os.dup(1)  # the verdict channel: fds 1 and 2 go to the drain while the harness runs
    try:
        _run(job, channel)
    except Exception as exc:  # the job's own code raised: say so on the channel (job_error), then fail
        nonce = job.get("nonce")
        if isinstance(nonce, str):
            try:
                _write_all(channel, job_error_line(nonce, exc).encode())
            except OSError:
                pass
        raise


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data):]


def _run(job: dict[str, Any], channel: int) -> None:
    root = Path.cwd().resolve()
    for py in (root / "src").rglob("*.py"):
        py.write_text(map_paths(py.read_text(encoding="utf-8"), root), encoding="utf-8")
    reference, modules = str(job.get("reference_hdl", "")), list(job.get("interface_modules", []))
    seed = int(job.get("seed", 0))
    sets: list[dict[str, Any]] = []
    unknown: list[str] = []
    dry = b""
    if reference and modules:  # the parameter values the harness builds with (red team 9c S17)
        drain = Drain()
        try:
            sets, unknown = dry_run(job["services"], root, seed)
        finally:
            dry = drain.close()
    answer = list(job.get("answer_files", []))
    integrity = check_answer(answer, list(job.get("hidden_modules", [])), reference, modules, sets, unknown,
                             list(job.get("context_files", [])))
    send(channel, job["nonce"], integrity)
    if integrity["status"] != "pass":
        return
    reports = Reports()
    builds = BuildLog(call_through=True)
    drain = Drain()
    try:
        results = [run_service(s, root, seed, reports) for s in job["services"]]
    finally:
        builds.close()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
        kept = b"--- parameter discovery (nothing simulated) ---\n" + dry[-4096:] + b"\n--- run ---\n" if dry else b""
        (root / LOG).write_bytes(kept + drain.close())
    record = verdict(results)
    late = unprobed(builds, sets) if reference and modules else []
    found = interface_at(answer, reference, modules, late) if late else None
    if found is not None:  # a set the dry run did not draw (a harness that draws them anew)
        record = {"stage": "function", "status": "rejected", "rule": found[0], "wall_s": record["wall_s"],
                  "reason": f"at parameters the harness ran but the first pass did not find: {found[1]}", "data": {}}
    send(channel, job["nonce"], record)


if __name__ == "__main__":
    main()
