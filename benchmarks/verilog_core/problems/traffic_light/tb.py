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


LAST = {"GREEN": 9, "YELLOW": 2, "WALK": 4, "CLEAR": 2}
NEXT = {"YELLOW": "WALK", "WALK": "CLEAR", "CLEAR": "GREEN"}


class TrafficModel:
    def __init__(self):
        self.known = False
        self.phase, self.timer, self.pending = "GREEN", 0, 0

    def reset(self):
        self.known = True
        self.phase, self.timer, self.pending = "GREEN", 0, 0

    def outputs(self, inp):
        if not self.known:
            return None
        p = self.phase
        return {"car_green": int(p == "GREEN"), "car_yellow": int(p == "YELLOW"),
                "car_red": int(p in ("WALK", "CLEAR")), "walk": int(p == "WALK"),
                "ped_wait": self.pending}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        phase, timer, pending = self.phase, self.timer, self.pending
        if phase == "WALK":
            self.pending = 0
        elif inp["ped_req"]:
            self.pending = 1
        if phase == "GREEN":
            if timer == LAST["GREEN"]:
                if pending:
                    self.phase, self.timer = "YELLOW", 0
            else:
                self.timer = timer + 1
        elif timer == LAST[phase]:
            self.phase, self.timer = NEXT[phase], 0
        else:
            self.timer = timer + 1


def stimulus(rng):
    def cyc(rst=0, ped_req=0):
        return {"rst": rst, "ped_req": ped_req}
    yield cyc(rst=1, ped_req=1)
    yield cyc(rst=1, ped_req=1)
    # request right after reset: earliest possible yellow, then a whole cycle
    yield cyc(ped_req=1)
    for _ in range(25):
        yield cyc()
    # long idle green, then a request: yellow follows 2 cycles later
    for _ in range(20):
        yield cyc()
    yield cyc(ped_req=1)
    for _ in range(4):
        yield cyc()
    # requests during yellow, walk (ignored) and clear
    yield cyc(ped_req=1)
    for _ in range(4):
        yield cyc()
    yield cyc(ped_req=1)  # during WALK: ignored
    yield cyc(ped_req=1)
    for _ in range(12):
        yield cyc()
    for _ in range(12):
        yield cyc(ped_req=1)
    for _ in range(10):
        yield cyc()
    # request held permanently: back-to-back pedestrian cycles
    for _ in range(60):
        yield cyc(ped_req=1)
    # reset in the middle of a phase with a pending request
    for _ in range(5):
        yield cyc(ped_req=1)
    yield cyc(rst=1, ped_req=1)
    for _ in range(14):
        yield cyc()
    yield cyc(ped_req=1)
    for _ in range(13):
        yield cyc()
    yield cyc(rst=1)
    for _ in range(12):
        yield cyc()
    for _ in range(900):
        yield cyc(rst=int(rng.random() < 0.005), ped_req=int(rng.random() < 0.08))


@cocotb.test()
async def test_traffic_light(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = TrafficModel()
    await run_checked(dut, model, stimulus(rng),
                      ["car_green", "car_yellow", "car_red", "walk", "ped_wait"],
                      init={"rst": 1, "ped_req": 0})
