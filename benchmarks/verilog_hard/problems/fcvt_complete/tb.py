"""fcvt_complete: RISC-V FCVT.W.S / FCVT.WU.S / FCVT.S.W / FCVT.S.WU against an exact rational model,
every output bit in every cycle."""
import random
from fractions import Fraction

import cocotb
from binary32 import NV, NX, RDN, RNE, RTZ, RUP, ResultRegister, is_inf, is_nan, round_pack, value

from harness.tbkit import run_cycles, tb_rng

MASK = 0xFFFFFFFF


def round_int(v, rm):
    n = v.numerator // v.denominator   # floor
    frac = v - n
    if frac == 0:
        return n
    if rm == RTZ:
        return n + 1 if v < 0 else n
    if rm == RDN:
        return n
    if rm == RUP:
        return n + 1
    half = Fraction(1, 2)
    if frac > half:
        return n + 1
    if frac < half:
        return n
    if rm == RNE:
        return n + (n & 1)
    return n + 1 if v > 0 else n   # RMM: away from zero


def fcvt(op, rm, a):
    if op >= 2:
        v = a - (1 << 32) if (op == 2 and a >> 31) else a
        if v == 0:
            return 0, 0
        return round_pack(Fraction(v), rm)
    signed = op == 0
    lo, hi = (-(1 << 31), (1 << 31) - 1) if signed else (0, MASK)
    if is_nan(a):
        return hi & MASK, NV
    if is_inf(a):
        return (lo if a >> 31 else hi) & MASK, NV
    v = value(a)
    r = round_int(v, rm)
    if lo <= r <= hi:
        return r & MASK, (NX if r != v else 0)
    return (hi if v > 0 else lo) & MASK, NV


F_SPECIAL = [0x00000000, 0x80000000, 0x7FC00000, 0xFFC00000, 0x7F800001, 0x7F800000, 0xFF800000, 0x3F000000,
             0xBF000000, 0x3FC00000, 0xBFC00000, 0x40200000, 0xC0200000, 0x3ECCCCCD, 0xBECCCCCD, 0x3F19999A,
             0xBF19999A, 0x4F000000, 0xCF000000, 0x4EFFFFFF, 0xCEFFFFFF, 0xCF000001, 0x4F800000, 0x4F7FFFFF,
             0xBF800000, 0x3F800000, 0x00000001, 0x80000001, 0x007FFFFF, 0x7F7FFFFF, 0xFF7FFFFF, 0x4B000001,
             0x4AFFFFFF, 0x4B7FFFFF, 0xCB7FFFFF, 0x3F7FFFFF, 0xBF7FFFFF, 0x3F400000, 0xBF400000]
I_SPECIAL = [0, 1, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0x01000001, 0x01000003, 0x01000002, 0x02000006,
             0x00FFFFFF, 0x01FFFFFF, 0xFEFFFFFF, 0xFF000001, 0x7FFFFFC0, 0x7FFFFF80, 0x7FFFFF7F, 0x80000001,
             0xFFFFFF80, 0x00000003, 0x4000003F, 0xC0000041]


def operand(rng, op):
    if op < 2:
        r = rng.random()
        if r < 0.2:
            return rng.choice(F_SPECIAL)
        if r < 0.75:   # around the integer range, the half-way points and the 32-bit limits
            e = rng.choice((rng.randrange(118, 160), rng.randrange(125, 129), rng.randrange(156, 160)))
            frac = rng.choice((rng.getrandbits(23), rng.getrandbits(23) & ~0xFFF, 0x7FFFFF, 0, 0x400000,
                               rng.getrandbits(23) | 1))
            return (rng.getrandbits(1) << 31) | (e << 23) | frac
        return rng.getrandbits(32)
    r = rng.random()
    if r < 0.2:
        return rng.choice(I_SPECIAL)
    if r < 0.6:   # a few bits past the 24 kept: ties and near-ties
        n = rng.randrange(24, 33)
        v = (1 << (n - 1)) | rng.getrandbits(n - 1)
        v = (v & ~0xFF) | rng.choice((0x80, 0x7F, 0x81, 0x00, 0x40, 0xC0, rng.getrandbits(8)))
        return v & 0xFFFFFFFF if rng.random() < 0.7 else (-v) & 0xFFFFFFFF
    return rng.getrandbits(rng.randrange(1, 33))


def stimulus(rng):
    def cyc(rst=0, valid=0, op=0, rm=0, a=0):
        return {"rst": rst, "in_valid": valid, "op": op, "rm": rm, "a": a}
    yield cyc(rst=1, valid=1, op=2, a=5)
    yield cyc(rst=1)
    yield cyc(op=2, a=rng.getrandbits(32))
    for op in range(4):
        for a in (F_SPECIAL if op < 2 else I_SPECIAL):
            for rm in range(5):
                yield cyc(valid=1, op=op, rm=rm, a=a)
    for _ in range(6000):
        op = rng.randrange(4)
        if rng.random() < 0.1:
            yield cyc(op=rng.randrange(4), rm=rng.randrange(8), a=rng.getrandbits(32))
        yield cyc(rst=int(rng.random() < 0.002), valid=1, op=op, rm=rng.randrange(5), a=operand(rng, op))
    yield cyc()


@cocotb.test()
async def test_fcvt_unit(dut):
    rng = random.Random(tb_rng("fcvt_complete").random())
    init = {"rst": 1, "in_valid": 0, "op": 0, "rm": 0, "a": 0}
    model = ResultRegister(lambda i: fcvt(i["op"], i["rm"], i["a"]))
    await run_cycles(dut, model, stimulus(rng), model.NAMES, init=init)
