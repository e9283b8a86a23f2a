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


class SipoModel:
    def __init__(self):
        self.known = False
        self.q = self.cnt = self.done = 0

    def reset(self):
        self.known = True
        self.q = self.cnt = self.done = 0

    def outputs(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
        if not self.known:
            return None
        return {"q": self.q, "done": self.done}

    def step(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
            return
        if inp["en"]:
            self.q = ((self.q << 1) & 0xFF) | inp["sin"]
            if self.cnt == 7:
                self.cnt, self.done = 0, 1
            else:
                self.cnt, self.done = self.cnt + 1, 0
        else:
            self.done = 0


def stimulus(rng):
    def cyc(rst_n=1, en=0, sin=0, pulse=False):
        c = {"rst_n": rst_n, "en": en, "sin": sin}
        if pulse:
            c["_arst_pulse"] = True
        return c
    yield cyc(rst_n=0, en=1, sin=1)
    yield cyc(rst_n=0, en=1, sin=1)
    # back-to-back bytes, MSB first
    for byte in (0xA5, 0x3C, 0xFF, 0x00, 0x81):
        for i in range(7, -1, -1):
            yield cyc(en=1, sin=(byte >> i) & 1)
    yield cyc(en=0, sin=1)
    yield cyc(en=0, sin=0)
    # a byte with gaps between bits
    for i in range(7, -1, -1):
        yield cyc(en=1, sin=(0x6B >> i) & 1)
        yield cyc(en=0, sin=rng.randrange(2))
    # asynchronous reset mid-byte, then a full byte counted from the reset
    for i in range(3):
        yield cyc(en=1, sin=1)
    yield cyc(rst_n=0, en=1, sin=1)
    for i in range(7, -1, -1):
        yield cyc(en=1, sin=(0xC9 >> i) & 1)
    yield cyc(en=1, sin=1)
    yield cyc(en=1, sin=0, pulse=True)
    for i in range(7, -1, -1):
        yield cyc(en=1, sin=(0x17 >> i) & 1)
    for _ in range(700):
        r = rng.random()
        yield cyc(rst_n=int(r >= 0.01), en=int(rng.random() < 0.8), sin=rng.randrange(2),
                  pulse=(0.01 <= r < 0.02))


@cocotb.test()
async def test_sipo8(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = SipoModel()
    await run_checked(dut, model, stimulus(rng), ["q", "done"],
                      init={"rst_n": 0, "en": 0, "sin": 0}, reset="rst_n", reset_active=0)
