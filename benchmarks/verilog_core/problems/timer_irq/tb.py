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


class TimerModel:
    def __init__(self):
        self.known = False
        self.reload = self.count = self.running = self.irq = 0

    def reset(self):
        self.known = True
        self.reload, self.count, self.running, self.irq = 20, 20, 1, 0

    def outputs(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
        if not self.known:
            return None
        return {"count": self.count, "running": self.running, "irq": self.irq}

    def step(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
            return
        if inp["wr_en"]:
            self.reload = self.count = inp["wr_data"]
            self.running, self.irq = 1, 0
        elif self.running and inp["en"]:
            if self.count == 0:
                self.irq = 1
                if inp["periodic"]:
                    self.count = self.reload
                else:
                    self.running = 0
            else:
                self.count -= 1
                self.irq = 0
        else:
            self.irq = 0


def stimulus(rng, model):
    def cyc(rst_n=1, wr_en=0, wr_data=0, en=1, periodic=1, pulse=False):
        c = {"rst_n": rst_n, "wr_en": wr_en, "wr_data": wr_data, "en": en, "periodic": periodic}
        if pulse:
            c["_arst_pulse"] = True
        return c
    yield cyc(rst_n=0, wr_en=1, wr_data=3)
    yield cyc(rst_n=0, wr_en=1, wr_data=3)
    # default period out of reset: three expiries, with a pause in the middle
    for i in range(70):
        yield cyc(en=int(i not in (30, 31, 32)), wr_data=rng.randrange(256))
    # write a short period, periodic; then reload 0 (irq every cycle)
    yield cyc(wr_en=1, wr_data=3)
    for _ in range(12):
        yield cyc()
    yield cyc(wr_en=1, wr_data=0)
    for _ in range(4):
        yield cyc()
    # one-shot: stops at 0, stays stopped, en toggling
    yield cyc(wr_en=1, wr_data=5, periodic=0)
    for i in range(12):
        yield cyc(periodic=int(i > 7), en=int(i != 2))
    # write exactly at an expiry, write while stopped, write while paused
    yield cyc(wr_en=1, wr_data=2)
    yield cyc()
    yield cyc()
    yield cyc(wr_en=1, wr_data=0xFF)
    for _ in range(3):
        yield cyc(en=0)
    yield cyc(wr_en=1, wr_data=1, en=0)
    for _ in range(5):
        yield cyc()
    # wrap check: large reload
    yield cyc(wr_en=1, wr_data=0x80)
    for _ in range(130):
        yield cyc()
    # every bit of the reload register, seen through a periodic reload (red team 16: a design that
    # kept only some reload bits passed): for each bit k, in a drawn order, a reload value with bit k
    # set and random lower bits, run to its expiry and a few cycles past it, so the reloaded count
    # shows the whole value; then 0xFF, the top of the range
    bits = list(range(8))
    rng.shuffle(bits)
    for k in bits + [None]:
        value = 0xFF if k is None else (1 << k) | rng.randrange(1 << k)
        yield cyc(wr_en=1, wr_data=value)
        for _ in range(value + 1 + rng.randint(2, 4)):
            yield cyc(wr_data=rng.randrange(256))
    # asynchronous reset in the middle, then the default period again
    yield cyc(wr_en=1, wr_data=7)
    yield cyc()
    yield cyc(rst_n=0, wr_en=1, wr_data=9)
    for _ in range(45):
        yield cyc(periodic=1)
    yield cyc(wr_en=1, wr_data=4)
    yield cyc(pulse=True)
    for _ in range(25):
        yield cyc()
    for _ in range(900):
        r = rng.random()
        wr = int(rng.random() < 0.03)
        yield cyc(rst_n=int(r >= 0.003), wr_en=wr, wr_data=rng.choice((0, 1, 2, rng.randrange(32), rng.randrange(256))),
                  en=int(rng.random() < 0.85), periodic=int(rng.random() < 0.8), pulse=(0.003 <= r < 0.006))


@cocotb.test()
async def test_timer_irq(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = TimerModel()
    await run_checked(dut, model, stimulus(rng, model), ["count", "running", "irq"],
                      init={"rst_n": 0, "wr_en": 0, "wr_data": 0, "en": 1, "periodic": 1},
                      reset="rst_n", reset_active=0)
