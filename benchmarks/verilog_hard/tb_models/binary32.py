"""binary32: an exact rational model of IEEE 754 binary32 rounding as RISC-V F defines it.

Shared by the fp32_add, fp32_mul and fcvt_complete testbenches (``tb_models = ["binary32"]`` in
their meta.toml). Values are 32-bit patterns; results are ``(bits, fflags)``. Tininess is
detected after rounding; a NaN result is the canonical quiet NaN :data:`QNAN`.
"""
from fractions import Fraction

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


class ResultRegister:
    """The cycle model of a unit whose result register loads ``op(inputs) -> (result, flags)``
    on ``in_valid``: outputs out_valid/result/flags, unknown until the first reset."""

    NAMES = ("out_valid", "result", "flags")

    def __init__(self, op):
        self.op = op
        self.state = None

    def outputs(self, inp):
        return None if self.state is None else dict(zip(self.NAMES, self.state))

    def step(self, inp):
        if inp["rst"]:
            self.state = (0, 0, 0)
        elif self.state is not None:
            if inp["in_valid"]:
                self.state = (1, *self.op(inp))
            else:
                self.state = (0, self.state[1], self.state[2])
