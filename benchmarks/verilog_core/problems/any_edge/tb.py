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


class AnyEdgeModel:
    def __init__(self):
        self.known = False
        self.d_prev = self.pulse = self.any_pulse = 0

    def reset(self):
        self.known = True
        self.d_prev = self.pulse = self.any_pulse = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"pulse": self.pulse, "any_pulse": self.any_pulse}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        changed = inp["d"] ^ self.d_prev
        self.pulse = changed
        self.any_pulse = int(changed != 0)
        self.d_prev = inp["d"]


def stimulus(rng):
    def cyc(rst=0, d=0):
        return {"rst": rst, "d": d}
    yield cyc(rst=1, d=0xF)
    yield cyc(rst=1, d=0xA)
    # first sample after reset: ones count as rising edges
    for d in (0x5, 0x5, 0x5, 0x0, 0x0, 0xF, 0xF, 0x0, 0x1, 0x2, 0x4, 0x8, 0x8, 0xC, 0xE, 0xF, 0xF, 0x7):
        yield cyc(d=d)
    # single-bit toggles on each bit, in each direction
    for bit in range(4):
        for d in (1 << bit, 0, 0, 0xF, 0xF ^ (1 << bit), 0xF ^ (1 << bit)):
            yield cyc(d=d)
    # reset in the middle of activity while d changes
    yield cyc(d=0x9)
    yield cyc(d=0x6)
    yield cyc(rst=1, d=0x3)
    yield cyc(d=0x3)
    yield cyc(d=0x3)
    yield cyc(rst=1, d=0x0)
    yield cyc(d=0x0)
    d = 0
    for _ in range(700):
        r = rng.random()
        if r < 0.5:
            d ^= 1 << rng.randrange(4)
        elif r < 0.7:
            d = rng.randrange(16)
        yield cyc(rst=int(rng.random() < 0.02), d=d)


@cocotb.test()
async def test_any_edge(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = AnyEdgeModel()
    await run_checked(dut, model, stimulus(rng), ["pulse", "any_pulse"], init={"rst": 1, "d": 0})
