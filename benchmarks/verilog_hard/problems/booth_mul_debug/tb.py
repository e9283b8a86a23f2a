import random

import cocotb
from cocotb.triggers import Timer

from harness.tbkit import read, tb_seed


def expected(s, a, b):
    if s:
        a = a - 65536 if a & 0x8000 else a
        b = b - 65536 if b & 0x8000 else b
    return (a * b) & 0xFFFFFFFF


async def check(dut, s, a, b, what):
    dut.is_signed.value = s
    dut.a.value = a
    dut.b.value = b
    await Timer(1, unit="ns")
    exp = expected(s, a, b)
    got = read(dut.product)
    if got != exp:
        shown = got if isinstance(got, str) else f"0x{got:08x}"
        raise AssertionError(f"{what}: is_signed={s} a=0x{a:04x} b=0x{b:04x}: product expected 0x{exp:08x} "
                             f"got {shown}")


@cocotb.test()
async def test_small_operands(dut):
    """Operands -8..8 (signed) and 0..16 (unsigned), every pair."""
    for s in (1, 0):
        vals = [v & 0xFFFF for v in range(-8, 9)] if s else list(range(17))
        for a in vals:
            for b in vals:
                await check(dut, s, a, b, "small operands")


@cocotb.test()
async def test_corners(dut):
    corners = [0, 1, 2, 3, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0xFFFE, 0x5555, 0xAAAA, 0x4000, 0xC000, 0x00FF]
    for s in (0, 1):
        for a in corners:
            for b in corners:
                await check(dut, s, a, b, "corner operands")


@cocotb.test()
async def test_random(dut):
    rng = random.Random(tb_seed())
    for n in range(1500):
        s = rng.getrandbits(1)
        a = rng.getrandbits(16)
        b = rng.getrandbits(16)
        if rng.random() < 0.2:
            a &= rng.choice((0x00FF, 0x0FFF, 0x7FFF))
        if rng.random() < 0.2:
            b |= rng.choice((0x8000, 0xC000, 0xFF00))
        await check(dut, s, a, b, f"random #{n}")
