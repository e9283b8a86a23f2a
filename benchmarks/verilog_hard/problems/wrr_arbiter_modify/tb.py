import random

import cocotb

from harness.tbkit import run_cycles, tb_seed


class WrrModel:
    def __init__(self):
        self.known = False

    def decide(self, inp):
        req, wt = inp["req"], inp["weight"]
        w = (wt >> (4 * self.last)) & 0xF or 1
        if req >> self.last & 1 and self.used != 0 and self.used < w:
            return self.last, True
        for k in range(1, 5):
            i = (self.last + k) % 4
            if req >> i & 1:
                return i, False
        return None, False

    def outputs(self, inp):
        if not self.known:
            return None
        g, _ = self.decide(inp)
        return {"grant": 0 if g is None else 1 << g}

    def step(self, inp):
        if inp["rst"]:
            self.known, self.last, self.used = True, 3, 0
            return
        if not self.known:
            return
        g, hold = self.decide(inp)
        if g is None:
            self.used = 0
        elif hold:
            self.used += 1
        else:
            self.last, self.used = g, 1


def stimulus(rng):
    def cyc(rst=0, req=0, wt=0):
        return {"rst": rst, "req": req, "weight": wt}
    yield cyc(rst=1, req=15)
    ex = 2 | (1 << 4) | (3 << 8) | (1 << 12)
    for _ in range(20):
        yield cyc(req=15, wt=ex)
    # weights 0 and 15, single requesters, dropped requests
    for wt in (0x0000, 0xFFFF, 0xF0F0, 0x1234, 0x0F00, 0x8421):
        yield cyc(rst=1, req=15, wt=wt)
        for _ in range(40):
            yield cyc(req=15, wt=wt)
        for _ in range(20):
            yield cyc(req=rng.choice((1, 2, 4, 8, 3, 12, 0)), wt=wt)
        for _ in range(40):
            yield cyc(req=rng.getrandbits(4), wt=wt)
    wt = rng.getrandbits(16)
    for _ in range(900):
        if rng.random() < 0.05:
            wt = rng.getrandbits(16)
        r = rng.random()
        req = 15 if r < 0.3 else rng.getrandbits(4) if r < 0.9 else 0
        yield cyc(rst=int(rng.random() < 0.004), req=req, wt=wt)


@cocotb.test()
async def test_wrr(dut):
    rng = random.Random(tb_seed())
    model = WrrModel()
    await run_cycles(dut, model, stimulus(rng), ["grant"], init={"rst": 1, "req": 0, "weight": 0})
