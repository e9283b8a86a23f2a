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


class PwmModel:
    def __init__(self):
        self.known = False
        self.cnt = self.duty_q = 0

    def reset(self):
        self.known = True
        self.cnt = self.duty_q = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"pwm": int(self.cnt < self.duty_q), "cnt": self.cnt}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        if self.cnt == 255:
            self.duty_q = inp["duty"]
        self.cnt = (self.cnt + 1) & 0xFF


def stimulus(rng, model):
    def cyc(rst=0, duty=0):
        return {"rst": rst, "duty": duty}
    yield cyc(rst=1, duty=0x80)
    yield cyc(rst=1, duty=0xFF)
    # periods with chosen duties; duty jitters except at the wrap edge
    for d in (0xFF, 0x00, 0x01, 0x80, 0xFE, 0x7F):
        for _ in range(256):
            at_wrap = model.cnt == 255
            yield cyc(duty=d if at_wrap else rng.randrange(256))
    # reset in the middle of a period
    for _ in range(100):
        yield cyc(duty=rng.randrange(256))
    yield cyc(rst=1, duty=0x40)
    for _ in range(300):
        yield cyc(duty=0x40 if model.cnt in (254, 255, 0) else rng.randrange(256))
    # random duty every cycle, occasional reset
    for _ in range(900):
        yield cyc(rst=int(rng.random() < 0.002), duty=rng.randrange(256))


@cocotb.test()
async def test_pwm8(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = PwmModel()
    await run_checked(dut, model, stimulus(rng, model), ["pwm", "cnt"], init={"rst": 1, "duty": 0})
