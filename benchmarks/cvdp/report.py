"""Loaded by cocotb inside a CVDP simulation, before the harness's test modules.

:mod:`harness.jobs.cocotb_report` sends each test's outcome over the job's pipe and replaces
cocotb's ``results.xml`` writer by a ``done`` report. CVDP's ``test_runner.py`` runs under pytest,
where ``cocotb_tools`` reads that file back; here the file is written as cocotb writes it, and
then ``done`` is reported. The job trusts the pipe (:class:`benchmarks.cvdp.guard.Reports`); the
file only keeps the harness's own flow working.
"""
from __future__ import annotations

from typing import Any

import cocotb.regression

import harness.jobs.cocotb_report  # noqa: F401 - installs the per-test reports

_xunit = cocotb.regression._manager_inst.xunit
_report_done = _xunit.write
_write_file = type(_xunit).write


def _write(filename: Any = None) -> None:
    _write_file(_xunit, filename)
    _report_done(filename)


_xunit.write = _write  # type: ignore[method-assign]
