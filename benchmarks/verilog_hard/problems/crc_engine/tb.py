import cocotb

from harness.tbkit import run_cycles, tb_rng

# name -> (W, POLY, INIT, REFIN, REFOUT, XOROUT, check value of "123456789")
CONFIGS = {
    "crc32": (32, 0x04C11DB7, 0xFFFFFFFF, 1, 1, 0xFFFFFFFF, 0xCBF43926),
    "crc16f": (16, 0x1021, 0xFFFF, 0, 0, 0x0000, 0x29B1),
    "crc16a": (16, 0x8005, 0x0000, 1, 1, 0x0000, 0xBB3D),
    "crc12": (12, 0x80F, 0x000, 0, 1, 0x000, 0xDAF),
    "crc5": (5, 0x05, 0x1F, 1, 1, 0x1F, 0x19),
}


# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("clk", "rst", "start", "in_valid", "in_two", "in_data", "crc32", "crc16f", "crc16a", "crc12", "crc5")


def absorb(cfg, r, b):
    w, poly, _, refin = cfg[:4]
    mask = (1 << w) - 1
    for i in range(8):
        bit = (b >> i) & 1 if refin else (b >> (7 - i)) & 1
        fb = bit ^ ((r >> (w - 1)) & 1)
        r = (r << 1) & mask
        if fb:
            r ^= poly
    return r


def output(cfg, r):
    w, _, _, _, refout, xorout = cfg[:6]
    if refout:
        r = int(format(r, f"0{w}b")[::-1], 2)
    return r ^ xorout


class CrcModel:
    def __init__(self):
        self.r = None

    def outputs(self, inp):
        if self.r is None:
            return None
        return {name: output(cfg, self.r[name]) for name, cfg in CONFIGS.items()}

    def step(self, inp):
        if inp["rst"]:
            self.r = {name: cfg[2] for name, cfg in CONFIGS.items()}
            return
        if self.r is None:
            return
        for name, cfg in CONFIGS.items():
            r = cfg[2] if inp["start"] else self.r[name]
            if inp["in_valid"]:
                r = absorb(cfg, r, inp["in_data"] & 0xFF)
                if inp["in_two"]:
                    r = absorb(cfg, r, inp["in_data"] >> 8)
            self.r[name] = r


def beat(start=0, valid=0, two=0, data=0, rst=0):
    return {"rst": rst, "start": start, "in_valid": valid, "in_two": two, "in_data": data}


def message(rng, data, two_mode):
    """Beats carrying ``data``; two_mode 0: one byte a beat, 1: two, 2: random mix with gaps."""
    i, first = 0, True
    while i < len(data):
        if two_mode == 2 and rng.random() < 0.25:
            yield beat(start=0, valid=0, two=rng.randrange(2), data=rng.getrandbits(16))
            continue
        two = (two_mode == 1 or (two_mode == 2 and rng.random() < 0.5)) and i + 1 < len(data)
        hi = data[i + 1] if two else rng.getrandbits(8)
        yield beat(start=int(first), valid=1, two=int(two), data=data[i] | (hi << 8))
        i += 2 if two else 1
        first = False


def stimulus(rng):
    check = b"123456789"
    yield beat(rst=1, start=1, valid=1, two=1, data=0xFFFF)
    yield beat()
    for mode in (0, 1, 2):
        yield from message(rng, check, mode)
        yield beat()
    # start without data: back to INIT, then unchanged
    yield beat(start=1)
    yield beat()
    yield beat(valid=1, data=0x00)
    yield beat(valid=1, two=1, data=0xFFFF)
    yield beat(valid=1, two=1, data=0x8001)
    # start in the middle of a message, reset in the middle of a message
    yield from message(rng, [0xA5, 0x5A, 0x00], 0)
    yield beat(start=1, valid=1, two=1, data=0x1234)
    yield beat(valid=1, data=0x80)
    yield beat(rst=1, valid=1, data=0x55)
    yield beat(valid=1, data=0x01)
    for _ in range(60):
        n = rng.choice([1, 2, 3, 4, 7, 16])
        data = [rng.choice([0x00, 0xFF, 0x80, 0x01, rng.getrandbits(8)]) for _ in range(n)]
        yield from message(rng, data, rng.randrange(3))
        for _ in range(rng.randrange(3)):
            yield beat(start=int(rng.random() < 0.1), two=rng.randrange(2), data=rng.getrandbits(16))
        if rng.random() < 0.03:
            yield beat(rst=1, start=rng.randrange(2), valid=rng.randrange(2), data=rng.getrandbits(16))


@cocotb.test()
async def test_crc_engine(dut):
    for name, cfg in CONFIGS.items():  # the model itself must match the catalogue
        r = cfg[2]
        for b in b"123456789":
            r = absorb(cfg, r, b)
        assert output(cfg, r) == cfg[6], f"model error for {name}"
    await run_cycles(dut, CrcModel(), stimulus(tb_rng("crc")), list(CONFIGS),
                     init={"rst": 1, "start": 0, "in_valid": 0, "in_two": 0, "in_data": 0})
