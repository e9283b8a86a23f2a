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


PATTERN = (1, 0, 1, 1)


class Seq1011Model:
    """Tracks the longest suffix of the stream that is a prefix of 1011."""

    def __init__(self):
        self.known = False
        self.matched = 0

    def reset(self):
        self.known = True
        self.matched = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"detected": int(self.matched == 4)}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        hist = list(PATTERN[:self.matched]) + [inp["din"]]
        for k in range(min(4, len(hist)), -1, -1):
            if tuple(hist[len(hist) - k:]) == PATTERN[:k]:
                self.matched = k
                break


def stimulus(rng):
    def cyc(rst=0, din=0):
        return {"rst": rst, "din": din}
    yield cyc(rst=1, din=1)
    yield cyc(rst=1, din=1)
    directed = "1011011" + "0" + "10111" + "00" + "101011" + "1101" + "1011" + "0011" + "0100" + "1111" + "0000"
    for ch in directed:
        yield cyc(din=int(ch))
    # reset in the middle of a pattern: the prefix must be forgotten
    for ch in "101":
        yield cyc(din=int(ch))
    yield cyc(rst=1, din=1)
    for ch in "1011":
        yield cyc(din=int(ch))
    yield cyc(rst=1, din=1)  # reset while detected is high
    yield cyc(din=0)
    # reset arriving at the edge that would complete the pattern
    for ch in "101":
        yield cyc(din=int(ch))
    yield cyc(rst=1, din=1)
    yield cyc(din=1)
    for _ in range(700):
        # bias towards the pattern so that every state is visited often
        if rng.random() < 0.25:
            for ch in rng.choice(("1011", "10", "101", "011")):
                yield cyc(din=int(ch))
        else:
            yield cyc(rst=int(rng.random() < 0.02), din=int(rng.random() < 0.55))


@cocotb.test()
async def test_seq1011_moore(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = Seq1011Model()
    await run_checked(dut, model, stimulus(rng), ["detected"], init={"rst": 1, "din": 0})
