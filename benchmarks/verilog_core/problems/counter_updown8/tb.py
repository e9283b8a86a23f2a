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


class CounterModel:
    def __init__(self):
        self.known = False
        self.count = 0

    def reset(self):
        self.known = True
        self.count = 0

    def outputs(self, inp):
        if not self.known:
            return None
        tc = int(bool(inp["en"]) and not inp["load"] and
                 ((inp["up"] and self.count == 0xFF) or (not inp["up"] and self.count == 0x00)))
        return {"count": self.count, "tc": tc}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
        elif inp["load"]:
            self.count = inp["din"]
        elif inp["en"]:
            self.count = (self.count + (1 if inp["up"] else -1)) & 0xFF


def stimulus(rng):
    def cyc(rst=0, en=0, load=0, up=0, din=0):
        return {"rst": rst, "en": en, "load": load, "up": up, "din": din}
    yield cyc(rst=1, en=1, load=1, up=1, din=0x55)
    yield cyc(rst=1, en=1, up=0)
    # count down from reset: wraps 00 -> FF
    for _ in range(3):
        yield cyc(en=1, up=0)
    # hold, with din toggling
    yield cyc(en=0, up=1, din=0x12)
    yield cyc(en=0, up=0, din=0x34)
    # load has priority over en, works with en low
    yield cyc(en=0, load=1, din=0xFD)
    for _ in range(5):
        yield cyc(en=1, up=1, din=0xFF)  # FD FE FF 00 01
    yield cyc(en=1, load=1, up=1, din=0xFF)
    yield cyc(en=1, up=1)  # tc here, wraps
    yield cyc(en=1, load=1, up=0, din=0x02)
    for _ in range(5):
        yield cyc(en=1, up=0)  # 02 01 00 FF FE
    yield cyc(load=1, din=0x00)
    yield cyc(en=1, load=1, up=0, din=0x80)  # load with count==0 and up==0: tc must be 0
    yield cyc(en=1, up=1)
    yield cyc(en=0, up=1)
    # reset in the middle of counting
    yield cyc(rst=1, en=1, up=1, load=1, din=0x77)
    yield cyc(en=1, up=1)
    yield cyc(en=1, up=1)
    yield cyc(rst=1, en=0)
    for d in (0x00, 0x7F, 0x80, 0xFF, 0x01, 0xFE):
        yield cyc(load=1, din=d)
        yield cyc(en=1, up=1)
        yield cyc(en=1, up=0)
        yield cyc(en=1, up=0)
    up = 1
    for _ in range(600):
        if rng.random() < 0.1:
            up ^= 1
        load = int(rng.random() < 0.06)
        din = rng.choice([0x00, 0x01, 0xFE, 0xFF, rng.randrange(256)])
        yield cyc(rst=int(rng.random() < 0.02), en=int(rng.random() < 0.7), load=load, up=up, din=din)


@cocotb.test()
async def test_counter_updown8(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = CounterModel()
    await run_checked(dut, model, stimulus(rng), ["count", "tc"],
                      init={"rst": 1, "en": 0, "load": 0, "up": 0, "din": 0})
