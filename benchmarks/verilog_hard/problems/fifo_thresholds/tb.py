import cocotb

from harness.tbkit import run_cycles, tb_rng

DEPTH = 8


class Fifo:
    def __init__(self):
        self.known = False
        self.drops_seen = self.sat_seen = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"rd_data": self.rd_data, "full": int(len(self.q) == DEPTH), "empty": int(not self.q),
                "count": len(self.q), "almost_full": self.af, "almost_empty": self.ae, "drop_count": self.drops}

    def step(self, inp):
        if inp["rst"]:
            self.known, self.q, self.rd_data, self.af, self.ae, self.drops = True, [], 0, 0, 1, 0
            return
        if not self.known:
            return
        do_rd = inp["rd_en"] and bool(self.q)
        do_wr = inp["wr_en"] and (len(self.q) < DEPTH or do_rd)
        drop = inp["wr_en"] and not do_wr
        if do_rd:
            self.rd_data = self.q.pop(0)
        if do_wr:
            self.q.append(inp["wr_data"])
        n = len(self.q)
        self.af, self.ae = int(n >= inp["af_level"]), int(n <= inp["ae_level"])
        if inp["clr_drops"]:
            self.drops = int(drop)
        elif drop:
            self.drops = min(255, self.drops + 1)
        self.drops_seen += drop
        self.sat_seen += self.drops == 255


def stimulus(rng, m):
    base = {"rst": 0, "wr_en": 0, "wr_data": 0, "rd_en": 0, "af_level": 6, "ae_level": 2, "clr_drops": 0}

    def c(**kw):
        return {**base, "wr_data": rng.getrandbits(8), **kw}
    yield c(rst=1, wr_en=1, clr_drops=0)
    yield c(rd_en=1)  # read while empty
    for i in range(10):  # fill past full: two drops
        yield c(wr_en=1)
    yield c(wr_en=1, rd_en=1)  # full: read and write together
    yield c(wr_en=1, clr_drops=1)  # drop and clear together -> 1
    yield c(clr_drops=1)
    for lvl in range(0, 10):  # threshold sweep at a fixed count, including 0 and above depth
        yield c(af_level=lvl, ae_level=9 - lvl)
    for _ in range(9):
        yield c(rd_en=1, af_level=1, ae_level=0)
    for lvl in (0, 8, 15, 9):
        yield c(af_level=lvl, ae_level=lvl)
    # saturate the drop counter
    for _ in range(8):
        yield c(wr_en=1)
    for _ in range(262):
        yield c(wr_en=1, af_level=8, ae_level=7)
    yield c(wr_en=1, clr_drops=0)
    yield c(clr_drops=1)
    yield c(rst=1)
    pw, pr = 0.5, 0.5
    for i in range(1400):
        if i % 60 == 0:
            pw, pr = rng.choice(((0.9, 0.2), (0.2, 0.9), (0.6, 0.6), (1.0, 0.5)))
        if i % 25 == 0:
            base["af_level"], base["ae_level"] = rng.randrange(16), rng.randrange(16)
        yield c(rst=int(rng.random() < 0.003), wr_en=int(rng.random() < pw), rd_en=int(rng.random() < pr),
                clr_drops=int(rng.random() < 0.02), af_level=rng.choice([base["af_level"], rng.randrange(10)]),
                ae_level=rng.choice([base["ae_level"], rng.randrange(10)]))


@cocotb.test()
async def test_fifo_thresholds(dut):
    m = Fifo()
    await run_cycles(dut, m, stimulus(tb_rng("fifo"), m),
                     ["rd_data", "full", "empty", "count", "almost_full", "almost_empty", "drop_count"],
                     init={"rst": 1, "wr_en": 0, "rd_en": 0, "clr_drops": 0, "af_level": 0, "ae_level": 0})
    assert m.drops_seen > 300 and m.sat_seen > 0
