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


class SkidModel:
    def __init__(self):
        self.known = False
        self.out_valid = self.out_data = self.sk_valid = self.sk_data = 0

    def reset(self):
        self.known = True
        self.out_valid, self.out_data, self.sk_valid = 0, 0, 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"m_valid": self.out_valid, "m_data": self.out_data, "s_ready": 1 - self.sk_valid}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        s_ready = 1 - self.sk_valid
        if not self.out_valid or inp["m_ready"]:
            if self.sk_valid:
                self.out_data, self.out_valid, self.sk_valid = self.sk_data, 1, 0
            elif inp["s_valid"]:
                self.out_data, self.out_valid = inp["s_data"], 1
            else:
                self.out_valid = 0
        elif inp["s_valid"] and s_ready:
            self.sk_data, self.sk_valid = inp["s_data"], 1


class Scoreboard:
    """Independent end-to-end check: words come out in order, none lost or duplicated."""

    def __init__(self):
        self.sent = []
        self.received = []
        self.total = 0

    def observe(self, inp, outs):
        if inp["rst"]:
            self.sent, self.received = [], []
            return
        if inp["s_valid"] and outs["s_ready"]:
            self.sent.append(inp["s_data"])
        if outs["m_valid"] and inp["m_ready"]:
            self.received.append(outs["m_data"])
            self.total += 1
        assert self.received == self.sent[:len(self.received)], "order/loss error"


def stimulus(rng, model, board):
    data = [0]

    def cyc(rst=0, s_valid=0, m_ready=0):
        data[0] = (data[0] * 37 + 11) & 0xFF if s_valid else rng.randrange(256)
        inp = {"rst": rst, "s_valid": s_valid, "s_data": data[0], "m_ready": m_ready}
        if model.known:
            board.observe(inp, model.outputs(inp))
        return inp
    yield cyc(rst=1, s_valid=1, m_ready=1)
    yield cyc(rst=1, s_valid=1, m_ready=0)
    # full throughput stream
    for _ in range(12):
        yield cyc(s_valid=1, m_ready=1)
    # stall: first word parks in the output reg, next in the skid, then s_ready drops
    for _ in range(5):
        yield cyc(s_valid=1, m_ready=0)
    # release: skid drains first, then streaming resumes
    for _ in range(6):
        yield cyc(s_valid=1, m_ready=1)
    # alternating ready / valid patterns
    for i in range(16):
        yield cyc(s_valid=1, m_ready=i % 2)
    for i in range(16):
        yield cyc(s_valid=i % 2, m_ready=1)
    for i in range(12):
        yield cyc(s_valid=int(i % 3 != 0), m_ready=int(i % 4 != 1))
    # drain completely
    for _ in range(4):
        yield cyc(s_valid=0, m_ready=1)
    # empty buffer with m_ready low: word must still enter the output register
    yield cyc(s_valid=1, m_ready=0)
    yield cyc(s_valid=0, m_ready=0)
    yield cyc(s_valid=0, m_ready=1)
    yield cyc(s_valid=0, m_ready=1)
    # reset while both slots are full
    yield cyc(s_valid=1, m_ready=0)
    yield cyc(s_valid=1, m_ready=0)
    yield cyc(s_valid=1, m_ready=0)
    yield cyc(rst=1, s_valid=1, m_ready=1)
    yield cyc(s_valid=0, m_ready=1)
    yield cyc(s_valid=1, m_ready=1)
    yield cyc(s_valid=1, m_ready=0)
    yield cyc(s_valid=1, m_ready=0)
    yield cyc(rst=1, s_valid=0, m_ready=0)
    pv, pr = 0.7, 0.7
    for i in range(900):
        if i % 50 == 0:
            pv, pr = rng.choice((0.3, 0.7, 0.95)), rng.choice((0.3, 0.7, 0.95))
        yield cyc(rst=int(rng.random() < 0.005), s_valid=int(rng.random() < pv),
                  m_ready=int(rng.random() < pr))


@cocotb.test()
async def test_skid_buffer(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = SkidModel()
    board = Scoreboard()
    await run_checked(dut, model, stimulus(rng, model, board), ["m_valid", "m_data", "s_ready"],
                      init={"rst": 1, "s_valid": 0, "s_data": 0, "m_ready": 0})
    assert board.total > 150, f"only {board.total} words transferred"
