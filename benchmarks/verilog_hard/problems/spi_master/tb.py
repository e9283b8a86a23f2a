import cocotb

from harness.tbkit import run_cycles, tb_rng


class Spi:
    def __init__(self):
        self.known = False
        self.bytes_rx = 0
        self.modes = set()
        self.toggles = 0           # sclk toggles since the last start
        self.done_shapes = set()   # (div, nbytes) of the transfers that ran to the end

    def reset(self):
        self.known = True
        self.busy, self.cs_n, self.tx_load, self.rx_valid, self.rx_data = 0, 1, 0, 0, 0
        self.ending = self.sclk_r = self.cpha = self.hc = self.div = self.t = self.left = self.tsh = self.rsh = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"busy": self.busy, "cs_n": self.cs_n, "tx_load": self.tx_load, "rx_valid": self.rx_valid,
                "rx_data": self.rx_data, "sclk": self.sclk_r if self.busy else inp["cpol"],
                "mosi": self.tsh >> 7 & 1 if self.busy else 0}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        if not self.known:
            return
        self.tx_load = self.rx_valid = 0
        if not self.busy:
            if inp["start"]:
                self.busy, self.cs_n, self.ending, self.sclk_r = 1, 0, 0, inp["cpol"]
                self.cpha, self.div, self.left, self.tsh = inp["cpha"], inp["div"], inp["nbytes"], inp["tx_data"]
                self.tx_load, self.t, self.hc = 1, 0, 0
                self.modes.add((inp["cpol"], inp["cpha"]))
                self.toggles, self.nbytes = 0, inp["nbytes"]
            return
        if self.hc != self.div:
            self.hc += 1
            return
        self.hc = 0
        if self.ending:
            self.cs_n, self.busy = 1, 0
            self.done_shapes.add((self.div, self.nbytes))
            return
        self.sclk_r ^= 1
        self.toggles += 1
        n = self.t + 1
        sample = (n % 2 == 0) if self.cpha else (n % 2 == 1)
        shift = (n % 2 == 1 and n != 1) if self.cpha else (n % 2 == 0 and n != 16)
        old_rsh = self.rsh
        if sample:
            self.rsh = ((self.rsh << 1) | inp["miso"]) & 0xFF
        if shift:
            self.tsh = (self.tsh << 1) & 0xFF
        if n == 16:
            self.t = 0
            self.rx_data = ((old_rsh << 1) | inp["miso"]) & 0xFF if self.cpha else old_rsh
            self.rx_valid = 1
            self.bytes_rx += 1
            if self.left:
                self.left -= 1
                self.tsh, self.tx_load = inp["tx_data"], 1
            else:
                self.ending = 1
        else:
            self.t = n


def stimulus(rng, m):
    s = {"rst": 0, "start": 0, "cpol": 0, "cpha": 0, "div": 0, "nbytes": 0, "tx_data": 0xA5, "miso": 0}
    yield {**s, "rst": 1, "start": 1}
    plan = [(0, 0, 0, 0), (1, 0, 0, 0), (0, 1, 0, 0), (1, 1, 0, 0), (0, 0, 1, 1), (1, 1, 2, 2), (0, 1, 3, 1),
            (1, 0, 0, 2)]
    plan += [(rng.getrandbits(1), rng.getrandbits(1), rng.choice((0, 0, 1, 2)),
              rng.choice((0, 1, 2, 0, 1, 2, rng.randrange(16)))) for _ in range(14)]
    # the whole declared ranges (red team 16: a design that kept div[1:0] and nbytes[1:0] passed):
    # 16 bytes at the top byte count; one whole byte at the top divider (255: 256 cycles a half
    # period); then, for each divider bit k in a drawn order, a transfer at a divider with bit k set
    # and random lower bits (any byte count) that is cut by a reset a few cycles after its first
    # toggle, whose time shows every divider bit (and the half-period counter reaching it)
    plan += [(rng.getrandbits(1), rng.getrandbits(1), rng.choice((0, 1)), 15),
             (rng.getrandbits(1), rng.getrandbits(1), 255, 0)]
    bits = list(range(8))
    rng.shuffle(bits)
    plan += [(rng.getrandbits(1), rng.getrandbits(1), (1 << k) | rng.randrange(1 << k), rng.randrange(16), True)
             for k in bits]
    for cpol, cpha, div, nb, *cut in plan:
        # idle gap: sclk follows cpol, mode inputs wander
        for _ in range(rng.randrange(0, 3)):
            yield {**s, "cpol": rng.getrandbits(1), "miso": rng.getrandbits(1)}
        s.update(cpol=cpol, cpha=cpha, div=div, nbytes=nb, tx_data=rng.getrandbits(8))
        yield {**s, "start": 1, "miso": rng.getrandbits(1)}
        after = rng.randint(1, 3)      # cycles past the first toggle before a cut transfer's reset
        while m.busy:
            if cut and m.toggles and not (after := after - 1):
                yield {**s, "rst": 1, "miso": rng.getrandbits(1)}
                break
            # inputs change during the transfer: only the latched copies count
            drive = {**s, "start": int(rng.random() < 0.1), "miso": rng.getrandbits(1),
                     "cpol": s["cpol"] ^ int(rng.random() < 0.2), "cpha": s["cpha"] ^ int(rng.random() < 0.2),
                     "div": rng.choice((s["div"], s["div"], 3, rng.randrange(256))), "nbytes": rng.randrange(16)}
            if m.tx_load:
                s["tx_data"] = rng.getrandbits(8)
            drive["tx_data"] = s["tx_data"]
            yield drive
    # reset in the middle of a transfer
    yield {**s, "start": 1, "div": 1, "nbytes": 3}
    for _ in range(9):
        yield {**s, "miso": 1}
    yield {**s, "rst": 1}
    yield {**s}


@cocotb.test()
async def test_spi_master(dut):
    m = Spi()
    await run_cycles(dut, m, stimulus(tb_rng("spi"), m),
                     ["busy", "cs_n", "tx_load", "rx_valid", "rx_data", "sclk", "mosi"],
                     init={"rst": 1, "start": 0, "cpol": 0})
    assert m.bytes_rx > 30 and len(m.modes) == 4, (m.bytes_rx, m.modes)
    assert any(nb == 15 for _, nb in m.done_shapes) and any(d == 255 for d, _ in m.done_shapes), m.done_shapes
