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


class Reg8Model:
    def __init__(self):
        self.known = False
        self.q = 0

    def reset(self):
        self.known = True
        self.q = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"q": self.q}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
        elif inp["en"] and self.known:
            self.q = inp["d"]


def stimulus(rng):
    def cyc(rst=0, en=0, d=0):
        return {"rst": rst, "en": en, "d": d}
    # reset, with enable and data active to prove reset priority
    yield cyc(rst=1, en=1, d=0xFF)
    yield cyc(rst=1, en=1, d=0xA5)
    # directed loads and holds
    for d in (0x01, 0x80, 0xFF, 0x5A, 0xA5, 0x00, 0x7E):
        yield cyc(en=1, d=d)
        yield cyc(en=0, d=d ^ 0xFF)
        yield cyc(en=0, d=rng.randrange(256))
    for bit in range(8):
        yield cyc(en=1, d=1 << bit)
        yield cyc(en=1, d=0xFF ^ (1 << bit))
    # reset in the middle of activity, with enable high
    yield cyc(en=1, d=0xC3)
    yield cyc(rst=1, en=1, d=0x3C)
    yield cyc(rst=0, en=0, d=0x3C)
    yield cyc(rst=1, en=0, d=0x99)
    yield cyc(en=1, d=0x99)
    # random
    for _ in range(600):
        yield cyc(rst=int(rng.random() < 0.04), en=int(rng.random() < 0.5), d=rng.randrange(256))


@cocotb.test()
async def test_reg8_en_srst(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = Reg8Model()
    await run_checked(dut, model, stimulus(rng), ["q"], init={"rst": 1, "en": 0, "d": 0})
