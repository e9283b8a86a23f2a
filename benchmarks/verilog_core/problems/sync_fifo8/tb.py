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


class FifoModel:
    def __init__(self):
        self.known = False
        self.q = []
        self.rd_data = 0

    def reset(self):
        self.known = True
        self.q = []
        self.rd_data = 0

    def outputs(self, inp):
        if not self.known:
            return None
        n = len(self.q)
        return {"rd_data": self.rd_data, "full": int(n == 8), "empty": int(n == 0), "count": n}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        do_write = inp["wr_en"] and len(self.q) < 8
        do_read = inp["rd_en"] and len(self.q) > 0
        if do_read:
            self.rd_data = self.q.pop(0)
        if do_write:
            self.q.append(inp["wr_data"])


def stimulus(rng):
    def cyc(rst=0, wr_en=0, wr_data=0, rd_en=0):
        return {"rst": rst, "wr_en": wr_en, "wr_data": wr_data, "rd_en": rd_en}
    yield cyc(rst=1, wr_en=1, wr_data=0x11, rd_en=1)
    yield cyc(rst=1, wr_en=1, wr_data=0x22)
    # read from empty: ignored; read+write on empty: only the write
    yield cyc(rd_en=1)
    yield cyc(wr_en=1, wr_data=0xA1, rd_en=1)
    yield cyc(rd_en=1)
    yield cyc(rd_en=1)
    # fill to full and beyond (writes dropped), then read+write when full
    for i in range(10):
        yield cyc(wr_en=1, wr_data=0x10 + i)
    yield cyc(wr_en=1, wr_data=0xEE, rd_en=1)
    yield cyc(wr_en=1, wr_data=0x3C)
    yield cyc(wr_en=1, wr_data=0xEF)
    # drain completely and beyond
    for _ in range(10):
        yield cyc(rd_en=1, wr_data=0xFF)
    # simultaneous read/write at various levels, wrapping the pointers several times
    for i in range(5):
        yield cyc(wr_en=1, wr_data=0x40 + i)
    for i in range(20):
        yield cyc(wr_en=1, wr_data=0x80 + i, rd_en=1)
    for i in range(3):
        yield cyc(rd_en=1)
    # reset in the middle with data stored, and with requests active
    yield cyc(rst=1, wr_en=1, wr_data=0x99, rd_en=1)
    yield cyc(rd_en=1)
    yield cyc(wr_en=1, wr_data=0x5A)
    yield cyc(wr_en=1, wr_data=0xA5)
    yield cyc(rd_en=1)
    yield cyc(rd_en=1)
    yield cyc()
    bias = 0.5
    for i in range(900):
        if i % 40 == 0:
            bias = rng.choice((0.2, 0.5, 0.8))
        yield cyc(rst=int(rng.random() < 0.005), wr_en=int(rng.random() < bias),
                  wr_data=rng.randrange(256), rd_en=int(rng.random() < 1.0 - bias + 0.05))


@cocotb.test()
async def test_sync_fifo8(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = FifoModel()
    await run_checked(dut, model, stimulus(rng), ["rd_data", "full", "empty", "count"],
                      init={"rst": 1, "wr_en": 0, "wr_data": 0, "rd_en": 0})
