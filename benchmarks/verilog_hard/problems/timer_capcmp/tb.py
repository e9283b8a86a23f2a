import cocotb

from harness.tbkit import run_cycles, tb_rng


class Timer:
    def __init__(self):
        self.known = False
        self.matches = self.ovfs = self.caps = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"count": self.count, "ovf": self.ovf, "cmp_match": self.cmp, "cap_val": self.cap_val,
                "cap_flag": self.cap_flag}

    def step(self, inp):
        if inp["rst"]:
            self.known = True
            self.count = self.ovf = self.pcnt = self.cmp = self.cap_prev = self.cap_val = self.cap_flag = 0
            return
        if not self.known:
            return
        tick = inp["en"] and not inp["load"] and self.pcnt >= inp["psc"]
        nxt = (self.count + 1) & 0xFFFF
        ev = inp["cap_in"] and not self.cap_prev
        if ev:
            self.cap_val = self.count
            self.caps += 1
        self.cap_flag = int((self.cap_flag and not inp["cap_clr"]) or ev)
        self.cap_prev = inp["cap_in"]
        self.cmp = int(bool(tick) and nxt == inp["cmp_val"])
        self.matches += self.cmp
        self.ovf = 0
        if inp["load"]:
            self.count, self.pcnt = inp["load_val"], 0
        elif inp["en"]:
            if tick:
                self.ovf = int(self.count == 0xFFFF)
                self.ovfs += self.ovf
                self.count, self.pcnt = nxt, 0
            else:
                self.pcnt += 1


def stimulus(rng, m):
    s = {"rst": 0, "en": 1, "load": 0, "load_val": 0, "psc": 0, "cmp_val": 5, "cap_in": 0, "cap_clr": 0}

    def c(**kw):
        return {**s, **kw}
    yield c(rst=1)
    for _ in range(8):
        yield c()                              # psc 0: counts every cycle, match at 5
    yield c(load=1, load_val=5)                # load of cmp value: no match
    yield c(en=0)
    yield c(load=1, load_val=0xFFFD, cmp_val=0)
    for _ in range(5):
        yield c(cmp_val=0)                     # wrap: ovf and match at 0 together
    s["psc"] = 3
    for i in range(14):
        yield c(en=int(i != 6))                # prescaled by 4, en gap holds the phase
    s["psc"] = 9
    for _ in range(6):
        yield c()
    yield c(psc=1)                             # lowered below the phase: ticks at once
    for _ in range(4):
        yield c(psc=1)
    yield c(load=1, load_val=0x100, psc=1)     # load resets the phase
    for _ in range(3):
        yield c(psc=1)
    for v in (1, 1, 0, 1, 0, 0, 1, 1):         # capture edges, clear races
        yield c(cap_in=v, cap_clr=int(v == 1))
    yield c(cap_clr=1)
    yield c(psc=15, en=1)
    s["psc"] = 0
    yield c(rst=1)
    for i in range(1400):
        if i % 100 == 0:
            s["psc"] = rng.choice([0, 0, 1, 2, 3, 7, 15])
        if i % 40 == 0:
            s["cmp_val"] = (m.count + rng.randrange(1, 6)) & 0xFFFF if m.known else 0
        load = rng.random() < 0.02
        yield c(rst=int(rng.random() < 0.002), en=int(rng.random() < 0.85), load=int(load),
                load_val=rng.choice([0xFFFF, 0xFFFE, s["cmp_val"], rng.getrandbits(16)]),
                psc=s["psc"] if rng.random() < 0.97 else rng.randrange(16), cap_in=int(rng.random() < 0.3),
                cap_clr=int(rng.random() < 0.1))


@cocotb.test()
async def test_timer16(dut):
    m = Timer()
    await run_cycles(dut, m, stimulus(tb_rng("timer"), m), ["count", "ovf", "cmp_match", "cap_val", "cap_flag"],
                     init={"rst": 1, "en": 0, "load": 0, "cap_in": 0, "cap_clr": 0, "psc": 0})
    assert m.matches > 10 and m.ovfs > 3 and m.caps > 100, (m.matches, m.ovfs, m.caps)
