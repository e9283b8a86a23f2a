"""fp32_mul: every output bit in every cycle against an exact rational model of RISC-V FMUL.S."""
import random

import cocotb
from binary32 import NV, QNAN, ResultRegister, is_inf, is_nan, is_snan, round_pack, value

from harness.tbkit import run_cycles, tb_rng


def fmul(a, b, rm):
    s = (a ^ b) >> 31
    if is_nan(a) or is_nan(b):
        return QNAN, NV if (is_snan(a) or is_snan(b)) else 0
    za, zb = (a & 0x7FFFFFFF) == 0, (b & 0x7FFFFFFF) == 0
    if (is_inf(a) and zb) or (is_inf(b) and za):
        return QNAN, NV
    if is_inf(a) or is_inf(b):
        return (s << 31) | 0x7F800000, 0
    if za or zb:
        return s << 31, 0
    return round_pack(value(a) * value(b), rm)


SPECIALS = [0x00000000, 0x00000001, 0x00000002, 0x007FFFFF, 0x007FFFFE, 0x00800000, 0x00800001, 0x00400000,
            0x3F800000, 0x3F800001, 0x3F7FFFFF, 0x33800000, 0x34000000, 0x7F7FFFFF, 0x7F7FFFFE, 0x7F000000,
            0x7F800000, 0x7FC00000, 0x7F800001, 0x7FBFFFFF, 0x7FFFFFFF, 0x40000000, 0x4B800000, 0x01000000]


def operand_pair(rng):
    """One (a, b) pair drawn from a mixture of classes that reach the hard corners."""
    sgn = rng.getrandbits(1) << 31
    kind = rng.randrange(9)
    if kind == 0:
        return rng.choice(SPECIALS) | (rng.getrandbits(1) << 31), rng.choice(SPECIALS) | sgn
    if kind == 1:
        return rng.getrandbits(32), rng.getrandbits(32)
    fa = rng.choice([rng.getrandbits(23), rng.getrandbits(23), 0x7FFFFF - rng.randrange(8), rng.randrange(8),
                     0x400000, rng.getrandbits(23) & ~0xFFFF])
    fb = rng.choice([rng.getrandbits(23), rng.getrandbits(23), 0x7FFFFF - rng.randrange(8), rng.randrange(8),
                     0x400000, 0])
    if kind in (2, 3, 4):  # product exponent around the underflow boundary and below it
        target = rng.choice([rng.randrange(-2, 2), rng.randrange(-26, 3), rng.randrange(-160, -20)])
        ea = rng.randrange(1, 255)
        eb = target - ea + 127
        if not 1 <= eb <= 254:
            eb = rng.randrange(0, 4)
        return (rng.getrandbits(1) << 31) | (ea << 23) | fa, sgn | (eb << 23) | fb
    if kind == 5:  # subnormal operand times a large normal one
        ea = rng.randrange(100, 255)
        return (rng.getrandbits(1) << 31) | (ea << 23) | fa, sgn | rng.choice([rng.getrandbits(23), rng.randrange(1, 64)])
    if kind == 6:  # near overflow
        ea = rng.randrange(120, 255)
        eb = min(254, max(1, 254 - ea + 127 + rng.randrange(-2, 3)))
        return (rng.getrandbits(1) << 31) | (ea << 23) | fa, sgn | (eb << 23) | fb
    if kind == 7:  # few significant bits: exact products and exact ties
        return (rng.getrandbits(1) << 31) | (rng.randrange(0, 255) << 23) | (rng.getrandbits(4) << 19), \
            sgn | (rng.randrange(0, 255) << 23) | (rng.getrandbits(3) << 20)
    return (rng.getrandbits(1) << 31) | (rng.randrange(1, 255) << 23) | fa, sgn | (rng.randrange(1, 255) << 23) | fb


DIRECTED = [
    (0x3F800000, 0x40400000), (0x3F800001, 0x3F800001), (0x00000001, 0x3F000000), (0x00800000, 0x3F000000),
    (0x7F000000, 0x40000000), (0xFF000000, 0x40000000), (0x7F800000, 0x80000000), (0x00000000, 0xFF800000),
    (0xFF800000, 0x00000001), (0x7FA00000, 0x7F800000), (0x7FC00000, 0x00000000), (0x00000001, 0x00000001),
    (0x007FFFFF, 0x3F800001), (0x00FFFFFF, 0x3F000000), (0x3F7FFFFF, 0x00800000), (0x3F7FFFFF, 0x00800001),
    (0x3F7FFFFF, 0x80800000), (0x7F7FFFFF, 0x3F800001), (0x7F7FFFFF, 0x3F7FFFFF), (0x00000003, 0x3F000000),
    (0x00400000, 0x40000000), (0x00000001, 0x4B000000), (0x00000001, 0x7F7FFFFF), (0x1F800000, 0x1F800000),
    (0x20000000, 0x1F7FFFFF), (0x3FFFFFFF, 0x3FFFFFFF), (0x80000000, 0x80000000), (0x7F800000, 0xFF800000),
]


def stimulus(rng):
    def cyc(rst=0, valid=0, a=0, b=0, rm=0):
        return {"rst": rst, "in_valid": valid, "a": a, "b": b, "rm": rm}
    yield cyc(rst=1, valid=1, a=0x3F800000, b=0x3F800000)
    yield cyc(rst=1)
    yield cyc(valid=0, a=rng.getrandbits(32), b=rng.getrandbits(32))
    for a, b in DIRECTED:
        for rm in range(5):
            yield cyc(valid=1, a=a, b=b, rm=rm)
            yield cyc(valid=1, a=b, b=a, rm=rm)
    for n in range(7000):
        a, b = operand_pair(rng)
        if rng.random() < 0.5:
            a, b = b, a
        if rng.random() < 0.1:
            yield cyc(valid=0, a=rng.getrandbits(32), b=rng.getrandbits(32), rm=rng.randrange(8))
        yield cyc(rst=int(rng.random() < 0.002), valid=1, a=a, b=b, rm=rng.randrange(5))
    yield cyc()


@cocotb.test()
async def test_fp32_mul(dut):
    rng = random.Random(tb_rng("fp32_mul").random())
    init = {"rst": 1, "in_valid": 0, "a": 0, "b": 0, "rm": 0}
    model = ResultRegister(lambda i: fmul(i["a"], i["b"], i["rm"]))
    await run_cycles(dut, model, stimulus(rng), model.NAMES, init=init)
