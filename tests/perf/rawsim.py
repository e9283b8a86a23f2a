"""The raw simulator flow a perf benchmark compares against: cocotb's runner, nothing else.

usage: python rawsim.py DESIGN.v TB.py TOP  (prints PASS or FAIL)
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from cocotb_tools.runner import get_runner


def main() -> int:
    design, tb, top = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(design, work / "design.v")
        shutil.copy(tb, work / "tb.py")
        os.environ.setdefault("COCOTB_LOG_LEVEL", "WARNING")  # as the harness job does
        runner = get_runner("icarus")
        try:
            runner.build(sources=[work / "design.v"], hdl_toplevel=top, build_dir=work / "build",
                         timescale=("1ns", "1ps"), log_file=work / "build.log")
        except Exception:  # noqa: BLE001
            print("SYNTAX")
            return 0
        xml = runner.test(hdl_toplevel=top, test_module="tb", test_dir=work, build_dir=work / "build",
                          results_xml=str(work / "results.xml"), log_file=work / "sim.log")
        failed = any(c.find("failure") is not None for c in ET.parse(xml).getroot().iter("testcase"))
        print("FAIL" if failed else "PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
