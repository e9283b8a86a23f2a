"""The cycle-driven scoreboard: a Python reference model checked against the DUT every cycle."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from harness.tbkit.core import mismatch, read


class CycleModel(Protocol):
    """What :func:`run_cycles` needs from a reference model."""

    def outputs(self, inputs: Mapping[str, int]) -> Mapping[str, int | None] | None:
        """Expected outputs during this cycle, given this cycle's inputs (None: unchecked)."""

    def step(self, inputs: Mapping[str, int]) -> None:
        """Advance one rising clock edge with these inputs."""


def _short(inputs: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v:#x}" if isinstance(v, int) and v > 9 else f"{k}={v}" for k, v in inputs.items())


def check_outputs(dut: Any, model: CycleModel, inputs: Mapping[str, int], outputs: Sequence[str],
                  cycle: int) -> None:
    """Compare the DUT's ``outputs`` with the model's expectation; raise on the first mismatch."""
    exp = model.outputs(inputs)
    if exp is None:
        return
    for name in outputs:
        want = exp.get(name)
        if want is None:
            continue
        got = read(getattr(dut, name))
        if got != want:
            raise mismatch(cycle, name, want, got, f"inputs this cycle: {_short(inputs)}")


async def run_cycles(dut: Any, model: CycleModel, stimulus: Iterable[dict[str, int]], outputs: Sequence[str],
                     *, clock: str = "clk", init: Mapping[str, int] | None = None, period_ns: float = 10,
                     start: bool = True) -> int:
    """Drive ``stimulus`` one input dict per cycle and check ``outputs`` against ``model``.

    Inputs are applied just after the falling edge, outputs are compared 1 ns later, and the
    model steps at the rising edge. Keys starting with ``_`` are passed to the model but not
    driven. Returns the number of cycles run. ``start=False`` when the clock already runs.
    """
    from cocotb.clock import Clock
    from cocotb.triggers import FallingEdge, RisingEdge, Timer

    clk = getattr(dut, clock)
    for name, val in (init or {}).items():
        getattr(dut, name).value = val
    if start:
        Clock(clk, period_ns, unit="ns").start()
    cycle = 0
    for inputs in stimulus:
        await FallingEdge(clk)
        for name, val in inputs.items():
            if not name.startswith("_"):
                getattr(dut, name).value = val
        await Timer(1, unit="ns")
        check_outputs(dut, model, inputs, outputs, cycle)
        await RisingEdge(clk)
        model.step(inputs)
        cycle += 1
    return cycle
