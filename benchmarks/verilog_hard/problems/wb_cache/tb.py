import cocotb

from harness.tbkit import mismatch, run_cycles, tb_rng

LOOKUP, RESP, EVICT, FILL = range(4)


def initial(addr):
    return (addr * 0x9E3779B1 + 0x1234567) & 0xFFFFFFFF


class Cache:
    def __init__(self):
        self.known = False
        self.mem = {}
        self.stats = {"hit": 0, "evict": 0, "fill": 0}

    def reset(self):
        self.known, self.state, self.w, self.ready, self.rdata = True, LOOKUP, 0, 0, 0
        self.valid, self.dirty = [0] * 4, [0] * 4
        self.tags = [0] * 4
        self.data = [[0] * 4 for _ in range(4)]

    def mem_outputs(self, inp):
        if self.state not in (EVICT, FILL):
            return {"mem_req": 0}
        idx = inp["cpu_addr"] >> 2 & 3
        if self.state == EVICT:
            return {"mem_req": 1, "mem_we": 1, "mem_addr": self.tags[idx] << 4 | idx << 2 | self.w,
                    "mem_wdata": self.data[idx][self.w]}
        return {"mem_req": 1, "mem_we": 0, "mem_addr": (inp["cpu_addr"] & 0x3FC) | self.w}

    def outputs(self, inp):
        if not self.known:
            return None
        out = {"cpu_ready": self.ready, **self.mem_outputs(inp)}
        if self.ready and not self.last_we:
            out["cpu_rdata"] = self.rdata
        return out

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            self.last_we = 0
            return
        if not self.known:
            return
        a = inp["cpu_addr"]
        tag, idx, off = a >> 4, a >> 2 & 3, a & 3
        if self.state == LOOKUP:
            if inp["cpu_valid"]:
                if self.valid[idx] and self.tags[idx] == tag:
                    if inp["cpu_we"]:
                        self.data[idx][off], self.dirty[idx] = inp["cpu_wdata"], 1
                    else:
                        self.rdata = self.data[idx][off]
                    self.ready, self.state, self.last_we = 1, RESP, inp["cpu_we"]
                    self.stats["hit"] += 1
                else:
                    self.w = 0
                    self.state = EVICT if self.valid[idx] and self.dirty[idx] else FILL
        elif self.state == RESP:
            self.ready, self.state = 0, LOOKUP
        elif inp["mem_ack"]:
            mo = self.mem_outputs(inp)
            if self.state == EVICT:
                self.mem[mo["mem_addr"]] = mo["mem_wdata"]
                if self.w == 3:
                    self.state = FILL
                    self.stats["evict"] += 1
            else:
                self.data[idx][self.w] = inp["mem_rdata"]
                if self.w == 3:
                    self.tags[idx], self.valid[idx], self.dirty[idx], self.state = tag, 1, 0, LOOKUP
                    self.stats["fill"] += 1
            self.w = (self.w + 1) & 3


def stimulus(rng, m):
    truth = {}
    base = {"rst": 0, "cpu_valid": 0, "cpu_we": 0, "cpu_addr": 0, "cpu_wdata": 0, "mem_ack": 0, "mem_rdata": 0}
    yield {**base, "rst": 1, "cpu_valid": 1}
    tags = [0, rng.getrandbits(6), rng.getrandbits(6)]
    reqs = [(0, 0x00C, 0), (0, 0x013, 0), (1, 0x013, 0xCAFEF00D), (0, 0x013, 0), (0, 0x113, 0), (0, 0x013, 0),
            (1, 0x3F0, 0x11111111), (1, 0x0F1, 0x22222222), (0, 0x3F0, 0)]
    for _ in range(110):
        addr = rng.choice(tags) << 4 | rng.getrandbits(4)
        reqs.append((int(rng.random() < 0.45), addr, rng.getrandbits(32)))
    lat_choices = (0, 0, 1, 2, 4)
    wait = None
    cyc = 0
    while reqs or m.state != LOOKUP or m.ready:
        cyc += 1
        inp = dict(base)
        we, addr, wd = reqs[0] if reqs else (0, rng.getrandbits(10), 0)
        present = bool(reqs) and (m.state != LOOKUP or rng.random() < 0.7)
        inp.update(cpu_valid=int(present), cpu_we=we, cpu_addr=addr, cpu_wdata=wd)
        if not present:
            inp.update(cpu_we=rng.getrandbits(1), cpu_addr=rng.getrandbits(10), cpu_wdata=rng.getrandbits(32))
        if m.state in (EVICT, FILL):
            if wait is None:
                wait = rng.choice(lat_choices)
            if wait == 0:
                inp["mem_ack"] = 1
                wait = None
            else:
                wait -= 1
            mo = m.mem_outputs(inp)
            inp["mem_rdata"] = m.mem.get(mo["mem_addr"], initial(mo["mem_addr"]))
        else:
            inp["mem_ack"] = int(rng.random() < 0.2)
            inp["mem_rdata"] = rng.getrandbits(32)
        if present and m.state == LOOKUP and m.valid[addr >> 2 & 3] and m.tags[addr >> 2 & 3] == addr >> 4:
            reqs.pop(0)  # completes at this edge: the check of the read value follows
            if we:
                truth[addr] = wd
            else:
                want = truth.get(addr, m.mem.get(addr, initial(addr)))
                if m.data[addr >> 2 & 3][addr & 3] != want:
                    raise mismatch(cyc, "cache contents", want, m.data[addr >> 2 & 3][addr & 3], f"addr {addr:#x}")
        yield inp
        if cyc > 20000:
            raise AssertionError("testbench: the cache stopped making progress")


@cocotb.test()
async def test_wb_cache(dut):
    m = Cache()
    await run_cycles(dut, m, stimulus(tb_rng("cache"), m),
                     ["cpu_ready", "cpu_rdata", "mem_req", "mem_we", "mem_addr", "mem_wdata"],
                     init={"rst": 1, "cpu_valid": 0, "mem_ack": 0})
    assert m.stats["hit"] > 100 and m.stats["evict"] > 15 and m.stats["fill"] > 30, m.stats
