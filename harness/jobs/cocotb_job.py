"""Sandbox job: compile a Verilog candidate and run a cocotb test module against it.

stdin: {"nonce", "top", "sources": [...], "test_module", "simulator", "lint", "seed"}
stdout: HWEVAL-RESULT lines for stages "syntax", "lint" (optional) and "function".
Simulator output goes to log files in the scratch folder, never to this process's stdout.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from harness.jobs import emit, read_job


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


def _results(xml_path: Path) -> tuple[int, list[str]]:
    root = ET.parse(xml_path).getroot()
    cases = list(root.iter("testcase"))
    failures = []
    for case in cases:
        for tag in ("failure", "error"):
            node = case.find(tag)
            if node is not None:
                msg = (node.get("message") or node.text or "").strip()
                failures.append(f"{case.get('name')}: {msg[:500]}")
    return len(cases), failures


def main() -> None:
    from cocotb_tools.runner import get_runner

    job = read_job()
    nonce, top = job["nonce"], job["top"]
    work = Path.cwd()
    sources = [str(work / s) for s in job["sources"]]
    runner = get_runner(job.get("simulator", "icarus"))
    build_dir = work / "build"
    t0 = time.monotonic()
    try:
        runner.build(sources=sources, hdl_toplevel=top, build_dir=build_dir, timescale=("1ns", "1ps"),
                     log_file=work / "build.log", always=True)
    except Exception as exc:  # noqa: BLE001 - any build failure is the candidate's syntax error
        emit(nonce, {"stage": "syntax", "status": "syntax_error", "wall_s": time.monotonic() - t0,
                     "reason": _tail(work / "build.log") or str(exc)})
        return
    emit(nonce, {"stage": "syntax", "status": "pass", "wall_s": time.monotonic() - t0})
    if job.get("lint"):
        emit(nonce, {"stage": "lint", **_lint(sources, top)})
    t1 = time.monotonic()
    xml = work / "results.xml"
    env = {"HWEVAL_TB_SEED": str(job.get("seed", 20261129))}
    try:
        runner.test(hdl_toplevel=top, test_module=job.get("test_module", "tb"), test_dir=work,
                    build_dir=build_dir, results_xml=str(xml), log_file=work / "sim.log",
                    extra_env=env, seed=job.get("seed", 20261129))
    except Exception as exc:  # noqa: BLE001 - simulator crashed: a runtime error of the candidate
        emit(nonce, {"stage": "function", "status": "runtime_error", "wall_s": time.monotonic() - t1,
                     "reason": f"{exc}\n{_tail(work / 'sim.log')}"})
        return
    wall = time.monotonic() - t1
    if not xml.exists():
        emit(nonce, {"stage": "function", "status": "runtime_error", "wall_s": wall,
                     "reason": "simulation wrote no results\n" + _tail(work / "sim.log")})
        return
    try:
        n, failures = _results(xml)
    except ET.ParseError as exc:
        emit(nonce, {"stage": "function", "status": "runtime_error", "wall_s": wall,
                     "reason": f"unreadable results: {exc}"})
        return
    if n == 0:
        emit(nonce, {"stage": "function", "status": "runtime_error", "wall_s": wall,
                     "reason": "no test ran\n" + _tail(work / "sim.log")})
    elif failures:
        emit(nonce, {"stage": "function", "status": "fail", "wall_s": wall, "reason": "\n".join(failures)[:4000],
                     "data": {"tests": n, "failed": len(failures)}})
    else:
        emit(nonce, {"stage": "function", "status": "pass", "wall_s": wall, "data": {"tests": n}})


if __name__ == "__main__":
    os.environ.setdefault("COCOTB_LOG_LEVEL", "WARNING")
    main()
