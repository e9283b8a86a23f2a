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


class RamModel:
    def __init__(self):
        self.known = False
        self.mem = [None] * 16
        self.rdata = None

    def reset(self):
        self.known = True
        self.rdata = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"rdata": self.rdata}  # None (unwritten word) is not checked

    def step(self, inp):
        if inp["rst"]:
            self.reset()
        elif inp["en"]:
            if inp["we"]:
                self.mem[inp["addr"]] = inp["wdata"]
                self.rdata = inp["wdata"]
            else:
                self.rdata = self.mem[inp["addr"]]


def stimulus(rng):
    def cyc(rst=0, en=0, we=0, addr=0, wdata=0):
        return {"rst": rst, "en": en, "we": we, "addr": addr, "wdata": wdata}
    yield cyc(rst=1, en=1, we=1, addr=3, wdata=0x77)
    yield cyc(rst=1, en=1, we=1, addr=5, wdata=0x55)
    # write every address (output shows written data), with distinct patterns
    for a in range(16):
        yield cyc(en=1, we=1, addr=a, wdata=(a * 0x11) ^ 0xA5)
    # read back every address, reversed, with idle cycles in between
    for a in reversed(range(16)):
        yield cyc(en=1, addr=a, wdata=0xFF)
        yield cyc(en=0, we=1, addr=(a + 1) % 16, wdata=0x00)  # disabled write: no effect
    # write then read same address back to back; read during write shows new data
    for a in (0, 15, 7, 8, 1, 14):
        yield cyc(en=1, we=1, addr=a, wdata=rng.randrange(256))
        yield cyc(en=1, addr=a)
        yield cyc(en=1, addr=a ^ 1)
    # reset in the middle: memory kept, write during reset ignored
    yield cyc(en=1, addr=2)
    yield cyc(rst=1, en=1, we=1, addr=2, wdata=0x00)
    yield cyc(en=0)
    yield cyc(en=1, addr=2)
    yield cyc(en=1, addr=4)
    yield cyc(rst=1)
    for a in range(16):
        yield cyc(en=1, addr=a)
    for _ in range(800):
        yield cyc(rst=int(rng.random() < 0.01), en=int(rng.random() < 0.8), we=int(rng.random() < 0.4),
                  addr=rng.randrange(16), wdata=rng.randrange(256))


@cocotb.test()
async def test_ram16x8(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = RamModel()
    await run_checked(dut, model, stimulus(rng), ["rdata"],
                      init={"rst": 1, "en": 0, "we": 0, "addr": 0, "wdata": 0})
