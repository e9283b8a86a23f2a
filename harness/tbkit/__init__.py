"""tbkit: the shared cocotb driver library for hweval's built-in testbenches.

A problem's ``tb.py`` imports what it needs from here instead of pasting its own copy::

    from harness.tbkit import Clocked, run_cycles, tb_rng

The testbench runs inside the evaluation sandbox with hweval importable, so the library is
trusted code shipped with the harness, never part of a candidate. When the simulation top is a
trusted wrapper (``sim_top``/``extra_sources``), the evaluator keeps only the wrapper names that
appear as words in ``tb.py``: a testbench that builds port names (``f"gnt{tag}"``, or the
default ``clock="clk"`` of :func:`run_cycles`) must also name every wrapper port literally,
e.g. in a ``WRAPPER_PORTS`` tuple.

What it provides
----------------
- :func:`tb_seed` / :func:`tb_rng`: the stimulus seed comes from the ``HWEVAL_TB_SEED``
  environment variable that the cocotb job sets (default 20261129); ``tb_rng("salt")`` gives a
  ``random.Random`` derived from it, so two tests of one module draw different streams.
- :func:`start_clock`, :func:`reset_pulse`, :func:`read` (an integer, or the signal's string when
  it holds X/Z), :func:`read_signed`, :func:`mismatch` (the AssertionError text every check uses:
  cycle, signal, expected, got).
- :class:`Signals`: ``Signals(dut)`` gives the DUT's signals as attributes looked up once, for
  a testbench's own per-cycle loop.
- :func:`run_cycles`: the cycle-driven scoreboard. Each cycle it applies one input dict just
  after the falling edge, compares every listed output with a Python reference model 1 ns
  later, then advances the model at the rising edge. The model is any object with
  ``outputs(inputs) -> dict | None`` (None or a None entry: not checked this cycle; a
  ``(value, mask)`` entry: only the bits under the mask are checked, X/Z elsewhere is
  ignored) and ``step(inputs)``. ``stimulus`` may be a generator that reads the model to
  choose inputs.
- :class:`Scoreboard`: an in-order transaction checker (``expect`` then ``observe``), whose
  failure names the cycle, the signal, the expected and the observed item; ``drain_check``
  fails when expected items never came out.
- :class:`StreamSource` / :class:`StreamSink`: valid/ready drivers and a monitor for one
  clock domain, with seeded random idle and back-pressure.
- :class:`BusOp` and :func:`bus_ops`: a small record of register-bus transactions
  (read/write, address, data, byte strobes) and a generator of constrained-random ones.
"""
from __future__ import annotations

from harness.tbkit.core import (
    DEFAULT_SEED,
    Signals,
    mismatch,
    read,
    read_signed,
    reset_pulse,
    start_clock,
    tb_rng,
    tb_seed,
)
from harness.tbkit.cycle import CycleModel, run_cycles
from harness.tbkit.stream import BusOp, Scoreboard, StreamSink, StreamSource, bus_ops

__all__ = [
    "DEFAULT_SEED", "BusOp", "CycleModel", "Scoreboard", "Signals", "StreamSink", "StreamSource", "bus_ops",
    "mismatch", "read", "read_signed", "reset_pulse", "run_cycles", "start_clock", "tb_rng", "tb_seed",
]
