import cocotb

from harness.tbkit import run_cycles, tb_rng

OKAY, SLVERR = 0, 2
ID = 0x48574C31


class Regs:
    def __init__(self):
        self.known = False
        self.b_done = self.r_done = self.slverr = 0

    def reset(self):
        self.known = True
        self.aw_full = self.w_full = self.bvalid = self.rvalid = self.start = 0
        self.awaddr = self.wdata = self.wstrb = self.bresp = self.rdata = self.rresp = 0
        self.ctrl, self.scratch, self.pend, self.en = 0, 0x5A5A0000, 0, 0

    def read_value(self, addr, status):
        off = addr & 0xFC
        table = {0x00: self.ctrl, 0x04: self.scratch, 0x08: status, 0x0C: self.pend, 0x10: self.en, 0x14: ID}
        return (table[off], OKAY) if off in table else (0, SLVERR)

    def outputs(self, inp):
        if not self.known:
            return None
        out = {"awready": 1 - self.aw_full, "wready": 1 - self.w_full, "bvalid": self.bvalid,
               "arready": 1 - self.rvalid, "rvalid": self.rvalid, "ctrl": self.ctrl,
               "start_pulse": self.start, "irq": int(bool(self.pend & self.en))}
        if self.bvalid:
            out["bresp"] = self.bresp
        if self.rvalid:
            out["rdata"], out["rresp"] = self.rdata, self.rresp
        return out

    @staticmethod
    def merge(old, data, strb):
        mask = sum(0xFF << (8 * i) for i in range(4) if strb >> i & 1)
        return (old & ~mask) | (data & mask)

    def step(self, inp):
        if not inp["rst_n"]:
            self.reset()
            return
        if not self.known:
            return
        clear, start = 0, 0
        if self.aw_full and self.w_full and not self.bvalid:
            off, d, s = self.awaddr & 0xFC, self.wdata, self.wstrb
            resp = OKAY
            if off == 0x00:
                self.ctrl = self.merge(self.ctrl, d, s) & ~1
                start = int(bool(s & 1 and d & 1))
            elif off == 0x04:
                self.scratch = self.merge(self.scratch, d, s)
            elif off == 0x0C:
                clear = d & 0xFF if s & 1 else 0
            elif off == 0x10:
                self.en = self.merge(self.en, d, s) & 0xFF
            else:
                resp = SLVERR
            self.slverr += resp == SLVERR
            self.aw_full = self.w_full = 0
            self.bvalid, self.bresp = 1, resp
        elif self.bvalid and inp["bready"]:
            self.bvalid = 0
            self.b_done += 1
        # read (uses register values before this edge: computed from the copy taken below)
        if inp["arvalid"] and not self.rvalid:
            self.rvalid = 1
        elif self.rvalid and inp["rready"]:
            self.rvalid = 0
            self.r_done += 1
        if inp["awvalid"] and not self.aw_full and not inp["_aw_taken_blocked"]:
            self.aw_full, self.awaddr = 1, inp["awaddr"]
        if inp["wvalid"] and not self.w_full and not inp["_w_taken_blocked"]:
            self.w_full, self.wdata, self.wstrb = 1, inp["wdata"], inp["wstrb"]
        self.pend = (self.pend & ~clear) | inp["irq_set"]
        self.start = start


class Model(Regs):
    """Wraps Regs so that reads see the registers before the edge and the handshake
    conditions use the ready values of the cycle."""

    def step(self, inp):
        if self.known and inp["rst_n"]:
            pre = self.read_value(inp["araddr"], inp["hw_status"])
            ar = inp["arvalid"] and not self.rvalid
            inp = {**inp, "_aw_taken_blocked": self.aw_full, "_w_taken_blocked": self.w_full}
        else:
            ar, pre = False, (0, 0)
            inp = {**inp, "_aw_taken_blocked": 0, "_w_taken_blocked": 0}
        super().step(inp)
        if ar:
            self.rdata, self.rresp = pre


ADDRS = [0x00, 0x04, 0x08, 0x0C, 0x10, 0x14]
BAD = [0x18, 0x1C, 0x40, 0xFC, 0x80]


def stimulus(rng, m):
    idle = {"awvalid": 0, "awaddr": 0, "wvalid": 0, "wdata": 0, "wstrb": 0, "bready": 0,
            "arvalid": 0, "araddr": 0, "rready": 0, "hw_status": 0, "irq_set": 0, "rst_n": 1}
    aw = w = ar = None
    yield {**idle, "rst_n": 0}
    yield {**idle, "rst_n": 0, "awvalid": 1, "wvalid": 1, "wstrb": 0xF, "wdata": 0xFFFFFFFF}
    plan = []
    # directed: the spec's example, each register read after reset, strobes, W1C races, RO/unmapped
    plan += [("w", 0x0C, 0x3, 0x1, "w_first", 1)]
    for a in ADDRS + BAD[:2]:
        plan.append(("r", a | 0x3 if a == 0x04 else a))
    plan += [("w", 0x00, 0xFFFFFFFF, 0xF, "same", 0), ("r", 0x00), ("w", 0x00, 0x00000001, 0x1, "aw_first", 2),
             ("w", 0x04, 0x11223344, 0x5, "same", 0), ("r", 0x04), ("w", 0x04, 0xAABBCCDD, 0x0, "same", 3),
             ("r", 0x04), ("w", 0x10, 0xFFFFFFFF, 0xF, "same", 0), ("r", 0x10), ("w", 0x08, 0x1, 0xF, "same", 0),
             ("w", 0x14, 0x0, 0xF, "w_first", 0), ("w", 0x1C, 0x1, 0xF, "same", 0), ("r", 0x0C), ("r", 0xFF),
             ("w", 0x0C, 0xFF, 0xE, "same", 0), ("w", 0x0C, 0xFF, 0x1, "same", 0), ("r", 0x0C),
             ("w", 0x10, 0x00000080, 0x2, "same", 0), ("r", 0x10), ("w", 0x10, 0x00008000, 0x1, "same", 0), ("r", 0x10),
             ("w", 0x10, 0x0000FF7F, 0x1, "same", 0), ("r", 0x10)]
    for _ in range(500):
        if rng.random() < 0.5:
            a = rng.choice(ADDRS + ([rng.choice(BAD)] if rng.random() < 0.3 else []))
            plan.append(("w", a | rng.randrange(4), rng.getrandbits(32), rng.choice([0xF, rng.randrange(16)]),
                         rng.choice(["same", "w_first", "aw_first"]), rng.choice([0, 0, 1, 3])))
        else:
            plan.append(("r", rng.choice(ADDRS + BAD) | rng.randrange(4)))
    wq = [p for p in plan if p[0] == "w"]
    rq = [p for p in plan if p[0] == "r"]
    cyc = 0
    status = 0x0BADF00D
    p_ready = 0.7
    while wq or rq or aw or w or ar or m.bvalid or m.rvalid or m.aw_full or m.w_full:
        cyc += 1
        if cyc % 97 == 0:
            p_ready = rng.choice((0.2, 0.7, 1.0))
        if rng.random() < 0.1:
            status = rng.getrandbits(32)
        # new write: AW and W become valid with an offset between them
        if aw is None and w is None and wq:
            _, a, d, s, order, gap = wq.pop(0)
            aw = [a, 0 if order != "w_first" else gap, False]
            w = [d, s, 0 if order != "aw_first" else gap, False]
        if ar is None and rq and rng.random() < 0.5:
            ar = rq.pop(0)[1]
        inp = dict(idle, hw_status=status, bready=int(rng.random() < p_ready), rready=int(rng.random() < p_ready),
                   irq_set=(1 << rng.randrange(8)) if rng.random() < 0.15 else 0)
        if cyc < 40:
            inp["bready"] = inp["rready"] = 1
        if aw is not None:
            if aw[1] > 0:
                aw[1] -= 1
            else:
                inp["awvalid"], inp["awaddr"] = 1, aw[0]
        if w is not None:
            if w[2] > 0:
                w[2] -= 1
            else:
                inp["wvalid"], inp["wdata"], inp["wstrb"] = 1, w[0], w[1]
        if ar is not None:
            inp["arvalid"], inp["araddr"] = 1, ar
        if rng.random() < 0.002:
            inp["rst_n"] = 0
        # handshakes at the coming edge, from the ready values of this cycle
        if inp["awvalid"] and not m.aw_full:
            aw = None
        if inp["wvalid"] and not m.w_full:
            w = None
        if inp["arvalid"] and not m.rvalid:
            ar = None
        if not inp["rst_n"]:
            aw = w = ar = None
        yield inp
        if cyc > 4000:
            raise AssertionError("testbench: traffic did not drain (bvalid or rvalid stuck?)")


@cocotb.test()
async def test_axil_regs(dut):
    m = Model()
    rng = tb_rng("axil")
    outputs = ["awready", "wready", "bvalid", "bresp", "arready", "rvalid", "rdata", "rresp", "ctrl",
               "start_pulse", "irq"]
    await run_cycles(dut, m, stimulus(rng, m), outputs,
                     init={"rst_n": 0, "awvalid": 0, "wvalid": 0, "arvalid": 0, "bready": 0, "rready": 0})
    assert m.b_done > 150 and m.r_done > 80 and m.slverr > 10, (m.b_done, m.r_done, m.slverr)
