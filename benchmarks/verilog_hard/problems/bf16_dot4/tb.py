"""bf16_dot4: every output bit in every cycle against an exact rational model of a four-term
bfloat16 dot product plus a binary32 addend with one binary32 rounding."""
import random
from fractions import Fraction

import cocotb
from binary32 import NV, QNAN, RDN, ResultRegister, round_pack, value

from harness.tbkit import run_cycles, tb_rng


def bf(x):
    """A bfloat16 pattern widened to the binary32 pattern with the same value."""
    return x << 16


def is_nan(x):
    return (x >> 23) & 0xFF == 0xFF and x & 0x7FFFFF


def is_inf(x):
    return x & 0x7FFFFFFF == 0x7F800000


def is_zero(x):
    return x & 0x7FFFFFFF == 0


def dot4(a, b, c, rm):
    """(result, flags) as the specification orders the cases."""
    pa = [bf((a >> (16 * i)) & 0xFFFF) for i in range(4)]
    pb = [bf((b >> (16 * i)) & 0xFFFF) for i in range(4)]
    ops = pa + pb + [c]
    inf_zero = any((is_inf(x) and is_zero(y)) or (is_zero(x) and is_inf(y)) for x, y in zip(pa, pb))
    if any(is_nan(x) for x in ops):
        snan = any(is_nan(x) and not (x >> 22) & 1 for x in ops)
        return QNAN, NV if (snan or inf_zero) else 0
    if inf_zero:
        return QNAN, NV
    signs = [(x ^ y) >> 31 for x, y in zip(pa, pb)] + [c >> 31]
    infs = {s for (x, y), s in zip(zip(pa + [c], pb + [0x3F800000]), signs) if is_inf(x) or is_inf(y)}
    if len(infs) == 2:
        return QNAN, NV
    if infs:
        return (infs.pop() << 31) | 0x7F800000, 0
    v = sum((value(x) * value(y) for x, y in zip(pa, pb)), Fraction(0)) + value(c)
    if v == 0:
        zeros = [is_zero(x) or is_zero(y) for x, y in zip(pa, pb)] + [is_zero(c)]
        if all(zeros) and len(set(signs)) == 1:
            return signs[0] << 31, 0
        return (1 << 31 if rm == RDN else 0), 0
    return round_pack(v, rm)


def bf_rand(rng, lo=0, hi=254, frac=None):
    return (rng.getrandbits(1) << 15) | (rng.randrange(lo, hi + 1) << 7) | (rng.getrandbits(7) if frac is None else frac)


def pack(xs):
    return sum(x << (16 * i) for i, x in enumerate(xs))


BF_SPECIAL = [0x0000, 0x8000, 0x0001, 0x007F, 0x0080, 0x3F80, 0x3F81, 0x7F7F, 0x7F00, 0x7F80, 0xFF80, 0x7FC0,
              0x7F81, 0x7FBF, 0x3F00, 0x4000, 0x0040]
F_SPECIAL = [0x00000000, 0x80000000, 0x00000001, 0x007FFFFF, 0x00800000, 0x3F800000, 0x7F7FFFFF, 0x7F800000,
             0xFF800000, 0x7FC00000, 0x7F800001, 0x33800000, 0x4B800000]


def operands(rng):
    """(a, b, c) from a mixture of classes that reach the hard corners."""
    kind = rng.randrange(10)
    if kind == 9:  # exact zeros: products of signed zeros, and nonzero products that cancel exactly
        zero = [0x0000, 0x8000]
        if rng.random() < 0.5:
            a = [rng.choice(zero + [bf_rand(rng)]) for _ in range(4)]
            b = [rng.choice(zero) if not a[i] & 0x7FFF == 0 else rng.choice(zero + [bf_rand(rng, 0, 254)])
                 for i in range(4)]
        else:
            x, y = bf_rand(rng, 1, 254), bf_rand(rng, 1, 254)
            a, b = [x, x ^ 0x8000, rng.choice(zero), bf_rand(rng)], [y, y, bf_rand(rng), rng.choice(zero)]
        return pack(a), pack(b), rng.choice(zero) << 16
    if kind == 0:
        return (pack([rng.choice(BF_SPECIAL) for _ in range(4)]), pack([rng.choice(BF_SPECIAL) for _ in range(4)]),
                rng.choice(F_SPECIAL) ^ (rng.getrandbits(1) << 31))
    if kind == 1:
        return rng.getrandbits(64), rng.getrandbits(64), rng.getrandbits(32)
    if kind in (2, 3):  # products that cancel pairwise (also huge ones), leaving small terms and c
        lo, hi = (1, 254) if kind == 2 else (200, 254)
        x, y = bf_rand(rng, lo, hi), bf_rand(rng, lo, hi)
        a = [x, x ^ 0x8000 if rng.random() < 0.7 else (x ^ 0x8000) + rng.choice([-1, 1]), bf_rand(rng), bf_rand(rng, 0, 80)]
        b = [y, y, bf_rand(rng, 90, 160), bf_rand(rng, 0, 80)]
        return pack(a), pack(b), rng.choice([rng.getrandbits(32), 0, 0x80000000, bf_rand(rng) << 16])
    if kind == 4:  # c close to minus the sum of exact products of nearby magnitude
        a = [bf_rand(rng, 110, 140) for _ in range(4)]
        b = [bf_rand(rng, 110, 140) for _ in range(4)]
        s = sum(value(bf(x)) * value(bf(y)) for x, y in zip(a, b))
        cc = round_pack(-s, rng.randrange(5))[0] if s else 0
        return pack(a), pack(b), (cc + rng.randrange(-2, 3)) & 0xFFFFFFFF
    if kind == 5:  # tiny terms: subnormal factors, results around 2^-126 and below
        a = [bf_rand(rng, 0, 70) for _ in range(4)]
        b = [bf_rand(rng, 40, 127) for _ in range(4)]
        return pack(a), pack(b), rng.choice([0, 1, 0x80000001, rng.getrandbits(23), 0x00800000 | (1 << 31)])
    if kind == 6:  # near overflow: large products and c, some pulling back
        a = [bf_rand(rng, 150, 254) for _ in range(4)]
        b = [bf_rand(rng, 100, 130) for _ in range(4)]
        return pack(a), pack(b), (rng.getrandbits(1) << 31) | (rng.randrange(240, 255) << 23) | rng.getrandbits(23)
    if kind == 7:  # one dominant term and tiny others (sticky, ties against c)
        a = [0x3F80, bf_rand(rng, 1, 100), bf_rand(rng, 0, 60), 0]
        b = [bf_rand(rng, 120, 135, 0), bf_rand(rng, 1, 100), bf_rand(rng, 0, 60), rng.getrandbits(16)]
        e = (b[0] >> 7) & 0xFF
        c = (rng.getrandbits(1) << 31) | (max(0, e - rng.choice([24, 25, 26])) << 23) | rng.choice([0, 1])
        return pack(a), pack(b), c
    return pack([bf_rand(rng) for _ in range(4)]), pack([bf_rand(rng, 100, 154) for _ in range(4)]), \
        (rng.getrandbits(1) << 31) | (rng.randrange(0, 255) << 23) | rng.getrandbits(23)


def stimulus(rng):
    def cyc(rst=0, valid=0, a=0, b=0, c=0, rm=0):
        return {"rst": rst, "in_valid": valid, "a": a, "b": b, "c": c, "rm": rm}
    yield cyc(rst=1, valid=1, a=0x3F80, b=0x3F80)
    yield cyc(rst=1)
    yield cyc(a=rng.getrandbits(64), b=rng.getrandbits(64), rm=7)
    for _ in range(3500):
        a, b, c = operands(rng)
        if rng.random() < 0.08:
            yield cyc(a=rng.getrandbits(64), b=rng.getrandbits(64), c=rng.getrandbits(32), rm=rng.randrange(8))
        yield cyc(rst=int(rng.random() < 0.002), valid=1, a=a, b=b, c=c, rm=rng.randrange(5))
    yield cyc()


@cocotb.test()
async def test_bf16_dot4(dut):
    rng = random.Random(tb_rng("bf16_dot4").random())
    init = {"rst": 1, "in_valid": 0, "a": 0, "b": 0, "c": 0, "rm": 0}
    model = ResultRegister(lambda i: dot4(i["a"], i["b"], i["c"], i["rm"]))
    await run_cycles(dut, model, stimulus(rng), model.NAMES, init=init)
