import cocotb
from cocotb.triggers import FallingEdge, RisingEdge, Timer

from harness.tbkit import mismatch, read, tb_rng

# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("wclk", "wrst_n", "rclk", "rrst_n", "winc_a", "rinc_a", "winc_b", "rinc_b", "wdata_a", "wdata_b", "wfull_a", "rempty_a", "wfull_b", "rempty_b", "wlevel_a", "rlevel_a", "wlevel_b", "rlevel_b", "rdata_a", "rdata_b")


def gray(x):
    return x ^ (x >> 1)


def bin_of(g, aw):
    b = 0
    for i in range(aw, -1, -1):
        b |= ((b >> (i + 1)) & 1 ^ (g >> i) & 1) << i
    return b


class Fifo:
    """The register-level model of the spec; w_edge and r_edge run at the domains' edges."""

    def __init__(self, aw, tag):
        self.aw, self.tag, self.mask = aw, tag, (1 << (aw + 1)) - 1
        self.mem = {}
        self.reset()
        self.writes = self.reads = self.full_seen = 0

    def reset(self):
        self.wbin = self.wptr = self.rq1 = self.rq2 = self.wfull = 0
        self.rbin = self.rptr = self.wq1 = self.wq2 = 0
        self.rempty = 1

    def w_edge(self, winc, wdata):
        aw = self.aw
        do = winc and not self.wfull
        nxt = (self.wbin + do) & self.mask
        if do:
            self.mem[self.wbin & ((1 << aw) - 1)] = wdata
            self.writes += 1
        target = self.rq2 ^ (0b11 << (aw - 1))
        self.wfull = int(gray(nxt) == target)
        self.full_seen += self.wfull
        self.rq2, self.rq1 = self.rq1, self.rptr
        self.wbin, self.wptr = nxt, gray(nxt)

    def r_edge(self, rinc):
        do = rinc and not self.rempty
        nxt = (self.rbin + do) & self.mask
        self.reads += do
        self.rempty = int(gray(nxt) == self.wq2)
        self.wq2, self.wq1 = self.wq1, self.wptr
        self.rbin, self.rptr = nxt, gray(nxt)

    def w_outputs(self):
        return {f"wfull_{self.tag}": self.wfull,
                f"wlevel_{self.tag}": (self.wbin - bin_of(self.rq2, self.aw)) & self.mask}

    def r_outputs(self):
        out = {f"rempty_{self.tag}": self.rempty,
               f"rlevel_{self.tag}": (bin_of(self.wq2, self.aw) - self.rbin) & self.mask}
        if not self.rempty:
            out[f"rdata_{self.tag}"] = self.mem[self.rbin & ((1 << self.aw) - 1)]
        return out


def check(dut, expected, cycle, domain):
    for name, want in expected.items():
        got = read(getattr(dut, name))
        if got != want:
            raise mismatch(f"{cycle} ({domain})", name, want, got)


async def clock(sig, period_ps, phase_ps):
    sig.value = 0
    await Timer(phase_ps, unit="ps")
    while True:
        sig.value = 1
        await Timer(period_ps // 2, unit="ps")
        sig.value = 0
        await Timer(period_ps - period_ps // 2, unit="ps")


def pick_clocks(rng, ratio):
    """Periods (whole ns) with about the given read/write ratio; the read clock is offset by
    half a nanosecond, so rising edges of the two clocks are always >= 500 ps apart."""
    a = rng.randrange(6, 13)
    b = max(3, round(a * ratio) + rng.choice((-1, 0, 1)))
    return 1000 * a, 1000 * b, 500 + 1000 * rng.randrange(b)


async def domain(dut, clk, cycles, models, rng, side, profile):
    """Every rising edge of ``clk`` advances the models with the inputs driven before it;
    after each falling edge the domain's outputs are checked and new inputs driven."""
    drive = {m: (0, 0) if side == "w" else 0 for m in models}
    for cyc in range(cycles):
        await RisingEdge(clk)
        for m in models:
            if side == "w":
                m.w_edge(*drive[m])
            else:
                m.r_edge(drive[m])
        await FallingEdge(clk)
        for m in models:
            check(dut, m.w_outputs() if side == "w" else m.r_outputs(), cyc, side)
        for m in models:
            p = profile(cyc) if cyc < cycles - 1 else 0.0  # after its last cycle the domain requests nothing:
            # its clock runs on while the other domain's checks go on, and the model no longer follows it
            if side == "w":
                drive[m] = (int(rng.random() < p), rng.getrandbits(8))
                getattr(dut, f"winc_{m.tag}").value = drive[m][0]
                getattr(dut, f"wdata_{m.tag}").value = drive[m][1]
            else:
                drive[m] = int(rng.random() < p)
                getattr(dut, f"rinc_{m.tag}").value = drive[m]


def phases(period):
    """Request probability by cycle: bursts that fill, drain, and mix."""
    def p(c):
        return (1.0, 0.0, 0.9, 0.2, 0.6, 1.0, 0.5, 0.0)[(c // period) % 8]
    return p


async def one_ratio(dut, ratio, label, w_late=0, r_late=0):
    """w_late / r_late: whole periods of the other clock that one clock starts later."""
    rng = tb_rng(label)
    models = [Fifo(2, "a"), Fifo(4, "b")]
    w_cycles = 700
    pw, pr, phase = pick_clocks(rng, ratio)
    r_cycles = int(w_cycles * pw / pr)
    for sig in ("winc_a", "winc_b", "rinc_a", "rinc_b", "wdata_a", "wdata_b"):
        getattr(dut, sig).value = 0
    # the resets fall from 1 to 0, an edge under every simulator: a two-state simulator (Verilator)
    # starts them at 0, where driving 0 would be no negedge and the reset blocks would never run
    dut.wrst_n.value = 1
    dut.rrst_n.value = 1
    await Timer(500, unit="ps")
    dut.wrst_n.value = 0
    dut.rrst_n.value = 0
    await Timer(1000, unit="ps")
    dut.wclk.value = 0
    dut.rclk.value = 0
    await Timer(1000, unit="ps")
    # outputs during reset
    for m in models:
        check(dut, {**m.w_outputs(), **m.r_outputs()}, "reset", "both")
    dut.wrst_n.value = 1
    dut.rrst_n.value = 1
    await Timer(1000, unit="ps")
    wclk = cocotb.start_soon(clock(dut.wclk, pw, 100 + w_late * pr))
    rclk = cocotb.start_soon(clock(dut.rclk, pr, 100 + phase + r_late * pw))
    w = cocotb.start_soon(domain(dut, dut.wclk, w_cycles, models, rng, "w", phases(37)))
    r = cocotb.start_soon(domain(dut, dut.rclk, r_cycles, models, tb_rng(label + "r"), "r", phases(max(5, 37 * pw // pr))))
    await w
    await r
    wclk.cancel()
    rclk.cancel()
    for m in models:
        assert m.writes > 40 and m.reads > 40, f"{label}: too little traffic"
    return models


@cocotb.test()
async def test_write_faster(dut):
    ms = await one_ratio(dut, 2.7, "wfast", r_late=4)
    assert all(m.full_seen for m in ms), "full never reached"


@cocotb.test()
async def test_read_faster(dut):
    await one_ratio(dut, 0.37, "rfast", w_late=4)


@cocotb.test()
async def test_near_equal(dut):
    await one_ratio(dut, 1.03, "equal")
