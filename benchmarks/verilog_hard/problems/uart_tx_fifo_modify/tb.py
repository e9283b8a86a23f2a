"""uart_tx_fifo through the trusted wrapper ``hweval_uart_tx_fifo_wrap``: instance u<N> has
CLKS_PER_BIT = N (2, 4, 7, 23, 256; the specification allows 2..256) and its own inputs and
outputs suffixed by N (one clock for all). Each instance gets its own stimulus stream (the
specification's example, a full FIFO, pushes while full, resets in the middle of a frame, random
traffic with rare resets) and is checked every cycle against a model of the specification. 256
gets a short stream (one frame is 2,816 cycles)."""
import cocotb

from harness.tbkit import run_cycles, tb_rng

NS = (2, 4, 7, 23, 256)
NAMES = ("rst", "wr_en", "wr_data", "stop2")
# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("clk",
                 "rst2", "wr_en2", "wr_data2", "stop22", "full2", "level2", "tx2", "busy2",
                 "rst4", "wr_en4", "wr_data4", "stop24", "full4", "level4", "tx4", "busy4",
                 "rst7", "wr_en7", "wr_data7", "stop27", "full7", "level7", "tx7", "busy7",
                 "rst23", "wr_en23", "wr_data23", "stop223", "full23", "level23", "tx23", "busy23",
                 "rst256", "wr_en256", "wr_data256", "stop2256", "full256", "level256", "tx256", "busy256")


class UartFifoModel:
    def __init__(self, n):
        self.n = n
        self.known = False
        self.done = False

    def reset(self):
        self.known = True
        self.fifo = []
        self.levels = []

    def outputs(self):
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
            self.levels = [b for b in bits for _ in range(self.n)]
        if push:
            self.fifo.append(inp["wr_data"])


class Bank:
    """The models of every instance, as one model for run_cycles (inputs and outputs suffixed by N)."""

    def __init__(self):
        self.models = {n: UartFifoModel(n) for n in NS}

    def outputs(self, inp):
        out = {}
        for n, model in self.models.items():
            got = model.outputs()
            out.update({f"{k}{n}": (None if got is None else got[k]) for k in ("tx", "busy", "level", "full")})
        return out

    def step(self, inp):
        for n, model in self.models.items():
            model.step({k: inp[f"{k}{n}"] for k in NAMES})


def stream(rng, model):
    """The endless input stream of one instance; ``model.done`` once its checks are all given."""
    n = model.n
    frame = 11 * n + 1

    def cyc(rst=0, wr=0, s2=None):
        return {"rst": rst, "wr_en": wr, "wr_data": rng.getrandbits(8),
                "stop2": rng.getrandbits(1) if s2 is None else s2}
    yield cyc(rst=1, wr=1)
    yield cyc(rst=1)
    if n == 256:  # one frame with two stop bits, then a reset inside a data bit of the next
        for _ in range(2):
            yield cyc(wr=1, s2=1)
        for _ in range(frame + 3 * n + 1):
            yield cyc(s2=1)
        yield cyc(rst=1, wr=1)
        for _ in range(5):
            yield cyc()
    else:
        # example of the specification: two pushes, one stop bit
        yield cyc(wr=1, s2=0)
        yield cyc(wr=1, s2=0)
        for _ in range(2 * frame + 10):
            yield cyc(s2=0)
        # fill the FIFO completely (writes beyond full dropped), two stop bits
        for _ in range(14):
            yield cyc(wr=1, s2=1)
        while model.fifo or model.levels:
            yield cyc(wr=int(rng.random() < 0.05 and len(model.fifo) < 2 and 2 * n < len(model.levels) <= 2 * n + 14))
        # write exactly when a pop happens while full
        for _ in range(12):
            yield cyc(wr=1)
        for _ in range(25 * n + 150):
            yield cyc(wr=int(len(model.fifo) >= 7), s2=rng.getrandbits(1))
        # reset in the start bit, a data bit, the stop bit and its last cycle, with bytes queued
        for cut in (1, 3 * n + 1, 9 * n + 2, 10 * n + 1):
            for _ in range(3):
                yield cyc(wr=1)
            for _ in range(cut):
                yield cyc()
            yield cyc(rst=1, wr=1)
            yield cyc()
        for _ in range(1100):
            yield cyc(rst=int(rng.random() < 0.02 / n), wr=int(rng.random() < 0.3 / n))
    model.done = True
    while True:
        yield cyc(rst=int(rng.random() < 0.02 / n), wr=int(rng.random() < 0.3 / n))


def stimulus(bank):
    streams = {n: stream(tb_rng(f"uart_tx_fifo{n}"), model) for n, model in bank.models.items()}
    while True:
        inp = {}
        for n, gen in streams.items():
            inp.update({f"{name}{n}": value for name, value in next(gen).items()})
        if all(model.done for model in bank.models.values()):
            return
        yield inp


@cocotb.test()
async def test_uart_tx_fifo(dut):
    bank = Bank()
    outputs = [f"{name}{n}" for n in NS for name in ("tx", "busy", "level", "full")]
    init = {f"{name}{n}": value for n in NS for name, value in (("rst", 1), ("wr_en", 0), ("wr_data", 0), ("stop2", 0))}
    await run_cycles(dut, bank, stimulus(bank), outputs, init=init)
