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


class MacModel:
    def __init__(self):
        self.known = False
        self.s1 = None  # (valid, clear, a, b)
        self.s2 = None  # (valid, clear, product)
        self.out_valid = 0
        self.acc = 0

    def reset(self):
        self.known = True
        self.s1 = (0, 0, 0, 0)
        self.s2 = (0, 0, 0)
        self.out_valid = 0
        self.acc = 0

    def outputs(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
        if not self.known:
            return None
        return {"out_valid": self.out_valid, "acc": self.acc}

    def step(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
            return
        v2, c2, p2 = self.s2
        v1, c1, a1, b1 = self.s1
        self.out_valid = v2
        if v2:
            self.acc = p2 if c2 else (self.acc + p2) & 0xFFFFF
        self.s2 = (v1, c1, a1 * b1)
        self.s1 = (inp["in_valid"], inp["clear"], inp["a"], inp["b"])


def stimulus(rng):
    def cyc(rst_n=1, in_valid=0, clear=0, a=0, b=0, pulse=False):
        c = {"rst_n": rst_n, "in_valid": in_valid, "clear": clear, "a": a, "b": b}
        if pulse:
            c["_arst_pulse"] = True
        return c
    yield cyc(rst_n=0, in_valid=1, clear=1, a=3, b=4)
    yield cyc(rst_n=0, in_valid=1, a=5, b=6)
    # single samples, then a continuous stream
    yield cyc(in_valid=1, a=2, b=3)
    for _ in range(4):
        yield cyc(a=rng.randrange(256), b=rng.randrange(256), clear=rng.randrange(2))
    for i in range(10):
        yield cyc(in_valid=1, a=0xFF, b=0xFF - i)
    # clear with a valid sample restarts, clear without valid is ignored
    yield cyc(in_valid=1, clear=1, a=7, b=9)
    yield cyc(in_valid=0, clear=1, a=1, b=1)
    yield cyc(in_valid=1, a=1, b=1)
    yield cyc(in_valid=1, clear=1, a=0, b=0)
    yield cyc(in_valid=1, a=0x80, b=0x02)
    for _ in range(4):
        yield cyc()
    # wrap-around of the 20-bit accumulator
    for _ in range(20):
        yield cyc(in_valid=1, a=0xFF, b=0xFF)
    for _ in range(3):
        yield cyc(b=0xFF)
    # asynchronous reset with samples in every stage
    for i in range(3):
        yield cyc(in_valid=1, a=10 + i, b=20 + i)
    yield cyc(rst_n=0, in_valid=1, a=9, b=9)
    yield cyc(in_valid=1, a=4, b=4)
    for _ in range(4):
        yield cyc(in_valid=1, a=rng.randrange(256), b=rng.randrange(256))
    yield cyc(in_valid=1, a=5, b=5, pulse=True)
    for _ in range(4):
        yield cyc()
    for _ in range(900):
        r = rng.random()
        yield cyc(rst_n=int(r >= 0.005), in_valid=int(rng.random() < 0.7),
                  clear=int(rng.random() < 0.05), a=rng.randrange(256), b=rng.randrange(256),
                  pulse=(0.005 <= r < 0.01))


@cocotb.test()
async def test_mac_pipe(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = MacModel()
    await run_checked(dut, model, stimulus(rng), ["out_valid", "acc"],
                      init={"rst_n": 0, "in_valid": 0, "clear": 0, "a": 0, "b": 0},
                      reset="rst_n", reset_active=0)
