"""fp32_mul: every output bit in every cycle against an exact rational model of RISC-V FMUL.S."""
import random
from fractions import Fraction

import cocotb

from harness.tbkit import run_cycles, tb_rng

QNAN = 0x7FC00000
RNE, RTZ, RDN, RUP, RMM = range(5)
NV, DZ, OF, UF, NX = 16, 8, 4, 2, 1


def unpack(x):
    s, e, m = x >> 31, (x >> 23) & 0xFF, x & 0x7FFFFF
    return s, e, m


def is_nan(x):
    return (x >> 23) & 0xFF == 0xFF and x & 0x7FFFFF


def is_snan(x):
    return is_nan(x) and not (x >> 22) & 1


def is_inf(x):
    return (x & 0x7FFFFFFF) == 0x7F800000


def value(x):
    s, e, m = unpack(x)
    v = Fraction(m, 1 << 149) if e == 0 else Fraction((1 << 23) | m, 1 << 23) * Fraction(2) ** (e - 127)
    return -v if s else v


def _rnd(q, sign, rm):
    """Round the positive Fraction q to an integer under rm (sign is the value's sign)."""
    n, r = divmod(q.numerator, q.denominator)
    if r == 0:
        return n
    half = Fraction(r, q.denominator)
    if rm == RNE:
        return n + (half > Fraction(1, 2) or (half == Fraction(1, 2) and n & 1))
    if rm == RMM:
        return n + (half >= Fraction(1, 2))
    if rm == RTZ:
        return n
    if rm == RDN:
        return n + sign
    return n + (1 - sign)


def ilog2(m):
    """floor(log2(m)) for a positive Fraction."""
    e = m.numerator.bit_length() - m.denominator.bit_length()
    if Fraction(2) ** e > m:
        e -= 1
    if Fraction(2) ** (e + 1) <= m:
        e += 1
    return e


def round_pack(v, rm):
    """Round the exact nonzero Fraction v to binary32: (bits, flags); tininess after rounding."""
    sign = int(v < 0)
    m = -v if sign else v
    e = ilog2(m)
    # unbounded exponent rounding (for tininess and overflow)
    q = Fraction(2) ** (e - 23)
    ru = _rnd(m / q, sign, rm) * q
    # bounded rounding
    qb = Fraction(2) ** (max(e, -126) - 23)
    r = _rnd(m / qb, sign, rm) * qb
    flags = 0
    if r != m:
        flags |= NX
    if ru >= Fraction(2) ** 128:
        flags |= OF | NX
        to_inf = rm in (RNE, RMM) or (rm == RUP and not sign) or (rm == RDN and sign)
        return (sign << 31) | (0x7F800000 if to_inf else 0x7F7FFFFF), flags
    if ru < Fraction(2) ** -126 and r != m:
        flags |= UF
    if r == 0:
        return sign << 31, flags
    er = ilog2(r)
    if er < -126:
        bits = int(r / Fraction(2) ** -149)
    else:
        bits = ((er + 127) << 23) | (int(r / Fraction(2) ** (er - 23)) - (1 << 23))
    return (sign << 31) | bits, flags


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


class Model:
    NAMES = ("out_valid", "result", "flags")

    def __init__(self):
        self.state = None

    def outputs(self, inp):
        return None if self.state is None else dict(zip(self.NAMES, self.state))

    def step(self, inp):
        if inp["rst"]:
            self.state = (0, 0, 0)
        elif self.state is not None:
            if inp["in_valid"]:
                self.state = (1, *fmul(inp["a"], inp["b"], inp["rm"]))
            else:
                self.state = (0, self.state[1], self.state[2])


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
    await run_cycles(dut, Model(), stimulus(rng), Model.NAMES, init=init)
