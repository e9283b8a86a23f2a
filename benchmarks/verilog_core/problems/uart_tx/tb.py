import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge, Timer


def _rd(handle):
    """Integer value of a signal, or its string form when it holds X/Z."""
    try:
        return int(handle.value)
    except ValueError:
        return str(handle.value)


def _check(dut, model, inp, outputs, cyc, note=""):
    exp = model.outputs(inp)
    if exp is None:  # model state not yet defined (before the first reset)
        return
    got = {name: _rd(getattr(dut, name)) for name in outputs}
    bad = [n for n in outputs if exp[n] is not None and got[n] != exp[n]]
    if bad:
        raise AssertionError(
            f"cycle {cyc}{note}: inputs {inp}: mismatch on {', '.join(bad)}; "
            f"expected {{{', '.join(f'{n}={exp[n]}' for n in outputs)}}} "
            f"got {{{', '.join(f'{n}={got[n]}' for n in outputs)}}}")


async def run_checked(dut, model, stimulus, outputs, init, reset=None, reset_active=1):
    """Apply each input dict of `stimulus` just after a falling edge, check every
    output against the model 1 ns later, then advance the model at the rising edge.
    `stimulus` may be a generator that looks at `model` to choose its inputs.
    An input dict with "_arst_pulse": True additionally pulses the asynchronous
    reset between two clock edges and checks the outputs right after it."""
    for name, val in init.items():
        getattr(dut, name).value = val
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    cyc = 0
    for inp in stimulus:
        await FallingEdge(dut.clk)
        pulse = inp.pop("_arst_pulse", False)
        for name, val in inp.items():
            getattr(dut, name).value = val
        await Timer(1, unit="ns")
        _check(dut, model, inp, outputs, cyc)
        if pulse:
            getattr(dut, reset).value = reset_active
            await Timer(1, unit="ns")
            getattr(dut, reset).value = inp[reset]
            await Timer(1, unit="ns")
            model.reset()
            _check(dut, model, inp, outputs, cyc, " (after async reset pulse)")
        await RisingEdge(dut.clk)
        model.step(inp)
        cyc += 1


N = 4  # CLKS_PER_BIT (default parameter value)


class UartModel:
    """Line-level model: the remaining frame is kept as a list of tx levels."""

    def __init__(self):
        self.known = False
        self.levels = []

    def reset(self):
        self.known = True
        self.levels = []

    def outputs(self, inp):
        if not self.known:
            return None
        busy = int(bool(self.levels))
        return {"tx": self.levels[0] if busy else 1, "busy": busy}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
        elif self.levels:
            self.levels.pop(0)
        elif inp["valid"]:
            bits = [0] + [(inp["data"] >> i) & 1 for i in range(8)] + [1]
            self.levels = [b for b in bits for _ in range(N)]


def stimulus(rng, model):
    def cyc(rst=0, valid=0, data=0):
        return {"rst": rst, "valid": valid, "data": data}
    yield cyc(rst=1, valid=1, data=0x00)
    yield cyc(rst=1, valid=1, data=0x00)
    yield cyc()
    # one frame, data changing and valid pulsing while busy (ignored)
    yield cyc(valid=1, data=0xA5)
    for _ in range(10 * N + 3):
        yield cyc(valid=int(rng.random() < 0.5), data=rng.randrange(256))
    # valid held high: back-to-back frames with one idle cycle in between
    for d in (0x00, 0xFF, 0x01, 0x80, 0x3C):
        for _ in range(10 * N + 1):
            yield cyc(valid=1, data=d)
            d = rng.randrange(256)
    # reset in the middle of a frame (start bit, data bits, stop bit)
    for cut in (2, 3 * N + 1, 9 * N + 2, 10 * N):
        yield cyc(valid=1, data=0xC3)
        for _ in range(cut):
            yield cyc()
        yield cyc(rst=1, valid=1, data=0x5A)
        yield cyc()
        yield cyc(valid=1, data=0x69)
        for _ in range(10 * N + 2):
            yield cyc()
    for _ in range(900):
        if model.levels:
            yield cyc(rst=int(rng.random() < 0.003), valid=int(rng.random() < 0.3), data=rng.randrange(256))
        else:
            yield cyc(valid=int(rng.random() < 0.6), data=rng.randrange(256))


@cocotb.test()
async def test_uart_tx(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = UartModel()
    await run_checked(dut, model, stimulus(rng, model), ["tx", "busy"],
                      init={"rst": 1, "valid": 0, "data": 0})
