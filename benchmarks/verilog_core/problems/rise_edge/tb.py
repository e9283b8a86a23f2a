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


class RiseModel:
    def __init__(self):
        self.known = False
        self.d_prev = 1
        self.pulse = 0

    def reset(self):
        self.known = True
        self.d_prev = 1
        self.pulse = 0

    def outputs(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
        if not self.known:
            return None
        return {"pulse": self.pulse}

    def step(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
            return
        self.pulse = int(inp["d"] == 1 and self.d_prev == 0)
        self.d_prev = inp["d"]


def stimulus(rng):
    def cyc(rst_n=1, d=0, pulse=False):
        c = {"rst_n": rst_n, "d": d}
        if pulse:
            c["_arst_pulse"] = True
        return c
    yield cyc(rst_n=0, d=1)
    yield cyc(rst_n=0, d=1)
    # d high out of reset: no pulse
    for d in (1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1):
        yield cyc(d=d)
    # asynchronous reset while a pulse is active
    yield cyc(d=0)
    yield cyc(d=1)
    yield cyc(rst_n=0, d=1)
    yield cyc(d=1)
    yield cyc(d=1)
    yield cyc(d=0)
    yield cyc(d=1)
    yield cyc(d=0, pulse=True)
    yield cyc(d=0)
    # reset released with d low: first high sample is an edge
    yield cyc(rst_n=0, d=0)
    yield cyc(d=0)
    yield cyc(d=1)
    yield cyc(d=1)
    for _ in range(700):
        r = rng.random()
        yield cyc(rst_n=int(r >= 0.015), d=rng.randrange(2), pulse=(0.015 <= r < 0.03))


@cocotb.test()
async def test_rise_edge(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = RiseModel()
    await run_checked(dut, model, stimulus(rng), ["pulse"], init={"rst_n": 0, "d": 0},
                      reset="rst_n", reset_active=0)
