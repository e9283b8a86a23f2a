import os
import random

import cocotb
from cocotb.triggers import Timer


def model(d, sel):
    return d[sel]


async def check(dut, d, sel):
    dut.d0.value = d[0]
    dut.d1.value = d[1]
    dut.d2.value = d[2]
    dut.d3.value = d[3]
    dut.sel.value = sel
    await Timer(1, unit="ns")
    exp = model(d, sel)
    got = int(dut.y.value)
    assert got == exp, (
        f"d0=0x{d[0]:02x} d1=0x{d[1]:02x} d2=0x{d[2]:02x} d3=0x{d[3]:02x} sel={sel}: "
        f"expected y=0x{exp:02x} got y=0x{got:02x}"
    )


@cocotb.test()
async def directed(dut):
    patterns = [
        (0x00, 0x00, 0x00, 0x00),
        (0xFF, 0xFF, 0xFF, 0xFF),
        (0x11, 0x22, 0x44, 0x88),
        (0xA5, 0x5A, 0x3C, 0xC3),
        (0x01, 0x02, 0x04, 0x08),
        (0x80, 0x40, 0x20, 0x10),
        (0xFF, 0x00, 0x00, 0x00),
        (0x00, 0xFF, 0x00, 0x00),
        (0x00, 0x00, 0xFF, 0x00),
        (0x00, 0x00, 0x00, 0xFF),
        (0xFE, 0xFD, 0xFB, 0xF7),
    ]
    for d in patterns:
        for sel in range(4):
            await check(dut, d, sel)
    # one input swept over all values while the others hold a distinct value
    for which in range(4):
        for v in range(256):
            d = [0x5A ^ (0x11 * i) for i in range(4)]
            d[which] = v
            await check(dut, d, which)
            await check(dut, d, (which + 1) % 4)


@cocotb.test()
async def random_vectors(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    for _ in range(2000):
        d = [rng.randrange(256) for _ in range(4)]
        await check(dut, d, rng.randrange(4))
