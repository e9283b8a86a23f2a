"""Loaded by cocotb inside the simulator, before the problem's test module: report every test's
outcome to the job over the pipe it inherited (fd ``HWEVAL_REPORT_FD``), never through a file.

cocotb writes ``results.xml`` while the simulator is still running, so a design that could
write files could overwrite it afterwards (a ``final`` block). Here each outcome goes into the
job's pipe the moment cocotb records it, and the end of the regression is reported once
(``{"done": n}``); the job accepts a verdict only when the simulator then exits. This module
defines no tests.
"""
from __future__ import annotations

import json
import os
from typing import Any

import cocotb.regression

_FD = int(os.environ.pop("HWEVAL_REPORT_FD", "-1"))
if _FD >= 0:  # closed on exec: a process the design starts ($system) does not hold the pipe
    os.set_inheritable(_FD, False)


def _send(record: dict[str, Any]) -> None:
    data = (json.dumps(record) + "\n").encode()
    while data:
        data = data[os.write(_FD, data):]


def _install() -> None:
    if _FD < 0:
        raise RuntimeError("HWEVAL_REPORT_FD is not set: this module runs only under harness.jobs.cocotb_job")
    manager = cocotb.regression._manager_inst
    xunit = manager.xunit
    add_testcase = xunit.add_testcase
    count = 0

    def report_testcase(name: str, classname: str, status: Any, *args: Any, **kwargs: Any) -> None:
        nonlocal count
        count += 1
        reason = kwargs.get("reason")
        _send({"test": f"{classname}.{name}", "status": str(status), "reason": str(reason or "")[:1500]})
        add_testcase(name, classname, status, *args, **kwargs)

    def report_done(filename: Any = None) -> None:
        _send({"done": count})

    xunit.add_testcase = report_testcase  # type: ignore[method-assign]
    xunit.write = report_done  # type: ignore[method-assign]


_install()
