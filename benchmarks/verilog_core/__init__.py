"""``verilog-core``: hweval's own Verilog problems, checked with cocotb.

Each problem is a folder under ``problems/``: spec.md, ref.v, tb.py, meta.toml.
"""
from __future__ import annotations

from pathlib import Path

from harness.families.verilog.suite import CocotbVerilogSuite


class VerilogCoreSuite(CocotbVerilogSuite):
    name = "verilog-core"
    version = "1"
    description = "hweval's built-in RTL problems (combinational to small systems), cocotb-checked"
    problems_dir = Path(__file__).parent / "problems"
