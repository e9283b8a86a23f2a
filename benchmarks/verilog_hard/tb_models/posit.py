"""posit: an exact rational model of posit<N, ES> decoding and the bit-string rounding of the
posit_alu specification (results as N-bit patterns).

:func:`round_posit` rounds by building the bit string (regime, exponent, fraction) and cutting
it at N bits with a guard and a sticky bit, as the specification states it;
:func:`round_posit_by_ties` is a second, independent formulation (compare with the value of the
(N+1)-bit pattern that follows the lower neighbour) used to check the first in the tests.
"""
from fractions import Fraction
from functools import lru_cache


def nar(n):
    return 1 << (n - 1)


@lru_cache(maxsize=65536)
def decode(p, n, es):
    """The exact value of pattern p (Fraction), or None for NaR."""
    p &= (1 << n) - 1
    if p == 0:
        return Fraction(0)
    if p == nar(n):
        return None
    if p >> (n - 1):
        return -decode((1 << n) - p, n, es)
    bits = [(p >> i) & 1 for i in range(n - 2, -1, -1)]
    r0, m = bits[0], 0
    while m < len(bits) and bits[m] == r0:
        m += 1
    k = m - 1 if r0 else -m
    rest = bits[m + 1:]
    e = 0
    for i in range(es):
        e = (e << 1) | (rest[i] if i < len(rest) else 0)
    fb = rest[es:]
    f = int("".join(map(str, fb)), 2) if fb else 0
    return Fraction(2) ** (k * (1 << es) + e) * (1 + Fraction(f, 1 << len(fb)))


def _ilog2(m):
    e = m.numerator.bit_length() - m.denominator.bit_length()
    if Fraction(2) ** e > m:
        e -= 1
    if Fraction(2) ** (e + 1) <= m:
        e += 1
    return e


def round_posit(x, n, es):
    """The pattern of the nonzero Fraction x rounded to posit<n, es> (the specification's rule)."""
    return round_info(x, n, es)[0]


def round_info(x, n, es):
    """(pattern, kind) of x rounded: kind is "exact", "tie" (G = 1, S = 0), "inexact" or "sat"."""
    if x == 0:
        return 0, "exact"
    neg, m = x < 0, abs(x)
    kind = "sat"
    top = (n - 2) << es
    if m >= Fraction(2) ** top:
        p = (1 << (n - 1)) - 1
    elif m <= Fraction(2) ** -top:
        p = 1
    else:
        scale = _ilog2(m)
        k, e = scale >> es, scale & ((1 << es) - 1)
        g = m / Fraction(2) ** scale - 1
        bits = [0] + ([1] * (k + 1) + [0] if k >= 0 else [0] * (-k) + [1])
        bits += [(e >> (es - 1 - i)) & 1 for i in range(es)]
        while len(bits) < n + 1:
            g *= 2
            bits.append(int(g >= 1))
            g -= int(g >= 1)
        p = int("".join(map(str, bits[:n])), 2)
        guard, sticky = bits[n], int(any(bits[n + 1:]) or g != 0)
        p += guard & (sticky | (p & 1))
        kind = "tie" if guard and not sticky else "inexact" if guard or sticky else "exact"
    return (((1 << n) - p) & ((1 << n) - 1) if neg else p), kind


def round_posit_by_ties(x, n, es):
    """Independent formulation: find the neighbours u <= |x| < w among all positive patterns, and
    compare |x| with the value of the (n+1)-bit pattern 2u+1; ties go to the even pattern."""
    if x == 0:
        return 0
    neg, m = x < 0, abs(x)
    lo, hi = 1, (1 << (n - 1)) - 1
    if m <= decode(lo, n, es):
        p = lo
    elif m >= decode(hi, n, es):
        p = hi
    else:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if decode(mid, n, es) <= m:
                lo = mid
            else:
                hi = mid
        tie = decode(2 * lo + 1, n + 1, es)
        p = lo if m < tie or (m == tie and lo % 2 == 0) else hi
        if m == decode(lo, n, es):
            p = lo
    return ((1 << n) - p) & ((1 << n) - 1) if neg else p


def posit_op(op, a, b, n, es):
    """The result pattern of op (0: a + b, 1: a - b, 2: a x b)."""
    return posit_op_info(op, a, b, n, es)[0]


def posit_op_info(op, a, b, n, es):
    """(pattern, kind) of op; kind as :func:`round_info`, or "nar"."""
    va, vb = decode(a, n, es), decode(b, n, es)
    if va is None or vb is None:
        return nar(n), "nar"
    x = va + vb if op == 0 else va - vb if op == 1 else va * vb
    return round_info(x, n, es)
