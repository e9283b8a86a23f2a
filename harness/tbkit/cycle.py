"""The cycle-driven scoreboard: a Python reference model checked against the DUT every cycle."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from harness.tbkit.core import mismatch, read


class CycleModel(Protocol):
    """What :func:`run_cycles` needs from a reference model."""

    def outputs(self, inputs: Mapping[str, int]) -> Mapping[str, Any] | None:
        """Expected outputs during this cycle, given this cycle's inputs: an int, None
        (unchecked) or a ``(value, mask)`` pair (only the masked bits are checked)."""

    def step(self, inputs: Mapping[str, int]) -> None:
        """Advance one rising clock edge with these inputs."""


def _short(inputs: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v:#x}" if isinstance(v, int) and v > 9 else f"{k}={v}" for k, v in inputs.items())


def read_masked(handle: Any, mask: int) -> int | str:
    """The bits of ``handle`` under ``mask`` as an integer (other bits read as 0), or, when a bit
    under the mask holds X/Z, the value's string with the bits outside the mask shown as ``-``."""
    text = str(handle.value)
    width = len(text)
    value, bad = 0, False
    for pos, ch in enumerate(text):
        bit = width - 1 - pos
        if mask >> bit & 1:
            if ch not in "01":
                bad = True
            elif ch == "1":
                value |= 1 << bit
    if bad:
        return "".join(ch if mask >> (width - 1 - pos) & 1 else "-" for pos, ch in enumerate(text))
    return value


class Handles(dict[str, Any]):
    """The DUT's signal handles by name, each looked up once (a cocotb lookup costs more than a
    read, and the cycle loop reads the same signals every cycle)."""

    def __init__(self, dut: Any) -> None:
        super().__init__()
        self.dut = dut

    def __missing__(self, name: str) -> Any:
        handle = self[name] = getattr(self.dut, name)
        return handle


def check_outputs(dut: Any, model: CycleModel, inputs: Mapping[str, int], outputs: Sequence[str],
                  cycle: int, handles: Handles | None = None) -> None:
    """Compare the DUT's ``outputs`` with the model's expectation; raise on the first mismatch.

    An expected value is an int, None (not checked), or a ``(value, mask)`` pair: only the bits
    under ``mask`` are compared (e.g. the fields of a packed vector whose valid bit is 1).
    ``handles``: the DUT's handles already looked up (:class:`Handles`)."""
    exp = model.outputs(inputs)
    if exp is None:
        return
    handles = handles if handles is not None else Handles(dut)
    for name in outputs:
        want = exp.get(name)
        if want is None:
            continue
        if isinstance(want, tuple):
            value, mask = want
            got_masked = read_masked(handles[name], mask)
            if got_masked != value & mask:
                raise mismatch(cycle, name, f"{value & mask:#x} under mask {mask:#x}",
                               got_masked if isinstance(got_masked, str) else f"{got_masked:#x}",
                               f"inputs this cycle: {_short(inputs)}")
            continue
        got = read(handles[name])
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

    handles = Handles(dut)
    clk = handles[clock]
    for name, val in (init or {}).items():
        handles[name].value = val
    if start:
        Clock(clk, period_ns, unit="ns").start()
    cycle = 0
    falling, settle, rising = FallingEdge(clk), Timer(1, unit="ns"), RisingEdge(clk)  # made once
    for inputs in stimulus:
        await falling
        for name, val in inputs.items():
            if not name.startswith("_"):
                handles[name].value = val
        await settle
        check_outputs(dut, model, inputs, outputs, cycle, handles)
        await rising
        model.step(inputs)
        cycle += 1
    return cycle
