import cocotb

from harness.tbkit import run_cycles, tb_rng


class Intc:
    def __init__(self):
        self.known = False
        self.acks = self.races = 0

    def pick(self):
        active = self.pend & self.mask
        hi = active & self.prio
        cand = hi if hi else active
        ident = next((i for i in range(8) if cand >> i & 1), 0)
        return int(active != 0), ident

    def outputs(self, inp):
        if not self.known:
            return None
        irq, ident = self.pick()
        return {"pending": self.pend, "irq_out": irq, "irq_id": ident}

    def step(self, inp):
        if inp["rst"]:
            self.known, self.prev, self.pend, self.mask, self.prio = True, 0, 0, 0, 0
            return
        if not self.known:
            return
        rise = inp["irq_in"] & ~self.prev
        w1c = inp["wr_data"] if inp["wr_en"] and inp["wr_addr"] == 1 else 0
        irq, ident = self.pick()
        ackd = (1 << ident) if inp["ack"] and irq else 0
        self.acks += bool(ackd)
        self.races += bool((w1c | ackd) & rise)
        self.prev = inp["irq_in"]
        self.pend = (self.pend & ~(w1c | ackd) & 0xFF) | rise
        if inp["wr_en"] and inp["wr_addr"] == 0:
            self.mask = inp["wr_data"]
        if inp["wr_en"] and inp["wr_addr"] == 2:
            self.prio = inp["wr_data"]


def c(rst=0, irq_in=0, wr_en=0, wr_addr=0, wr_data=0, ack=0):
    return {"rst": rst, "irq_in": irq_in, "wr_en": wr_en, "wr_addr": wr_addr, "wr_data": wr_data, "ack": ack}


def stimulus(rng):
    yield c(rst=1, irq_in=0xFF)
    yield c(irq_in=0xFF)                       # high right after reset: rises
    yield c(irq_in=0xFF, wr_en=1, wr_addr=0, wr_data=0xFF)
    for _ in range(9):                          # ack them one by one, lowest first
        yield c(irq_in=0x00, ack=1)
    yield c(irq_in=0x81)
    yield c(wr_en=1, wr_addr=2, wr_data=0x80)  # 7 is high priority
    yield c(ack=1)
    yield c(irq_in=0x80, wr_en=1, wr_addr=0, wr_data=0x01)  # 7 pending but masked: 0 must win
    yield c(irq_in=0x80)
    yield c(ack=1)
    yield c(irq_in=0x00, wr_en=1, wr_addr=0, wr_data=0xFF)
    yield c(irq_in=0x24, wr_en=1, wr_addr=2, wr_data=0x24)  # 2 and 5 both high: 2 wins
    yield c(ack=1, irq_in=0x24)
    yield c(ack=1, irq_in=0x00)
    yield c(irq_in=0x10)
    yield c(irq_in=0x00, wr_en=1, wr_addr=1, wr_data=0x10)  # W1C
    yield c(irq_in=0x10, wr_en=1, wr_addr=1, wr_data=0x10)  # set and clear race: stays set
    yield c(irq_in=0x00)
    yield c(irq_in=0x10, ack=1)                             # ack and new edge race: stays set
    yield c(rst=1)
    irq = 0
    for i in range(1500):
        irq ^= rng.getrandbits(8) & rng.getrandbits(8)
        kind = rng.random()
        if kind < 0.06:
            yield c(irq_in=irq, wr_en=1, wr_addr=rng.choice([0, 2, 3]), wr_data=rng.getrandbits(8))
        elif kind < 0.12:
            yield c(irq_in=irq, wr_en=1, wr_addr=1, wr_data=rng.getrandbits(8) | irq)
        else:
            yield c(rst=int(rng.random() < 0.003), irq_in=irq, ack=int(rng.random() < 0.4))


@cocotb.test()
async def test_intc8(dut):
    m = Intc()
    await run_cycles(dut, m, stimulus(tb_rng("intc")), ["pending", "irq_out", "irq_id"], init=c(rst=1))
    assert m.acks > 100 and m.races > 20, (m.acks, m.races)
