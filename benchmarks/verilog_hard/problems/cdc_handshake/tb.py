import bisect

import cocotb
from cocotb.triggers import FallingEdge, RisingEdge, Timer
from cocotb.utils import get_sim_time

from harness.tbkit import Scoreboard, mismatch, read, tb_rng

# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("clk1", "rst1", "clk2", "rst2", "x_a_valid", "x_a_data", "x_a_ready", "x_req", "x_b_valid",
                 "x_b_ready", "x_b_data", "x_ack", "y_a_valid", "y_a_data", "y_a_ready", "y_req", "y_b_valid",
                 "y_b_ready", "y_b_data", "y_ack")
P1, P2, OFFSET2 = 10000, 3100, 37      # ps; 10000*i == 37 + 3100*j has no solution: edges never coincide
WATCHED = ("req", "ack", "a_ready", "b_valid", "b_data")


def now():
    return get_sim_time("ps")


async def clock(sig, period, offset, edges):
    if offset:
        await Timer(offset, unit="ps")
    while True:
        sig.value = 1
        edges.append(now())
        await Timer(period // 2, unit="ps")
        sig.value = 0
        await Timer(period - period // 2, unit="ps")


async def watch(sig, log):
    log.append((now(), read(sig)))
    while True:
        await sig.value_change
        log.append((now(), read(sig)))


def settle(log):
    """The value each watched signal settled to at each moment, without repeats."""
    out = []
    for t, v in log:
        if out and out[-1][0] == t:
            out[-1] = (t, v)
        else:
            out.append((t, v))
    merged = []
    for t, v in out:
        if not merged or merged[-1][1] != v:
            merged.append((t, v))
    return merged


class Lane:
    def __init__(self, dut, p, width, a_edges, b_edges, rng):
        self.dut, self.p, self.width, self.rng = dut, p, width, rng
        self.a_edges, self.b_edges = a_edges, b_edges
        self.logs = {n: [] for n in WATCHED}
        self.board = Scoreboard(f"{p}_b_data")
        self.accepts, self.delivers = [], []

    def sig(self, name):
        return getattr(self.dut, f"{self.p}_{name}")

    async def source(self, a_clk, p_idle):
        word = None
        while True:
            await FallingEdge(a_clk)
            if word is None and self.rng.random() >= p_idle():
                word = self.rng.getrandbits(self.width)
            self.sig("a_valid").value = int(word is not None)
            self.sig("a_data").value = word if word is not None else self.rng.getrandbits(self.width)
            await RisingEdge(a_clk)
            if word is not None and read(self.sig("a_ready")) == 1:
                self.board.expect(word)
                self.accepts.append(now())
                word = None

    async def sink(self, b_clk, p_stall):
        while True:
            await FallingEdge(b_clk)
            ready = int(self.rng.random() >= p_stall())
            self.sig("b_ready").value = ready
            await RisingEdge(b_clk)
            if ready and read(self.sig("b_valid")) == 1:
                self.board.observe(read(self.sig("b_data")), f"{now()} ps")
                self.delivers.append(now())

    def start(self):
        for name in WATCHED:
            cocotb.start_soon(watch(self.sig(name), self.logs[name]))

    def nth(self, edges, t_from, t_at):
        """Which rising edge after t_from the moment t_at is (0 when it is no edge)."""
        i = bisect.bisect_right(edges, t_from)
        j = bisect.bisect_left(edges, t_at)
        return j - i + 1 if j < len(edges) and edges[j] == t_at else 0

    def check(self, t_release):
        p = self.p
        lines = {n: [(t, v) for t, v in settle(self.logs[n]) if t >= t_release] for n in WATCHED}
        for n in ("req", "ack", "a_ready", "b_valid"):
            first = [v for t, v in settle(self.logs[n]) if t <= t_release][-1:]
            want = 1 if n == "a_ready" else 0
            if first != [want]:
                raise mismatch(f"{t_release} ps", f"{p}_{n}", want, first, "after reset")
            bad = [v for _, v in lines[n] if v not in (0, 1)]
            if bad:
                raise mismatch("after reset", f"{p}_{n}", "0 or 1", bad[0])
        rises = {n: [t for t, v in lines[n] if v == 1] for n in ("req", "ack", "a_ready", "b_valid")}
        falls = {n: [t for t, v in lines[n] if v == 0] for n in ("req", "ack", "a_ready", "b_valid")}
        acc = [t for t in self.accepts if t > t_release]
        self._same(rises["req"], acc, "req rises", "the edges that accepted a word")
        self._same(falls["a_ready"], acc, "a_ready falls", "the edges that accepted a word")
        self._same(rises["ack"], self.delivers, "ack rises", "the edges that delivered a word")
        self._same(falls["b_valid"], self.delivers, "b_valid falls", "the edges that delivered a word")
        for t in rises["req"] + falls["req"]:
            if t not in self.a_edges:
                raise mismatch(f"{t} ps", f"{p}_req", "a change at a rising edge of its a_clk", "a change between")
        for t in rises["ack"] + falls["ack"]:
            if t not in self.b_edges:
                raise mismatch(f"{t} ps", f"{p}_ack", "a change at a rising edge of its b_clk", "a change between")
        steps = (("req", "b_valid", 1, 1, self.b_edges), ("ack", "req", 1, 0, self.a_edges),
                 ("req", "ack", 0, 0, self.b_edges), ("ack", "a_ready", 0, 1, self.a_edges))
        for src, dst, sv, dv, edges in steps:
            self._follows(src, sv, dst, dv, rises, falls, edges)
        for t, _ in lines["b_data"]:
            k = bisect.bisect_right(rises["b_valid"], t) - 1
            if k >= 0 and rises["b_valid"][k] < t and (k >= len(falls["b_valid"]) or t < falls["b_valid"][k]):
                raise mismatch(f"{t} ps", f"{p}_b_data", "no change while b_valid = 1", "a change")
        if len(self.delivers) == len(acc):
            self.board.drain_check()
        return len(self.delivers)

    def _same(self, got, want, what, of):
        if got[: len(want)] != want[: len(got)] or abs(len(got) - len(want)) > 1:
            k = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
            raise mismatch(f"{want[k] if k < len(want) else got[k]} ps", f"{self.p}: {what}", f"at {of}",
                           f"{got[k] if k < len(got) else 'never'}")

    def _follows(self, src, sv, dst, dv, rises, falls, edges):
        a = rises[src] if sv else falls[src]
        b = rises[dst] if dv else falls[dst]
        for t_src in a:
            k = bisect.bisect_right(b, t_src)
            t_dst = b[k] if k < len(b) else None
            if t_dst is None:
                if edges and edges[-1] - t_src > 4 * (edges[-1] - edges[-2]):
                    raise mismatch(f"{t_src} ps", f"{self.p}_{dst}", f"{'rise' if dv else 'fall'} after {src}",
                                   "never")
                continue
            n = self.nth(edges, t_src, t_dst)
            if n not in (2, 3):
                raise mismatch(f"{t_dst} ps", f"{self.p}_{dst}",
                               f"{'rise' if dv else 'fall'} at the 2nd or 3rd edge after {src} "
                               f"{'rose' if sv else 'fell'} at {t_src} ps",
                               f"edge {n}" if n else "a change between edges")


@cocotb.test()
async def test_cdc(dut):
    rng = tb_rng("cdc")
    e1, e2 = [], []
    # both sides busy while the resets are held (red team 15): a design that ignores its reset would
    # take words and run handshakes before the release; the reset has priority, so nothing happens
    for name in ("x_a_valid", "y_a_valid", "x_b_ready", "y_b_ready"):
        getattr(dut, name).value = 1
    dut.x_a_data.value, dut.y_a_data.value = rng.getrandbits(16), rng.getrandbits(5)
    dut.rst1.value = dut.rst2.value = 1
    cocotb.start_soon(clock(dut.clk1, P1, 0, e1))
    cocotb.start_soon(clock(dut.clk2, P2, OFFSET2, e2))
    lanes = [Lane(dut, "x", 16, e1, e2, tb_rng("cdc-x")), Lane(dut, "y", 5, e2, e1, tb_rng("cdc-y"))]
    for lane in lanes:
        lane.start()
    await Timer(5 * P1, unit="ps")
    await FallingEdge(dut.clk1)
    dut.rst1.value = dut.x_a_valid.value = dut.y_b_ready.value = 0
    await FallingEdge(dut.clk2)
    dut.rst2.value = dut.y_a_valid.value = dut.x_b_ready.value = 0
    t_release = now()
    mode = {"idle": 0.0, "stall": 0.0}
    cocotb.start_soon(lanes[0].source(dut.clk1, lambda: mode["idle"]))
    cocotb.start_soon(lanes[0].sink(dut.clk2, lambda: mode["stall"]))
    cocotb.start_soon(lanes[1].source(dut.clk2, lambda: mode["idle"]))
    cocotb.start_soon(lanes[1].sink(dut.clk1, lambda: mode["stall"]))
    for _ in range(24):
        mode["idle"], mode["stall"] = rng.choice(((0.0, 0.0), (0.0, 0.7), (0.8, 0.0), (0.5, 0.5), (0.0, 0.95)))
        await Timer(40 * P1, unit="ps")
    for lane in lanes:
        assert lane.check(t_release) > 60, lane.p
