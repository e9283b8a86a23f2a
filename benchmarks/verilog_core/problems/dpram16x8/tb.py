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


class DpramModel:
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
        old = list(self.mem)
        if inp["we"]:
            self.mem[inp["waddr"]] = inp["wdata"]
        if inp["rst"]:
            self.reset()
        elif inp["re"]:
            self.rdata = old[inp["raddr"]]


def stimulus(rng):
    def cyc(rst=0, we=0, waddr=0, wdata=0, re=0, raddr=0):
        return {"rst": rst, "we": we, "waddr": waddr, "wdata": wdata, "re": re, "raddr": raddr}
    yield cyc(rst=1, re=1)
    # writes during reset are performed
    yield cyc(rst=1, we=1, waddr=0, wdata=0x3E, re=1, raddr=0)
    for a in range(1, 16):
        yield cyc(we=1, waddr=a, wdata=((a * 0x13) ^ 0x5C) & 0xFF, re=1, raddr=a - 1)
    for a in range(16):
        yield cyc(re=1, raddr=15 - a)
    # read-during-write to the same address returns the old word, then the new one
    for a in (0, 5, 10, 15):
        yield cyc(we=1, waddr=a, wdata=0xC0 | a, re=1, raddr=a)
        yield cyc(re=1, raddr=a)
        yield cyc(we=1, waddr=a, wdata=0x0F ^ a, re=0, raddr=a)
        yield cyc(re=0, raddr=a ^ 3)
        yield cyc(re=1, raddr=a)
    # simultaneous accesses to different addresses
    for a in range(8):
        yield cyc(we=1, waddr=a, wdata=rng.randrange(256), re=1, raddr=a + 8)
    # reset in the middle: rdata cleared, read during reset ignored, memory kept
    yield cyc(re=1, raddr=3)
    yield cyc(rst=1, re=1, raddr=4)
    yield cyc(re=0)
    yield cyc(re=1, raddr=4)
    yield cyc(rst=1, we=1, waddr=9, wdata=0x99, re=1, raddr=9)
    yield cyc(re=1, raddr=9)
    for _ in range(800):
        waddr = rng.randrange(16)
        raddr = waddr if rng.random() < 0.25 else rng.randrange(16)
        yield cyc(rst=int(rng.random() < 0.01), we=int(rng.random() < 0.5), waddr=waddr,
                  wdata=rng.randrange(256), re=int(rng.random() < 0.7), raddr=raddr)


@cocotb.test()
async def test_dpram16x8(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = DpramModel()
    await run_checked(dut, model, stimulus(rng), ["rdata"],
                      init={"rst": 1, "we": 0, "waddr": 0, "wdata": 0, "re": 0, "raddr": 0})
