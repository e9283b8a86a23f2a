import math

import cocotb

from harness.tbkit import run_cycles, tb_rng

KC = 19898
ATAN = [8192, 4836, 2555, 1297, 651, 326, 163, 81, 41, 20, 10, 5, 3, 1]


def s16(v):
    v &= 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


def cordic(angle):
    """The bit-exact arithmetic of the specification; returns (cos, sin) as signed ints."""
    a = s16(angle)
    top = (angle & 0xFFFF) >> 14
    if top == 1:
        x, y, z = 0, KC, s16(a - 0x4000)
    elif top == 2:
        x, y, z = 0, -KC, s16(a + 0x4000)
    else:
        x, y, z = KC, 0, a
    for i in range(14):
        d = 1 if z >= 0 else -1
        x, y, z = x - d * (y >> i), y + d * (x >> i), s16(z - d * ATAN[i])
    return x, y


class Cordic:
    def __init__(self):
        self.known = False
        self.results = 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"busy": int(self.left > 0), "done": self.done, "cos_out": self.c & 0x3FFFF,
                "sin_out": self.s & 0x3FFFF}

    def step(self, inp):
        if inp["rst"]:
            self.known, self.left, self.done, self.c, self.s = True, 0, 0, 0, 0
            return
        if not self.known:
            return
        self.done = 0
        if self.left == 0:
            if inp["start"]:
                self.left, self.pending = 14, cordic(inp["angle"])
        else:
            self.left -= 1
            if self.left == 0:
                self.done, (self.c, self.s) = 1, self.pending
                self.results += 1


def stimulus(rng, m):
    directed = [0x0000, 0x4000, 0xC000, 0x8000, 0x7FFF, 0x3FFF, 0x4001, 0xBFFF, 0xC001, 0x0001, 0xFFFF,
                0x2000, 0xE000, 0x6000, 0xA000, 0x1555, 0x9000]
    angles = directed + [rng.getrandbits(16) for _ in range(90)]
    yield {"rst": 1, "start": 1, "angle": 0x1234}
    first = True
    while angles or m.left:
        if m.left == 0 and angles:
            go = first or rng.random() < 0.6 or m.done
            a = angles[0]
            if go:
                angles.pop(0)
            first = False
            yield {"rst": 0, "start": int(go), "angle": a}
        else:
            yield {"rst": 0, "start": int(rng.random() < 0.3), "angle": rng.getrandbits(16)}
    for _ in range(3):
        yield {"rst": 0, "start": 0, "angle": 0}
    # reset in the middle of an operation
    yield {"rst": 0, "start": 1, "angle": 0x2000}
    for _ in range(5):
        yield {"rst": 0, "start": 0, "angle": 0}
    yield {"rst": 1, "start": 0, "angle": 0}
    for _ in range(17):
        yield {"rst": 0, "start": 0, "angle": 0}


@cocotb.test()
async def test_cordic(dut):
    for a in range(0, 65536, 997):  # the model is a good sine/cosine
        c, s = cordic(a)
        ang = s16(a) * math.pi / 32768
        assert abs(c / 32768 - math.cos(ang)) < 5e-4 and abs(s / 32768 - math.sin(ang)) < 5e-4, a
    m = Cordic()
    await run_cycles(dut, m, stimulus(tb_rng("cordic"), m), ["busy", "done", "cos_out", "sin_out"],
                     init={"rst": 1, "start": 0, "angle": 0})
    assert m.results > 100
