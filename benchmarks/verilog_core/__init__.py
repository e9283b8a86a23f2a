"""``verilog-core``: hweval's own Verilog problems, checked with cocotb.

Each problem is a folder under ``problems/``: spec.md, ref.v, tb.py, meta.toml, and for a
problem tested at several parameter values a trusted wrapper (``wrap.v``, ``extra_sources`` and
``sim_top`` in meta.toml; handled by :class:`CocotbVerilogSuite`).

Version 2: ``uart_tx`` is tested (and synthesised) at CLKS_PER_BIT 2, 4, 7, 23 and 256 through
its wrapper, not at the default 4 alone; its results are not comparable with version 1's.
Version 3 (red team s16): ``timer_irq`` runs, for every reload bit in an order drawn from the seed,
a reload with that bit set to a periodic expiry and past it, then 0xFF, and draws its random writes
from 0..255 (a reload register without bits 5 and 6 passed); not comparable with version 2's.
"""
from __future__ import annotations

from pathlib import Path

from harness.families.verilog.suite import CocotbVerilogSuite


class VerilogCoreSuite(CocotbVerilogSuite):
    name = "verilog-core"
    version = "3"
    description = "hweval's built-in RTL problems (combinational to small systems), cocotb-checked"
    problems_dir = Path(__file__).parent / "problems"
