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


class ArbiterModel:
    def __init__(self):
        self.known = False
        self.ptr = 0

    def reset(self):
        self.known = True
        self.ptr = 0

    def _winner(self, req):
        for k in range(4):
            i = (self.ptr + k) % 4
            if (req >> i) & 1:
                return i
        return None

    def outputs(self, inp):
        if not self.known:
            return None
        w = self._winner(inp["req"])
        return {"grant": 0 if w is None else 1 << w}

    def step(self, inp):
        w = self._winner(inp["req"])
        if inp["rst"]:
            self.reset()
        elif w is not None:
            self.ptr = (w + 1) % 4


def stimulus(rng):
    def cyc(rst=0, req=0):
        return {"rst": rst, "req": req}
    yield cyc(rst=1, req=0xF)
    yield cyc(rst=1, req=0x8)
    # all requesting: strict rotation
    for _ in range(9):
        yield cyc(req=0xF)
    # no request keeps the pointer
    yield cyc(req=0x0)
    yield cyc(req=0x0)
    yield cyc(req=0xF)
    # every request pattern from every pointer position
    for p in range(4):
        for r in range(16):
            yield cyc(rst=1, req=0)
            if p:
                yield cyc(req=1 << (p - 1))  # sets ptr = p
            yield cyc(req=r)
            yield cyc(req=r)
            yield cyc(req=0xF ^ r)
    # pairs of requesters, holding requests
    for r in (0x3, 0x5, 0x9, 0x6, 0xA, 0xC, 0x7, 0xB, 0xD, 0xE):
        for _ in range(5):
            yield cyc(req=r)
    # reset in the middle of a rotation
    yield cyc(req=0xF)
    yield cyc(req=0xF)
    yield cyc(rst=1, req=0xF)
    yield cyc(req=0xF)
    yield cyc(req=0xF)
    for _ in range(800):
        yield cyc(rst=int(rng.random() < 0.01), req=rng.randrange(16))


@cocotb.test()
async def test_rr_arbiter4(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = ArbiterModel()
    await run_checked(dut, model, stimulus(rng), ["grant"], init={"rst": 1, "req": 0})
