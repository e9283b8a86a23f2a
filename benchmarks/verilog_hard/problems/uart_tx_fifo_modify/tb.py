import random

import cocotb

from harness.tbkit import run_cycles, tb_seed

N = 4


class UartFifoModel:
    def __init__(self):
        self.known = False

    def reset(self):
        self.known = True
        self.fifo = []
        self.levels = []

    def outputs(self, inp):
        if not self.known:
            return None
        busy = int(bool(self.levels))
        return {"tx": self.levels[0] if busy else 1, "busy": busy, "level": len(self.fifo),
                "full": int(len(self.fifo) == 8)}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        if not self.known:
            return
        push = inp["wr_en"] and len(self.fifo) < 8
        if self.levels:
            self.levels.pop(0)
        elif self.fifo:
            d = self.fifo.pop(0)
            bits = [0] + [(d >> i) & 1 for i in range(8)] + [1] * (2 if inp["stop2"] else 1)
            self.levels = [b for b in bits for _ in range(N)]
        if push:
            self.fifo.append(inp["wr_data"])


def stimulus(rng, model):
    def cyc(rst=0, wr=0, s2=None):
        return {"rst": rst, "wr_en": wr, "wr_data": rng.getrandbits(8),
                "stop2": rng.getrandbits(1) if s2 is None else s2}
    yield cyc(rst=1, wr=1)
    yield cyc(rst=1)
    # example of the specification: two pushes, one stop bit
    yield cyc(wr=1, s2=0)
    yield cyc(wr=1, s2=0)
    for _ in range(100):
        yield cyc(s2=0)
    # fill the FIFO completely (writes beyond full dropped), two stop bits
    for _ in range(14):
        yield cyc(wr=1, s2=1)
    while model.fifo or model.levels:
        yield cyc(wr=int(rng.random() < 0.05 and len(model.fifo) < 2 and len(model.levels) > 30))
    # write exactly when a pop happens while full
    for _ in range(12):
        yield cyc(wr=1)
    for _ in range(250):
        yield cyc(wr=int(len(model.fifo) >= 7), s2=rng.getrandbits(1))
    # reset in the middle of a frame with bytes queued
    for cut in (3, 20, 39, 42):
        for _ in range(3):
            yield cyc(wr=1)
        for _ in range(cut):
            yield cyc()
        yield cyc(rst=1, wr=1)
        yield cyc()
    for _ in range(1100):
        yield cyc(rst=int(rng.random() < 0.002), wr=int(rng.random() < 0.03))


@cocotb.test()
async def test_uart_tx_fifo(dut):
    rng = random.Random(tb_seed())
    model = UartFifoModel()
    await run_cycles(dut, model, stimulus(rng, model), ["tx", "busy", "level", "full"],
                     init={"rst": 1, "wr_en": 0, "wr_data": 0, "stop2": 0})
