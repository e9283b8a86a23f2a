"""fp32_add: every output bit in every cycle against an exact rational model of RISC-V FADD.S/FSUB.S."""
import random

import cocotb
from binary32 import NV, QNAN, RDN, ResultRegister, is_inf, is_nan, is_snan, round_pack, value

from harness.tbkit import run_cycles, tb_rng


def fadd(a, b, sub, rm):
    if sub:
        b ^= 1 << 31
    if is_nan(a) or is_nan(b):
        return QNAN, NV if (is_snan(a) or is_snan(b)) else 0
    if is_inf(a) and is_inf(b):
        if (a ^ b) >> 31:
            return QNAN, NV
        return a, 0
    if is_inf(a):
        return a, 0
    if is_inf(b):
        return b, 0
    v = value(a) + value(b)
    if v == 0:
        if a >> 31 and b >> 31 and value(a) == 0 and value(b) == 0:
            return 1 << 31, 0
        if (a >> 31) == (b >> 31) and value(a) == 0:
            return a, 0
        return (1 << 31 if rm == RDN else 0), 0
    return round_pack(v, rm)


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
    ea = rng.randrange(0, 255)
    a = (rng.getrandbits(1) << 31) | (ea << 23) | rng.getrandbits(23)
    if kind == 2:  # nearby exponents
        eb = min(254, max(0, ea + rng.randrange(-3, 4)))
        return a, sgn | (eb << 23) | rng.getrandbits(23)
    if kind == 3:  # cancellation: b close to -a or a
        return a, (a ^ (rng.getrandbits(1) << 31)) + rng.randrange(-3, 4) & 0xFFFFFFFF
    if kind == 4:  # alignment distances around the guard bits and far beyond
        eb = ea - rng.choice([rng.randrange(20, 30), rng.randrange(30, 70), rng.randrange(0, 255)])
        frac = rng.choice([0, 0x400000, rng.getrandbits(23), 0x7FFFFF, 1])
        return a, sgn | (max(0, eb) << 23) | frac
    if kind == 5:  # subnormal / tiny range
        return (rng.getrandbits(1) << 31) | (rng.randrange(0, 3) << 23) | rng.getrandbits(23), \
            sgn | (rng.randrange(0, 3) << 23) | rng.getrandbits(23)
    if kind == 6:  # near overflow
        return (rng.getrandbits(1) << 31) | (rng.randrange(250, 255) << 23) | rng.getrandbits(23), \
            sgn | (rng.randrange(230, 255) << 23) | rng.choice([rng.getrandbits(23), 0x7FFFFF])
    if kind == 7:  # ties and half-ulp neighbours: b is a power of two near a's half ulp
        eb = max(0, ea - rng.choice([23, 24, 25]))
        return (a & ~0x7) | rng.randrange(8), sgn | (eb << 23) | rng.choice([0, 1, 0x7FFFFF, 0x400000])
    return a, sgn | (ea << 23) | rng.getrandbits(23)  # equal exponents


DIRECTED = [
    (0x3F800000, 0x3F800000, 0), (0x3F800000, 0x33800000, 0), (0x3F800000, 0x33800001, 0),
    (0x3F800001, 0x33800000, 0), (0x7F7FFFFF, 0x7F7FFFFF, 0), (0xFF7FFFFF, 0xFF7FFFFF, 0),
    (0x00000001, 0x00000001, 1), (0x80000000, 0x80000000, 0), (0x80000000, 0x00000000, 0),
    (0x00000000, 0x00000000, 1), (0x80000000, 0x00000000, 1), (0x7F800000, 0x7F800000, 1),
    (0x7F800000, 0xFF800000, 0), (0xFF800000, 0xFF800000, 0), (0x7F800000, 0x3F800000, 1),
    (0x3F800000, 0xFF800000, 1), (0x7F800001, 0x3F800000, 0), (0x3F800000, 0xFFC00000, 1),
    (0x7FC00000, 0x7F800001, 0), (0x007FFFFF, 0x00000001, 0), (0x00800000, 0x00000001, 1),
    (0x3F800000, 0x3F7FFFFF, 1), (0x4B800000, 0xBF800000, 0), (0x4B800000, 0x3F800000, 0),
    (0x7F7FFFFF, 0x73000000, 0), (0x7F7FFFFF, 0x72FFFFFF, 0), (0x3F800000, 0x00000001, 1),
    (0x3F800000, 0x00000001, 0), (0x00000003, 0x80000001, 0), (0x3FFFFFFF, 0x33800000, 0),
]


def stimulus(rng):
    def cyc(rst=0, valid=0, a=0, b=0, sub=0, rm=0):
        return {"rst": rst, "in_valid": valid, "a": a, "b": b, "sub": sub, "rm": rm}
    yield cyc(rst=1, valid=1, a=0x3F800000, b=0x3F800000)
    yield cyc(rst=1)
    yield cyc(valid=0, a=rng.getrandbits(32), b=rng.getrandbits(32))
    for a, b, sub in DIRECTED:
        for rm in range(5):
            yield cyc(valid=1, a=a, b=b, sub=sub, rm=rm)
            yield cyc(valid=1, a=b, b=a, sub=sub, rm=rm)
    for n in range(7000):
        a, b = operand_pair(rng)
        if rng.random() < 0.5:
            a, b = b, a
        if rng.random() < 0.1:
            yield cyc(valid=0, a=rng.getrandbits(32), b=rng.getrandbits(32), sub=rng.getrandbits(1),
                      rm=rng.randrange(8))
        yield cyc(rst=int(rng.random() < 0.002), valid=1, a=a, b=b, sub=rng.getrandbits(1), rm=rng.randrange(5))
    yield cyc()


@cocotb.test()
async def test_fp32_add(dut):
    rng = random.Random(tb_rng("fp32_add").random())
    init = {"rst": 1, "in_valid": 0, "a": 0, "b": 0, "sub": 0, "rm": 0}
    model = ResultRegister(lambda i: fadd(i["a"], i["b"], i["sub"], i["rm"]))
    await run_cycles(dut, model, stimulus(rng), model.NAMES, init=init)
