"""Sandbox job: check a Verilog candidate, compile it and run a cocotb test module against it.

stdin: {"nonce", "top", "sim_top", "design" (the candidate's raw file), "compiled" (where the
checked text goes), "roots" (the candidate's modules the build elaborates), "extra_sources",
"provided_sources", "test_module", "simulator", "lint", "seed"}
stdout: HWEVAL-RESULT lines for stages "integrity", "syntax", "lint" (optional), "function".

1. :func:`harness.jobs.verilog_check.check_candidate`: the candidate as the compiler sees it
   (preprocessed, comments blanked) against the allowlists; only that text is compiled.
2. One build: the checked text, the modules the problem provides, its trusted extra sources
   (renamed by the harness, :mod:`harness.families.verilog.isolation`, so that the candidate
   cannot name them); the build log goes back with the ``syntax`` record.
3. The tests. Outcomes come from :mod:`harness.jobs.cocotb_report` over an inherited pipe,
   not from ``results.xml``; the function record is written only when the simulator reported
   the regression's end exactly once and then exited.
Simulator output goes to log files in the scratch folder, never to this process's stdout. Every
record is cut to its stage's byte budget as encoded (:mod:`harness.families.verilog.wire`).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from harness.families.verilog.wire import fit_record
from harness.jobs import emit as _send
from harness.jobs import run_main
from harness.jobs.verilog_check import check_candidate

REPORT_MODULE = "harness.jobs.cocotb_report"
CHANNEL_CAP = 1 << 20


def emit(nonce: str, record: dict[str, Any]) -> None:
    """:func:`harness.jobs.emit` with the record cut to its stage's byte budget."""
    _send(nonce, fit_record(record))


def _tail(path: Path, n: int = 3000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return text[-n:]


def _lint(sources: list[str], top: str) -> dict[str, Any]:
    verilator = shutil.which("verilator")
    if verilator is None:
        return {"status": "not_run", "reason": "verilator not available"}
    t0 = time.monotonic()
    proc = subprocess.run([verilator, "--lint-only", "-Wall", "-Wno-fatal", "-Wno-DECLFILENAME",
                           "-Wno-UNUSEDSIGNAL", "--top-module", top, *sources],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    text = proc.stderr[-3000:]
    warnings = sum(1 for line in proc.stderr.splitlines() if line.startswith("%Warning"))
    return {"status": "pass" if proc.returncode == 0 else "syntax_error", "reason": text if proc.returncode else "",
            "wall_s": time.monotonic() - t0, "data": {"warnings": warnings}}


class _Channel:
    """Run the simulator with the write end of a pipe inherited; collect what it reports."""

    def __init__(self, runner: Any) -> None:
        self.runner = runner
        self.records: list[dict[str, Any]] = []
        self.returncode: int | None = None
        self.foreign = 0  # lines that are not a report of harness.jobs.cocotb_report's

    def execute(self, cmds: Sequence[list[str]], cwd: Any, stdout: TextIO | None = None) -> None:
        for cmd in cmds:
            read_fd, write_fd = os.pipe()
            env = {**self.runner.env, "HWEVAL_REPORT_FD": str(write_fd)}
            try:
                proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
                                        stderr=subprocess.STDOUT if stdout is not None else None,
                                        pass_fds=(write_fd,))
            finally:
                os.close(write_fd)
            raw = bytearray()
            with os.fdopen(read_fd, "rb") as fh:
                while chunk := fh.read(65536):
                    if len(raw) < CHANNEL_CAP:
                        raw += chunk
                    else:  # more than the report module ever writes: something flooded the pipe, and what
                        self.foreign += 1  # came after the cap (the real reports, red team 14b S2) is lost
            self.returncode = proc.wait()
            for line in bytes(raw).decode(errors="replace").splitlines():
                rec = _report(line)
                if rec is None:
                    self.foreign += 1
                else:
                    self.records.append(rec)


#: the keys of the two records harness.jobs.cocotb_report writes
_TEST_KEYS, _DONE_KEYS = frozenset({"test", "status", "reason"}), frozenset({"done"})


def _report(line: str) -> dict[str, Any] | None:
    """``line`` as a report record, or None when it is not exactly one (anything else in the pipe
    was written by something other than the report module: the design's children held the pipe,
    red team 14 S3, and a partial line glued to a real report made the report unreadable)."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(rec, dict) or frozenset(rec) not in (_TEST_KEYS, _DONE_KEYS):
        return None
    return rec


#: what the C++ Verilator generates for an answer may not call: file, process and environment access
#: (``$system``, ``$fopen``, ``$readmemh``, plusargs, DPI imports (Verilator's own ``// DPI import at`` note), ``$c`` text calling libc). The integrity scan
#: forbids all of them in the text; this reads what Verilator compiled, whatever its lexer read
#: differently (red team 14 and 14b: a triple-quoted string and a string holding ``*)`` hid ``$system``
#: from the scan). No reference of the Verilog suites, wrappers included, generates one (90 checked).
_MODEL_DENY = re.compile(r"\bVL_(?:SYSTEM|FOPEN|FCLOSE|FFLUSH|FGETS|FGETC|FREAD|FSCANF|FSEEK|FTELL|FERROR|FWRITEF"
                         r"|READMEM|WRITEMEM|TESTPLUSARGS|VALUEPLUSARGS|CVT_I_FP)\w*"
                         r"|\b(?:system|popen|fopen|freopen|getenv|execl\w*|execv\w*|fork|vfork|dlopen|syscall|ptrace)\s*\("
                         r"|\bDPI import at\b|\bsvGet|\basm\b|__asm__")


def model_calls(build_dir: Path) -> list[str]:
    """The denied calls (:data:`_MODEL_DENY`) in the C++ model Verilator generated in ``build_dir``."""
    found: set[str] = set()
    for path in sorted(build_dir.rglob("V*")):
        if path.suffix in (".cpp", ".h") and path.is_file() and not path.is_symlink():
            found |= {" ".join(m.group(0).split()) for m in _MODEL_DENY.finditer(path.read_text(errors="replace"))}
    return sorted(found)


def function_record(channel: _Channel, wall: float, log: Path) -> dict[str, Any]:
    """The verdict from what the simulator reported, or a runtime error when it did not finish."""
    done = [r for r in channel.records if "done" in r]
    tests = [r for r in channel.records if "test" in r]
    base: dict[str, Any] = {"stage": "function", "wall_s": wall}
    if channel.foreign:
        return {**base, "status": "rejected", "data": {"rule": "report_channel"},
                "reason": f"report_channel: {channel.foreign} line(s) in the test report pipe were not the "
                          "harness's reports (something else wrote into it)"}
    if len(done) != 1 or done[0]["done"] != len(tests):
        return {**base, "status": "runtime_error", "reason": "the simulation ended without reporting its tests "
                f"(exit {channel.returncode})\n" + _tail(log)}
    if channel.returncode != 0:
        return {**base, "status": "runtime_error", "reason": f"the simulator exited with {channel.returncode} "
                "after the tests\n" + _tail(log)}
    if not tests:
        return {**base, "status": "runtime_error", "reason": "no test ran\n" + _tail(log)}
    failures = [f"{r['test']}: {str(r.get('reason', ''))[:500]}" for r in tests
                if r.get("status") in ("failed", "error")]
    if failures:
        return {**base, "status": "fail", "reason": "\n".join(failures)[:4000],
                "data": {"tests": len(tests), "failed": len(failures)}}
    return {**base, "status": "pass", "data": {"tests": len(tests)}}


def run(job: dict[str, Any]) -> None:
    """The whole job in the current folder (a one-shot sandbox's, or a warm worker's child)."""
    from cocotb_tools.runner import get_runner

    os.environ.setdefault("COCOTB_LOG_LEVEL", "WARNING")
    nonce, top = job["nonce"], job["top"]
    sim_top = job.get("sim_top") or top
    simulator = job.get("simulator", "icarus")
    work = Path.cwd()
    integrity = check_candidate(job["design"], job["compiled"], job.get("roots") or [top])
    emit(nonce, integrity)
    if integrity["status"] != "pass":
        return
    compiled = str(work / job["compiled"])
    provided = [str(work / s) for s in job.get("provided_sources", [])]
    extra = [str(work / s) for s in job.get("extra_sources", [])]
    runner = get_runner(simulator)
    build_dir = work / "build"
    t0 = time.monotonic()
    try:
        runner.build(sources=[compiled, *provided, *extra], hdl_toplevel=sim_top, build_dir=build_dir,
                     timescale=("1ns", "1ps"), log_file=work / "build.log", always=True)
    except Exception as exc:  # noqa: BLE001 - any build failure is the candidate's syntax error
        emit(nonce, {"stage": "syntax", "status": "syntax_error", "wall_s": time.monotonic() - t0,
                     "reason": _tail(work / "build.log") or str(exc)})
        return
    calls = model_calls(build_dir) if simulator == "verilator" else []
    if calls:
        emit(nonce, {"stage": "syntax", "status": "rejected", "wall_s": time.monotonic() - t0,
                     "data": {"rule": "model_calls"},
                     "reason": f"model_calls: the Verilated model calls {', '.join(calls[:6])} (file, process or "
                               "environment access the integrity scan forbids, in code it did not read as code)"})
        return
    emit(nonce, {"stage": "syntax", "status": "pass", "wall_s": time.monotonic() - t0,
                 "data": {"log": _tail(work / "build.log")}})
    if job.get("lint"):
        emit(nonce, {"stage": "lint", **_lint([compiled, *provided], top)})
    t1 = time.monotonic()
    channel = _Channel(runner)
    runner._execute_cmds = channel.execute  # type: ignore[method-assign, assignment]
    env = {"HWEVAL_TB_SEED": str(job.get("seed", 20261129))}
    modules = [REPORT_MODULE, job.get("test_module", "tb")]
    try:
        runner.test(hdl_toplevel=sim_top, test_module=modules, test_dir=work, build_dir=build_dir,
                    results_xml=str(work / "results.xml"), log_file=work / "sim.log", extra_env=env,
                    seed=job.get("seed", 20261129))
    except Exception as exc:  # noqa: BLE001 - the runner itself failed around the simulator
        emit(nonce, {"stage": "function", "status": "runtime_error", "wall_s": time.monotonic() - t1,
                     "reason": f"{exc}\n{_tail(work / 'sim.log')}"})
        return
    emit(nonce, function_record(channel, time.monotonic() - t1, work / "sim.log"))


def main() -> None:
    run_main(run)  # the job's own failure goes out as a sealed job_error record


if __name__ == "__main__":
    main()
