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


class PisoModel:
    def __init__(self):
        self.known = False
        self.sr = self.busy = self.cnt = 0

    def reset(self):
        self.known = True
        self.sr = self.busy = self.cnt = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"sout": (self.sr >> 7) & 1, "busy": self.busy}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
        elif inp["load"] and not self.busy:
            self.sr, self.busy = inp["din"], 1
        else:
            self.sr = (self.sr << 1) & 0xFF
            if self.busy:
                if self.cnt == 7:
                    self.busy = 0
                self.cnt = (self.cnt + 1) & 7


def stimulus(rng):
    def cyc(rst=0, load=0, din=0):
        return {"rst": rst, "load": load, "din": din}
    yield cyc(rst=1, load=1, din=0xFF)
    yield cyc(rst=1, load=1, din=0xFF)
    for _ in range(9):
        yield cyc()
    # one word, then idle
    yield cyc(load=1, din=0xB4)
    for _ in range(11):
        yield cyc(din=0xFF)
    # load held high permanently: words separated by one idle cycle,
    # din changing while busy must be ignored
    for word in (0xFF, 0x01, 0x80, 0x5A):
        for _ in range(9):
            yield cyc(load=1, din=word)
            word = rng.randrange(256)
    # reset in the middle of a word
    yield cyc(load=1, din=0xE7)
    yield cyc()
    yield cyc()
    yield cyc(rst=1, load=1, din=0x99)
    for _ in range(9):
        yield cyc(din=0x99)
    yield cyc(load=1, din=0x42)
    for _ in range(10):
        yield cyc(load=0)
    for _ in range(700):
        yield cyc(rst=int(rng.random() < 0.01), load=int(rng.random() < 0.3), din=rng.randrange(256))


@cocotb.test()
async def test_piso8(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = PisoModel()
    await run_checked(dut, model, stimulus(rng), ["sout", "busy"],
                      init={"rst": 1, "load": 0, "din": 0})
