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


class DffModel:
    def __init__(self):
        self.known = False
        self.q = 0

    def reset(self):
        self.known = True
        self.q = 0

    def outputs(self, inp):
        if inp["rst_n"] == 0:  # asynchronous clear
            self.reset()
        if not self.known:
            return None
        return {"q": self.q}

    def step(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
        elif self.known:
            self.q = inp["d"]


def stimulus(rng):
    def cyc(rst_n=1, d=0, pulse=False):
        c = {"rst_n": rst_n, "d": d}
        if pulse:
            c["_arst_pulse"] = True
        return c
    yield cyc(rst_n=0, d=0xF)
    yield cyc(rst_n=0, d=0x9)
    # every value, with changes between edges
    for d in list(range(16)) + [0xF, 0x0, 0xA, 0x5, 0xC, 0x3]:
        yield cyc(d=d)
    # asynchronous reset asserted mid-cycle while q is non-zero
    yield cyc(d=0xF)
    yield cyc(rst_n=0, d=0xE)
    yield cyc(rst_n=0, d=0x7)
    yield cyc(rst_n=1, d=0x6)
    yield cyc(d=0xB)
    # reset pulse that never overlaps a clock edge
    yield cyc(d=0xD)
    yield cyc(d=0x8, pulse=True)
    yield cyc(d=0x4)
    for _ in range(600):
        r = rng.random()
        if r < 0.04:
            yield cyc(rst_n=0, d=rng.randrange(16))
        elif r < 0.08:
            yield cyc(d=rng.randrange(16), pulse=True)
        else:
            yield cyc(d=rng.randrange(16))


@cocotb.test()
async def test_dff_arst_n(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = DffModel()
    await run_checked(dut, model, stimulus(rng), ["q"], init={"rst_n": 0, "d": 0},
                      reset="rst_n", reset_active=0)
