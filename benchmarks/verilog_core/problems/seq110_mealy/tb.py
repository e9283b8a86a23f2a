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


class Seq110Model:
    def __init__(self):
        self.known = False
        self.state = "A"

    def reset(self):
        self.known = True
        self.state = "A"

    def outputs(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
        if not self.known:
            return None
        det = int(self.state == "C" and inp["in_valid"] == 1 and inp["din"] == 0)
        return {"detected": det}

    def step(self, inp):
        if inp["rst_n"] == 0:
            self.reset()
            return
        if inp["in_valid"]:
            if inp["din"] == 0:
                self.state = "A"
            else:
                self.state = "B" if self.state == "A" else "C"


def stimulus(rng):
    def cyc(rst_n=1, in_valid=1, din=0, pulse=False):
        c = {"rst_n": rst_n, "in_valid": in_valid, "din": din}
        if pulse:
            c["_arst_pulse"] = True
        return c
    yield cyc(rst_n=0, din=1)
    yield cyc(rst_n=0, din=1)
    for ch in "110" + "1110" + "11010110" + "0100" + "1010" + "11110":
        yield cyc(din=int(ch))
    # invalid cycles inside the pattern (din toggling on them)
    for v, d in ((1, 1), (0, 0), (1, 1), (0, 0), (0, 1), (0, 0), (1, 0), (0, 0), (1, 0)):
        yield cyc(in_valid=v, din=d)
    # invalid zero while in C must not detect nor clear
    for v, d in ((1, 1), (1, 1), (0, 0), (0, 0), (1, 0)):
        yield cyc(in_valid=v, din=d)
    # asynchronous reset with the final 0 pending: detection must drop at once
    yield cyc(din=1)
    yield cyc(din=1)
    yield cyc(din=0, pulse=True)
    yield cyc(din=1)
    yield cyc(din=1)
    yield cyc(rst_n=0, din=0)
    yield cyc(din=0)
    yield cyc(din=1)
    yield cyc(din=1)
    yield cyc(din=0)
    for _ in range(800):
        r = rng.random()
        yield cyc(rst_n=int(r >= 0.01), in_valid=int(rng.random() < 0.75), din=int(rng.random() < 0.6),
                  pulse=(0.01 <= r < 0.02))


@cocotb.test()
async def test_seq110_mealy(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = Seq110Model()
    await run_checked(dut, model, stimulus(rng), ["detected"],
                      init={"rst_n": 0, "in_valid": 0, "din": 0}, reset="rst_n", reset_active=0)
