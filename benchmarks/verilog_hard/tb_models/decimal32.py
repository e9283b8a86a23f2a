"""decimal32: exact binary32-to-decimal conversion (shortest round-trip digits and fixed
significant digits) for the f32_to_decimal testbench, and its input generator.

:func:`convert` works on exact integers (the free-format digit generation of Steele & White /
Burger & Dybvig with round-to-nearest-even interval ends, and plain long division for fixed
precision). ``tests/verilog_hard/test_round3.py`` checks it against numpy's
``format_float_scientific(unique=True)`` and Python's ``"%.*e"``.
"""

NAN, INF, ZERO, FINITE = 3, 2, 1, 0


def _kind(bits):
    e, m = (bits >> 23) & 0xFF, bits & 0x7FFFFF
    if e == 255:
        return NAN if m else INF
    return ZERO if e == 0 and m == 0 else FINITE


def _setup(bits):
    """(r, s, m_minus, m_plus) with |x| = r / s (times 1/2 for the gaps) and the half-gaps to the
    neighbours as m_minus / s and m_plus / s."""
    e_field, m = (bits >> 23) & 0xFF, bits & 0x7FFFFF
    f, e = ((1 << 23) | m, e_field - 150) if e_field else (m, -149)
    lopsided = m == 0 and e_field >= 2
    if e >= 0:
        if lopsided:
            return f << (e + 2), 4, 1 << e, 1 << (e + 1)
        return f << (e + 1), 2, 1 << e, 1 << e
    if lopsided:
        return 4 * f, 1 << (2 - e), 1, 2
    return 2 * f, 1 << (1 - e), 1, 1


def shortest(bits, even=None):
    """(digits, exponent X) of the shortest decimal that reads back as bits (finite, nonzero).
    even: whether the interval ends are included (default: the significand is even)."""
    r, s, mm, mp = _setup(bits)
    even = (bits & 1) == 0 if even is None else even

    def high(r_, mp_, s_):
        return r_ + mp_ >= s_ if even else r_ + mp_ > s_

    k = 0
    while high(r, mp, s):
        s, k = s * 10, k + 1
    while not high(r * 10, mp * 10, s):
        r, mp, mm, k = r * 10, mp * 10, mm * 10, k - 1
    digits = []
    while True:
        r, mp, mm = r * 10, mp * 10, mm * 10
        d, r = divmod(r, s)
        low, up = (r <= mm if even else r < mm), high(r, mp, s)
        if not low and not up:
            digits.append(d)
            continue
        if low and up:
            up = 2 * r > s or (2 * r == s and d % 2 == 1)
        digits.append(d + 1 if up else d)
        return digits, k - 1


def fixed(bits, p):
    """(digits, exponent X) of the p-digit decimal nearest to |x| (ties to an even last digit)."""
    r, s, _, _ = _setup(bits)
    k = 0
    while r >= s:
        s, k = s * 10, k + 1
    while r * 10 < s:
        r, k = r * 10, k - 1
    digits = []
    for _ in range(p):
        d, r = divmod(r * 10, s)
        digits.append(d)
    if 2 * r > s or (2 * r == s and digits[-1] % 2 == 1):
        i = p - 1
        while i >= 0 and digits[i] == 9:
            digits[i] = 0
            i -= 1
        if i < 0:
            digits, k = [1] + [0] * (p - 1), k + 1
        else:
            digits[i] += 1
    return digits, k - 1


def convert(bits, prec):
    """The expected outputs: (neg, kind, digits field, ndigits, exponent) as integers."""
    neg, kind = bits >> 31, _kind(bits)
    if kind in (NAN, INF):
        return neg, kind, 0, 0, 0
    if kind == ZERO:
        return neg, kind, 0, prec or 1, 0
    digits, x = shortest(bits) if prec == 0 else fixed(bits, prec)
    field = sum(d << (32 - 4 * i) for i, d in enumerate(digits))
    return neg, kind, field, len(digits), x & 0xFF


def _pow10_edges(rng):
    """binary32 numbers next to a power of ten (where the scaling loop turns)."""
    import struct
    t = 10.0 ** rng.randint(-45, 38)
    b = struct.unpack("<I", struct.pack("<f", t))[0] if t < 3.4e38 else 0x7F7FFFFF
    return max(1, min(0x7F7FFFFF, b + rng.randint(-2, 2)))


def inputs(rng, n):
    """n (bits, prec) pairs: uniform bit patterns, powers of two, subnormals, extremes, numbers
    next to powers of ten, and shortest-mode ties."""
    out = []
    for _ in range(n):
        c = rng.randrange(10)
        sign = rng.getrandbits(1) << 31
        if c < 3:
            b = rng.getrandbits(32)
        elif c == 3:
            b = sign | (rng.randrange(0, 256) << 23)                       # powers of two, zeros, inf
        elif c == 4:
            b = sign | rng.choice((rng.randrange(1, 1 << 23), rng.randrange(1, 64), 0x7FFFFF - rng.randrange(4)))
        elif c == 5:
            b = sign | rng.choice((0x7F7FFFFF, 0x7F7FFFFE, 0x00800000, 0x00800001, 0x00000001, 0x00000002,
                                   0x7FC00000, 0x7F800001, 0x3F800000, 0x3DCCCCCD, 0x4B000000, 0x4B7FFFFF))
        elif c in (6, 7):
            b = sign | _pow10_edges(rng)
        else:
            b = sign | (rng.randrange(1, 255) << 23) | rng.choice((0, 1, 2, 3, 0x7FFFFF, 0x400000))
        out.append((b, rng.choice((0, 0, 0, 1, 2, 3, rng.randint(1, 9), 9, 8))))
    return out


def ties(rng, n):
    """n finite numbers whose shortest result is decided by the tie rule, found by search."""
    out = []
    while len(out) < n:
        b = (rng.randrange(147, 153) << 23) | rng.getrandbits(23)   # 2^20 .. 2^26: ulps of 1/8 .. 4
        r, s, mm, mp = _setup(b)
        digits, x = shortest(b)
        shift = len(digits) - 1 - x           # |x| * 10^shift compared with D: a tie when it ends in .5
        num, den = (r * 10 ** shift, s) if shift >= 0 else (r, s * 10 ** -shift)
        if (2 * num) % den == 0 and (2 * num // den) % 2 == 1:
            out.append(b | (rng.getrandbits(1) << 31))
    return out


def interval_ends(rng, n):
    """n finite numbers whose shortest result depends on whether the interval ends are included
    (an end is itself a short decimal), found by search among 2^23 .. 2^31 (integer ends)."""
    out = []
    while len(out) < n:
        b = (rng.randrange(150, 158) << 23) | rng.getrandbits(23)
        if shortest(b) != shortest(b, even=bool(b & 1)):
            out.append(b | (rng.getrandbits(1) << 31))
    return out
