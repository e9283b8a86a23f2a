"""uart_tx at several CLKS_PER_BIT values at once, through the trusted wrapper (wrap.v).

Instance u<N> has CLKS_PER_BIT = N and its own rst<N>/valid<N>/data<N> inputs and tx<N>/busy<N>
outputs (one clock for all). Each instance is driven by its own stimulus stream (directed
checks timed for its N, then constrained-random traffic) and checked every cycle, cycle-exact,
against a line-level model of the spec. The run ends when every stream has had its directed and
random parts; the shorter streams go on with random traffic until then.
"""
import cocotb

from harness.tbkit import run_cycles, tb_rng

NS = (2, 4, 7, 23, 256)  # the wrapper's instances; 256 (the top of the range) gets a short stream
# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("clk",
                 "rst2", "valid2", "data2", "tx2", "busy2",
                 "rst4", "valid4", "data4", "tx4", "busy4",
                 "rst7", "valid7", "data7", "tx7", "busy7",
                 "rst23", "valid23", "data23", "tx23", "busy23",
                 "rst256", "valid256", "data256", "tx256", "busy256")


class UartModel:
    """Line-level model of one instance: the remaining frame is kept as a list of tx levels."""

    def __init__(self, n):
        self.n = n
        self.known = False  # before the first reset the outputs are not checked
        self.levels = []
        self.done = False  # the stream has had its directed and random parts

    def outputs(self):
        if not self.known:
            return {f"tx{self.n}": None, f"busy{self.n}": None}
        busy = int(bool(self.levels))
        return {f"tx{self.n}": self.levels[0] if busy else 1, f"busy{self.n}": busy}

    def step(self, rst, valid, data):
        if rst:
            self.known, self.levels = True, []
        elif self.levels:
            self.levels.pop(0)
        elif valid:
            bits = [0] + [(data >> i) & 1 for i in range(8)] + [1]
            self.levels = [b for b in bits for _ in range(self.n)]


class Bank:
    """The models of every instance, as one model for run_cycles (inputs and outputs suffixed by N)."""

    def __init__(self):
        self.models = {n: UartModel(n) for n in NS}

    def outputs(self, inp):
        out = {}
        for model in self.models.values():
            out.update(model.outputs())
        return out

    def step(self, inp):
        for n, model in self.models.items():
            model.step(inp[f"rst{n}"], inp[f"valid{n}"], inp[f"data{n}"])


def cyc(rst=0, valid=0, data=0):
    return {"rst": rst, "valid": valid, "data": data}


def frame_and_back_to_back(rng, n, frames):
    """One frame with data changing and valid pulsing while busy (ignored), then ``frames``
    back-to-back frames with valid held high (one idle cycle between them)."""
    yield cyc(rst=1, valid=1, data=0x00)
    yield cyc(rst=1, valid=1, data=0x00)
    yield cyc()
    yield cyc(valid=1, data=0xA5)
    for _ in range(10 * n + 3):
        yield cyc(valid=int(rng.random() < 0.5), data=rng.randrange(256))
    for d in (0x00, 0xFF, 0x01, 0x80, 0x3C)[:frames]:
        for _ in range(10 * n + 1):
            yield cyc(valid=1, data=d)
            d = rng.randrange(256)


def reset_cuts(n, cuts, whole=True):
    """A reset ``cut`` cycles into a frame (a valid in the reset cycle is ignored), then (``whole``)
    a whole frame."""
    for cut in cuts:
        yield cyc(valid=1, data=0xC3)
        for _ in range(cut):
            yield cyc()
        yield cyc(rst=1, valid=1, data=0x5A)
        yield cyc()
        yield cyc(valid=1, data=0x69)
        for _ in range((10 * n + 2) if whole else 0):
            yield cyc()


def random_traffic(rng, model, cycles):
    """Random valid/data; while busy, a rare reset (about one frame in eight at any N)."""
    for _ in range(cycles):
        if model.levels:
            yield cyc(rst=int(rng.random() < 0.012 / model.n), valid=int(rng.random() < 0.3),
                      data=rng.randrange(256))
        else:
            yield cyc(valid=int(rng.random() < 0.6), data=rng.randrange(256))


def stream(rng, model):
    """The endless input stream of one instance; ``model.done`` once its checks are all given."""
    n = model.n
    if n == 256:  # 2560 cycles a frame: one frame, then a reset inside a data bit of the next
        yield from frame_and_back_to_back(rng, n, 0)
        yield from reset_cuts(n, (3 * n + 1,), whole=False)
    else:  # reset in the start bit, the data bits, the stop bit, and in its last cycle
        yield from frame_and_back_to_back(rng, n, 5)
        yield from reset_cuts(n, (2, 3 * n + 1, 9 * n + 2, 10 * n))
        yield from random_traffic(rng, model, max(900, 8 * (10 * n + 1)))
    model.done = True
    while True:
        yield from random_traffic(rng, model, 1000)


def stimulus(bank):
    streams = {n: stream(tb_rng(f"uart_tx{n}"), model) for n, model in bank.models.items()}
    while True:
        inp = {}
        for n, gen in streams.items():
            inp.update({f"{name}{n}": value for name, value in next(gen).items()})
        if all(model.done for model in bank.models.values()):
            return
        yield inp


@cocotb.test()
async def test_uart_tx(dut):
    bank = Bank()
    outputs = [f"{name}{n}" for n in NS for name in ("tx", "busy")]
    init = {f"{name}{n}": value for n in NS for name, value in (("rst", 1), ("valid", 0), ("data", 0))}
    await run_cycles(dut, bank, stimulus(bank), outputs, init=init)
