import cocotb
from cocotb.triggers import FallingEdge, RisingEdge, Timer

from harness.tbkit import Scoreboard, mismatch, read, start_clock, tb_rng

# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("clk", "rst", "u_s_valid", "u_s_data", "u_s_last", "u_s_ready", "u_m_valid", "u_m_ready",
                 "u_m_data", "u_m_keep", "u_m_last", "d_s_valid", "d_s_data", "d_s_keep", "d_s_last", "d_s_ready",
                 "d_m_valid", "d_m_ready", "d_m_data", "d_m_last")


class Side:
    """One converter: its input queue, its expected outputs and the port rules of the spec."""

    def __init__(self, dut, p, m_fields):
        self.dut, self.p, self.m_fields = dut, p, m_fields
        self.board = Scoreboard(f"{p}_m")
        self.queue = []            # input beats still to send, each a dict of s_* values
        self.held = None           # m_* shown last cycle and not transferred
        self.transfers = self.stall_cycles = 0

    def sig(self, name):
        return getattr(self.dut, f"{self.p}_{name}")

    def reset(self):
        self.board.pending.clear()
        self.held = None
        self.absorb_reset()

    def m_values(self):
        return tuple(read(self.sig(f)) for f in self.m_fields)

    def check(self, cycle, m_ready):
        s_ready, m_valid = read(self.sig("s_ready")), read(self.sig("m_valid"))
        if s_ready not in (0, 1) or m_valid not in (0, 1):
            raise mismatch(cycle, f"{self.p}_s_ready/{self.p}_m_valid", "0 or 1", (s_ready, m_valid))
        want_valid = int(bool(self.board.pending))
        if m_valid != want_valid:
            raise mismatch(cycle, f"{self.p}_m_valid", want_valid, m_valid,
                           f"{len(self.board.pending)} item(s) accepted and not yet transferred")
        if self.held is not None and self.m_values() != self.held:
            raise mismatch(cycle, f"{self.p}_m ({', '.join(self.m_fields)})", self.held, self.m_values(),
                           "held since the last cycle")
        if s_ready == 0:
            self.stall_cycles += 1
            self.check_stall(cycle, m_valid, m_ready)

    def edge(self, cycle, s_valid, m_ready):
        s_ready, m_valid = read(self.sig("s_ready")), read(self.sig("m_valid"))
        shown = self.m_values() if m_valid == 1 else None
        self.held = None
        if shown is not None:
            if m_ready:
                self.board.observe(shown, cycle)
                self.transfers += 1
            else:
                self.held = shown
        if s_valid and s_ready == 1:
            self.accept(self.queue.pop(0))


class Up(Side):
    def __init__(self, dut):
        super().__init__(dut, "u", ("m_data", "m_keep", "m_last"))
        self.absorb_reset()

    def absorb_reset(self):
        self.bytes = []

    def check_stall(self, cycle, m_valid, m_ready):
        if not (m_valid == 1 and m_ready == 0):
            raise mismatch(cycle, "u_s_ready", 1, 0, "m_valid is not stalled by m_ready = 0")

    def accept(self, beat):
        self.bytes.append(beat["s_data"])
        if len(self.bytes) == 4 or beat["s_last"]:
            word = sum(b << (8 * i) for i, b in enumerate(self.bytes))
            self.board.expect((word, (1 << len(self.bytes)) - 1, beat["s_last"]))
            self.bytes = []

    def packets(self, rng, n):
        for _ in range(n):
            size = rng.choice((1, 2, 3, 4, 5, 8, 9, rng.randint(1, 14)))
            for i in range(size):
                self.queue.append({"s_data": rng.getrandbits(8), "s_last": int(i == size - 1)})


class Down(Side):
    def __init__(self, dut):
        super().__init__(dut, "d", ("m_data", "m_last"))
        self.absorb_reset()

    def absorb_reset(self):
        pass

    def check_stall(self, cycle, m_valid, m_ready):
        waiting = len(self.board.pending)
        if waiting == 0 or (waiting == 1 and m_ready):
            raise mismatch(cycle, "d_s_ready", 1, 0, f"{waiting} byte(s) waiting, m_ready = {m_ready}")

    def accept(self, beat):
        lanes = [i for i in range(4) if beat["s_keep"] >> i & 1]
        for i in lanes:
            self.board.expect((beat["s_data"] >> (8 * i) & 0xFF, int(beat["s_last"] and i == lanes[-1])))

    def packets(self, rng, n):
        for _ in range(n):
            size = rng.randint(1, 5)
            for i in range(size):
                last = int(i == size - 1)
                keep = rng.choice((0xF, 0x1, 0x8, 0x5, 0xA, 0x9, 0x6, 0x0, rng.randrange(16)))
                if last and keep == 0:
                    keep = 1 << rng.randrange(4)
                self.queue.append({"s_data": rng.getrandbits(32), "s_keep": keep, "s_last": last})


def drive(side, rng, p_valid, p_ready, first):
    beat = side.queue[0] if side.queue and rng.random() < p_valid else None
    valid = int(beat is not None and not first)
    side.sig("s_valid").value = valid
    for name, val in (beat or {k: rng.getrandbits(len(side.sig(k))) for k in ("s_data", "s_last")}).items():
        side.sig(name).value = val
    ready = int(rng.random() < p_ready)
    side.sig("m_ready").value = ready
    return valid, ready


MODES = ((1.0, 1.0), (1.0, 0.3), (0.4, 1.0), (0.8, 0.8), (1.0, 0.0), (0.6, 0.5), (1.0, 0.9))


@cocotb.test()
async def test_width_conv(dut):
    rng = tb_rng("width_conv")
    start_clock(dut.clk)
    sides = [Up(dut), Down(dut)]
    for side in sides:
        side.sig("s_valid").value = side.sig("m_ready").value = 0
    dut.rst.value = 1
    cycle, modes = 0, {s.p: MODES[0] for s in sides}
    for rnd in range(9):
        for side in sides:
            side.packets(rng, 30)
        for _ in range(700 if rnd else 400):
            first = cycle == 0 or (rng.random() < 0.002)
            await FallingEdge(dut.clk)
            dut.rst.value = int(first)
            if cycle % 50 == 0:
                modes = {s.p: rng.choice(MODES) for s in sides}
            driven = [drive(s, rng, *modes[s.p], first) for s in sides]
            await Timer(1, unit="ns")
            if not first:
                for side, (_, ready) in zip(sides, driven):
                    side.check(cycle, ready)
            await RisingEdge(dut.clk)
            for side, (valid, ready) in zip(sides, driven):
                if first:
                    side.reset()
                else:
                    side.edge(cycle, valid, ready)
            cycle += 1
    for side in sides:
        assert side.transfers > 400 and side.stall_cycles > 20, (side.p, side.transfers, side.stall_cycles)
