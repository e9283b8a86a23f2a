"""Inside the CVDP sandbox job: the pieces that keep the candidate away from the verdict.

- :func:`check_answer`: every candidate HDL file is seen as the compiler sees it (Icarus's
  preprocessor, comments blanked: :func:`harness.jobs.verilog_check.check_candidate`), checked
  against the Verilog family's allowlists, and the checked text replaces the raw file, so what
  was scanned is exactly what CVDP's ``runner.build`` compiles. An
  instance of a module that exists only in the hidden harness is looked for in that text too.
- :class:`Drain`: file descriptors 1 and 2 of the job (pytest's and every simulator's output) go
  to a pipe that a thread empties, keeping a bounded head and tail in memory: a design that
  prints without end costs time (it ends as ``timeout``), never the job's file-size limit or
  the verdict channel, which stays on a descriptor of its own.
- :class:`Reports`: each ``cocotb_tools`` ``Runner.test`` call made by the harness also loads
  :mod:`benchmarks.cvdp.report` (:mod:`harness.jobs.cocotb_report`, results file kept), whose per-test outcomes come back over a pipe the simulator
  inherits. A service passes only when pytest passes *and* every simulation reported its tests,
  all passing, and then exited: a ``results.xml`` rewritten by anyone cannot make a pass.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from harness.families.verilog.drivers import foreign_scopes
from harness.families.verilog.paramdefaults import changed_defaults
from harness.families.verilog.wire import fit_record
from harness.jobs.cocotb_job import _Channel, function_record
from harness.jobs.verilog_check import check_candidate

#: Loaded before the harness's test modules in every simulation (per-test reports over a pipe).
REPORT_MODULE = "benchmarks.cvdp.report"
#: Bytes of the job's own output kept for the log: this much of the head and of the tail.
KEEP = 48 * 1024


def check_answer(files: list[str], hidden: list[str], harness_names: list[str] | None = None,
                 reference: str = "") -> dict[str, Any]:
    """The ``integrity`` record for the candidate's HDL files (paths relative to the job folder)."""
    from harness.families.verilog.tbeval import instantiations

    t0 = time.monotonic()
    for name in files:
        rec = check_candidate(name, name)  # the checked text replaces the raw file
        rec["data"].pop("compiled", None)
        rec["data"].pop("warnings", None)
        if rec["status"] != "pass":
            rec["reason"] = f"{Path(name).name}: {rec['reason']}"
            return rec
        used = sorted({mod for mod, _ in instantiations(Path(name).read_text(errors="replace"))} & set(hidden))
        if used:
            return {"stage": "integrity", "status": "rejected", "rule": "foreign_module",
                    "wall_s": time.monotonic() - t0, "data": {},
                    "reason": f"{Path(name).name} instantiates {', '.join(used)}, defined only in the hidden harness"}
        changed = changed_defaults(Path(name).read_text(errors="replace"), reference) if reference else []
        if changed:  # on the text the compiler reads (macros expanded, `ifdef decoys gone)
            return {"stage": "integrity", "status": "rejected", "rule": "interface",
                    "wall_s": time.monotonic() - t0, "data": {},
                    "reason": f"{Path(name).name} changes the reference's interface: {'; '.join(changed)}"}
        reached = foreign_scopes(Path(name).read_text(errors="replace"), set(harness_names or ()))
        if reached:
            return {"stage": "integrity", "status": "rejected", "rule": "hierarchical_reference",
                    "wall_s": time.monotonic() - t0, "data": {},
                    "reason": f"{Path(name).name} reaches {', '.join(reached)}: a scope it does not declare "
                              "(the hidden harness's)"}
    return {"stage": "integrity", "status": "pass", "wall_s": time.monotonic() - t0, "reason": "",
            "data": {"files": len(files)}}


class Drain:
    """Point fds 1 and 2 at a pipe emptied by a thread; :meth:`close` restores nothing, it ends the
    pipe and returns what was kept (head, a marker, tail), at most about ``2 * KEEP`` bytes."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        os.dup2(write_fd, 1)
        os.dup2(write_fd, 2)
        os.close(write_fd)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self._fd = read_fd
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while chunk := os.read(self._fd, 1 << 16):
            self.total += len(chunk)
            room = KEEP - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self.tail += chunk
                if len(self.tail) > 2 * KEEP:
                    del self.tail[:-KEEP]

    def close(self) -> bytes:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
        self._thread.join(timeout=5)  # a leftover child may still hold the pipe: keep what came
        tail = bytes(self.tail[-KEEP:])
        skipped = self.total - len(self.head) - len(tail)
        marker = f"\n... [{skipped} bytes of output left out] ...\n".encode() if skipped > 0 else b""
        return bytes(self.head) + marker + tail


class Reports:
    """Wrap ``cocotb_tools.runner.Runner.test`` so every simulation reports over its own pipe."""

    def __init__(self) -> None:
        from cocotb_tools import runner as cocotb_runner

        self.records: list[dict[str, Any]] = []
        self._orig = cocotb_runner.Runner.test
        reports = self

        def test(runner: Any, *args: Any, **kwargs: Any) -> Any:
            if args:
                args = (reports._with_report(args[0]), *args[1:])
            else:
                kwargs["test_module"] = reports._with_report(kwargs.get("test_module", ""))
            channel = _Channel(runner)
            runner._execute_cmds = channel.execute
            t0 = time.monotonic()
            try:
                return reports._orig(runner, *args, **kwargs)
            finally:
                log = Path(kwargs.get("log_file") or os.devnull)
                reports.records.append(function_record(channel, time.monotonic() - t0, log))

        cocotb_runner.Runner.test = test  # type: ignore[method-assign, assignment]

    @staticmethod
    def _with_report(modules: Any) -> list[str]:
        names = [modules] if isinstance(modules, str) else [str(m) for m in modules]
        return [REPORT_MODULE, *names]

    def take(self) -> list[dict[str, Any]]:
        """The records of the simulations since the last call."""
        out, self.records = self.records, []
        return out


def send(fd: int, nonce: str, record: dict[str, Any]) -> None:
    """One verdict line on ``fd`` (the job's original stdout), written whole, within its byte budget."""
    data = f"HWEVAL-RESULT {nonce} {json.dumps(fit_record(record))}\n".encode()
    while data:
        data = data[os.write(fd, data):]
