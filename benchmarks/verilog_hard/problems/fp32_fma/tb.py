"""fp32_fma: every output bit in every cycle against an exact rational model of the RISC-V
FMADD/FMSUB/FNMSUB/FNMADD/FMUL/FADD/FSUB.S datapath with a single rounding."""
import random

import cocotb
from binary32 import NV, QNAN, RDN, ResultRegister, is_inf, is_nan, is_snan, round_pack, value

from harness.tbkit import run_cycles, tb_rng

FMADD, FMSUB, FNMSUB, FNMADD, FMUL, FADD, FSUB = range(7)
SIGN = 1 << 31


def is_zero(x):
    return x & 0x7FFFFFFF == 0


def fma(op, a, b, c, rm):
    """(result, flags) of one operation, case by case as the specification orders them."""
    used = [a, c] if op >= FADD else [a, b] if op == FMUL else [a, b, c]
    prod = op <= FMUL
    inf_zero = prod and ((is_inf(a) and is_zero(b)) or (is_inf(b) and is_zero(a)))
    if any(is_nan(x) for x in used):
        return QNAN, NV if (any(is_snan(x) for x in used) or inf_zero) else 0
    if inf_zero:
        return QNAN, NV
    neg_p = op in (FNMSUB, FNMADD)
    neg_q = op in (FMSUB, FNMADD, FSUB)
    p_sign = ((a ^ b) >> 31 if prod else a >> 31) ^ neg_p
    p_inf = is_inf(a) or (prod and is_inf(b))
    p_zero = is_zero(a) or (prod and is_zero(b))
    q = None if op == FMUL else c ^ (SIGN if neg_q else 0)
    if p_inf and q is not None and is_inf(q) and (q >> 31) != p_sign:
        return QNAN, NV
    if p_inf:
        return (p_sign << 31) | 0x7F800000, 0
    if q is not None and is_inf(q):
        return q, 0
    pv = value(a) * (value(b) if prod else 1)
    if neg_p:
        pv = -pv
    v = pv + (value(q) if q is not None else 0)
    if v == 0:
        if q is None:
            return p_sign << 31, 0
        if p_zero and is_zero(q) and (q >> 31) == p_sign:
            return q, 0
        return (SIGN if rm == RDN else 0), 0
    return round_pack(v, rm)


SPECIALS = [0x00000000, 0x00000001, 0x00000002, 0x007FFFFF, 0x00400000, 0x00800000, 0x00800001, 0x3F800000,
            0x3F800001, 0x3F7FFFFF, 0x3F000000, 0x33800000, 0x40000000, 0x7F7FFFFF, 0x7F000000, 0x5F800000,
            0x1F800000, 0x7F800000, 0x7FC00000, 0x7F800001, 0x7FBFFFFF, 0x7FFFFFFF, 0x34000000, 0x0B800000]


def rnd_float(rng, lo=0, hi=254, frac=None):
    e = rng.randrange(lo, hi + 1)
    f = rng.getrandbits(23) if frac is None else frac
    return (rng.getrandbits(1) << 31) | (e << 23) | f


def sparse_frac(rng):
    """A fraction with few 1 bits (products of two such are short, so ties and exact sums occur)."""
    f = 0
    for _ in range(rng.randrange(0, 4)):
        f |= 1 << rng.randrange(23)
    return f


def near(x, rng, span=3):
    return (x + rng.randrange(-span, span + 1)) & 0xFFFFFFFF


def product_bits(a, b):
    v = value(a) * value(b)
    return 0 if v == 0 else round_pack(v, 0)[0]


def three(rng):
    """One (a, b, c) triple drawn from a mixture of classes that reach the hard corners."""
    kind = rng.randrange(12)
    if kind == 0:
        return tuple(rng.choice(SPECIALS) ^ (rng.getrandbits(1) << 31) for _ in range(3))
    if kind == 1:
        return rng.getrandbits(32), rng.getrandbits(32), rng.getrandbits(32)
    if kind in (2, 3):  # cancellation: c close to -(a x b) (or +, the op decides)
        a, b = rnd_float(rng, 64, 190), rnd_float(rng, 64, 190)
        if kind == 3:
            a, b = rnd_float(rng, 100, 154, sparse_frac(rng)), rnd_float(rng, 100, 154, sparse_frac(rng))
        p = product_bits(a, b)
        return a, b, near(p ^ (rng.getrandbits(1) << 31), rng, rng.choice([0, 1, 3, 40]))
    if kind == 4:  # product far below the addend's last bit (sticky), or just below it
        a, b = rnd_float(rng, 1, 254), rnd_float(rng, 1, 254)
        pe = ((a >> 23) & 0xFF) + ((b >> 23) & 0xFF) - 127
        ce = min(254, max(0, pe + rng.choice([rng.randrange(20, 30), rng.randrange(30, 80), rng.randrange(80, 300)])))
        return a, b, rnd_float(rng, ce, ce, rng.choice([0, sparse_frac(rng), rng.getrandbits(23), 0x7FFFFF]))
    if kind == 5:  # addend far below the product
        a, b = rnd_float(rng, 60, 200), rnd_float(rng, 60, 200)
        pe = ((a >> 23) & 0xFF) + ((b >> 23) & 0xFF) - 127
        ce = min(254, max(0, pe - rng.choice([rng.randrange(20, 52), rng.randrange(52, 80), rng.randrange(80, 300)])))
        if rng.random() < 0.4:  # exact products, so a tiny addend alone decides NX and directed rounding
            a, b = rnd_float(rng, 60, 200, sparse_frac(rng)), rnd_float(rng, 60, 200, sparse_frac(rng))
            pe = ((a >> 23) & 0xFF) + ((b >> 23) & 0xFF) - 127
            ce = min(254, max(0, pe - rng.choice([rng.randrange(20, 52), rng.randrange(52, 80), rng.randrange(80, 300)])))
        return a, b, rnd_float(rng, ce, ce, rng.choice([0, 1, rng.getrandbits(23), 0x7FFFFF]))
    if kind == 6:  # subnormal and tiny products, subnormal addends
        a = rnd_float(rng, 0, 127)
        lo = max(0, 127 - ((a >> 23) & 0xFF) - 30)
        b = rnd_float(rng, lo, min(254, lo + 40))
        return a, b, rng.choice([rnd_float(rng, 0, 2), 0, 1 << 31, rnd_float(rng, 0, 0)])
    if kind == 7:  # products around 2^-126 (tininess boundary, round up into the smallest normal)
        a = rnd_float(rng, 1, 253, 0x7FFFFF - rng.randrange(4) if rng.random() < 0.5 else rng.getrandbits(23))
        eb = 127 - ((a >> 23) & 0xFF) + rng.choice([-1, 0])
        b = rnd_float(rng, max(0, min(254, eb + 1)), max(0, min(254, eb + 1)), rng.choice([0x7FFFFF, 0x7FFFFE, 0x400000,
                                                                                     rng.getrandbits(23)]))
        return a, b, rng.choice([0, 1 << 31, rnd_float(rng, 0, 0, rng.randrange(4)), 0x00800000 | 1 << 31])
    if kind == 8:  # near overflow, the addend pulling back or pushing over
        a, b = rnd_float(rng, 190, 254), rnd_float(rng, 120, 140)
        return a, b, rnd_float(rng, 240, 254, rng.choice([0x7FFFFF, rng.getrandbits(23)]))
    if kind == 9:  # ties: short significands, addend a power of two near the half ulp
        a, b = rnd_float(rng, 110, 144, sparse_frac(rng)), rnd_float(rng, 110, 144, sparse_frac(rng))
        pe = ((a >> 23) & 0xFF) + ((b >> 23) & 0xFF) - 127
        return a, b, rnd_float(rng, max(0, pe - rng.choice([23, 24, 25, 26])), max(0, pe - 23), rng.choice([0, 1]))
    if kind == 10:  # one of a, b exactly a power of two (product exact), nearby exponents
        a = rnd_float(rng, 1, 254)
        b = rnd_float(rng, 100, 154, 0)
        pe = ((a >> 23) & 0xFF) + ((b >> 23) & 0xFF) - 127
        ce = min(254, max(0, pe + rng.randrange(-3, 4)))
        return a, b, rnd_float(rng, ce, ce)
    return rnd_float(rng), rnd_float(rng, 100, 154), rnd_float(rng)


DIRECTED = [
    (0, 0x3F800000, 0x40000000, 0x3F800000), (0, 0x3F800001, 0x3F800001, 0xBF800002), (0, 0x3F800001, 0x3F800001, 0),
    (0, 0x3F800000, 0x3F800000, 0x33800000), (0, 0x3F800800, 0x3F800800, 0), (0, 0x3F800800, 0x3F800800, 1),
    (0, 0x3F800800, 0x3F800800, 0x80000001), (1, 0x3F800000, 0x3F800000, 0x3F800000), (0, 0x80000000, 0x3F800000, 0),
    (3, 0, 0x3F800000, 0), (2, 0, 0x3F800000, 0), (1, 0x80000000, 0, 0), (4, 0x80000000, 0x3F800000, 0x7FC00000),
    (4, 0x80000000, 0x80000000, 0x7F800001), (4, 0x00000001, 0x00000001, 0xFF800000), (0, 0x7F800000, 0, 0x7FC00000),
    (0, 0, 0xFF800000, 0x7F800000), (3, 0x7F800000, 0, 0x3F800000), (0, 0x7F800000, 0x3F800000, 0xFF800000),
    (1, 0x7F800000, 0x3F800000, 0x7F800000), (2, 0x7F800000, 0x3F800000, 0x3F800000), (3, 0x3F800000, 0x3F800000,
                                                                                         0x7F800000),
    (0, 0x7F000000, 0x40000000, 0xFF7FFFFF), (0, 0x7F7FFFFF, 0x7F7FFFFF, 0x3F800000), (0, 0x7F7FFFFF, 0x7F7FFFFF,
                                                                                         0xFF7FFFFF),
    (0, 0x00800000, 0x3F000000, 0x80000001), (0, 0x00800000, 0x3F7FFFFF, 0), (0, 0x00800000, 0x3F7FFFFF, 0x80000000),
    (5, 0x3F800000, 0x7F800001, 0x3F800000), (6, 0x3F800000, 0x7F800001, 0x3F800000), (5, 0x7F800000, 0, 0xFF800000),
    (6, 0x7F800000, 0, 0x7F800000), (5, 0x00000001, 0, 0x80000001), (6, 0x80000000, 0x7FC00000, 0x00000000),
    (0, 0x00000001, 0x00000001, 0), (0, 0x00000001, 0x00000001, 0x80000000), (0, 0x00000001, 0x00000001, 0x00000001),
    (0, 0x00000001, 0x00000001, 0x3F800000), (1, 0x00000001, 0x00000001, 0x3F800000), (0, 0x7F7FFFFF, 0x40000000, 0),
    (0, 0x7F7FFFFF, 0x3F800001, 0xF3800000), (0, 0x5F800000, 0x5F800000, 0xFF7FFFFF), (4, 0x00800000, 0x00800000, 0),
    (0, 0x7F800001, 0x7F800000, 0), (0, 0x7FC00000, 0x7F800000, 0), (0, 0x7FC00000, 0x3F800000, 0x7F800001),
    (4, 0x7F800000, 0x00000000, 0), (4, 0x7FC00000, 0x00000000, 0), (4, 0xFF800000, 0x80000001, 0x7F800001),
    (0, 0x7A000000, 0x00000001, 0x80000001), (0, 0x7A000000, 0x00000001, 0x00000001), (2, 0x7A000000, 0x00000001,
                                                                                         0x00000001),
    (0, 0x80000001, 0x00000001, 0x00800000), (0, 0x00000001, 0x00000001, 0x80800000), (0, 0x80000001, 0x00000001,
                                                                                         0x3F800000),
    (0, 0x5A800001, 0x00000001, 0x00000001), (0, 0x5A800000, 0x00000003, 0x80000001),
]


def stimulus(rng):
    def cyc(rst=0, valid=0, op=0, a=0, b=0, c=0, rm=0):
        return {"rst": rst, "in_valid": valid, "op": op, "a": a, "b": b, "c": c, "rm": rm}
    yield cyc(rst=1, valid=1, a=0x3F800000, b=0x3F800000)
    yield cyc(rst=1)
    yield cyc(valid=0, op=7, a=rng.getrandbits(32), b=rng.getrandbits(32), rm=7)
    for op, a, b, c in DIRECTED:
        for rm in range(5):
            yield cyc(valid=1, op=op, a=a, b=b, c=c, rm=rm)
            yield cyc(valid=1, op=op, a=b, b=a, c=c, rm=rm)
    for _ in range(7000):
        a, b, c = three(rng)
        if rng.random() < 0.5:
            a, b = b, a
        op = rng.choice([0, 0, 1, 2, 3, 4, 5, 6]) if rng.random() < 0.85 else rng.randrange(4)
        if op >= FADD and rng.random() < 0.6:
            b = rng.choice([rng.getrandbits(32), 0x7F800001, 0x7F800000, 0])
            c = near(a ^ (rng.getrandbits(1) << 31), rng, 8) if rng.random() < 0.3 else c
        if op == FMUL and rng.random() < 0.5:
            c = rng.choice([rng.getrandbits(32), 0x7F800001, 0xFF800000])
        if rng.random() < 0.1:
            yield cyc(valid=0, op=rng.randrange(8), a=rng.getrandbits(32), b=rng.getrandbits(32),
                      c=rng.getrandbits(32), rm=rng.randrange(8))
        yield cyc(rst=int(rng.random() < 0.002), valid=1, op=op, a=a, b=b, c=c, rm=rng.randrange(5))
    yield cyc()


@cocotb.test()
async def test_fp32_fma(dut):
    rng = random.Random(tb_rng("fp32_fma").random())
    init = {"rst": 1, "in_valid": 0, "op": 0, "a": 0, "b": 0, "c": 0, "rm": 0}
    model = ResultRegister(lambda i: fma(i["op"], i["a"], i["b"], i["c"], i["rm"]))
    await run_cycles(dut, model, stimulus(rng), model.NAMES, init=init)
