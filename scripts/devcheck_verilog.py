"""Developer check for one verilog-core problem folder, outside the harness.

usage: python scripts/devcheck_verilog.py PROBLEM_DIR [DESIGN.v]
Runs PROBLEM_DIR/tb.py (cocotb, Icarus) against DESIGN.v (default PROBLEM_DIR/ref.v)
in a temporary folder and prints PASS or FAIL.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from cocotb_tools.runner import get_runner


def main() -> int:
    pdir = Path(sys.argv[1]).resolve()
    design = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else pdir / "ref.v"
    meta = tomllib.loads((pdir / "meta.toml").read_text())
    top = meta["top"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(pdir / "tb.py", work / "tb.py")
        shutil.copy(design, work / "design.v")
        runner = get_runner("icarus")
        runner.build(sources=[work / "design.v"], hdl_toplevel=top, build_dir=work / "build",
                     timescale=("1ns", "1ps"), log_file=work / "build.log")
        xml = runner.test(hdl_toplevel=top, test_module="tb", test_dir=work, build_dir=work / "build",
                          results_xml=str(work / "results.xml"), log_file=work / "sim.log")
        root = ET.parse(xml).getroot()
        cases = list(root.iter("testcase"))
        failed = [c.get("name") for c in cases if c.find("failure") is not None or c.find("error") is not None]
        if not cases or failed:
            print("FAIL", failed or "no tests ran")
            print((work / "sim.log").read_text()[-3000:])
            return 1
        print("PASS", len(cases), "tests")
        return 0


if __name__ == "__main__":
    sys.exit(main())
