import os
import random

import cocotb
from cocotb.triggers import Timer

CORNERS = [0x00, 0x01, 0x02, 0x3F, 0x40, 0x7E, 0x7F, 0x80, 0x81, 0xC0, 0xFE, 0xFF]


def s8(x):
    return x - 256 if x & 0x80 else x


def model(a, b, sgn):
    x, y = (s8(a), s8(b)) if sgn else (a, b)
    return int(x == y), int(x < y), int(x > y)


async def check(dut, a, b, sgn):
    dut.a.value = a
    dut.b.value = b
    dut.is_signed.value = sgn
    await Timer(1, unit="ns")
    exp = model(a, b, sgn)
    got = (int(dut.eq.value), int(dut.lt.value), int(dut.gt.value))
    assert got == exp, (
        f"a=0x{a:02x} b=0x{b:02x} is_signed={sgn}: expected (eq,lt,gt)={exp} got {got}"
    )


@cocotb.test()
async def directed(dut):
    for sgn in (0, 1):
        for a in CORNERS:
            for b in CORNERS:
                await check(dut, a, b, sgn)
        # neighbours: equal, one apart, and single-bit differences
        for a in range(256):
            await check(dut, a, a, sgn)
            await check(dut, a, (a + 1) & 0xFF, sgn)
            await check(dut, a, (a - 1) & 0xFF, sgn)
            await check(dut, a, a ^ 0x80, sgn)


@cocotb.test()
async def random_vectors(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    for _ in range(2000):
        a = rng.randrange(256)
        r = rng.random()
        if r < 0.15:
            b = a
        elif r < 0.3:
            b = a ^ (1 << rng.randrange(8))
        else:
            b = rng.randrange(256)
        await check(dut, a, b, rng.randrange(2))
