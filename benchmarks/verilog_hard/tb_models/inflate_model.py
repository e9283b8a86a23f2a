"""inflate_model: a bit-exact Python model of a complete RFC 1951 decoder (stored, fixed and
dynamic Huffman blocks) with the error rules of inflate_full's specification, and a DEFLATE
writer for dynamic blocks with random canonical codes.

:func:`inflate` returns the output, the error number of the specification's error table (None
for a valid stream) and the index of the last bit the decoder reads. It is checked against
zlib (fed one byte at a time, so zlib's error byte is observable) in
``tests/verilog_hard/test_round3.py``.
"""
from deflate_bench import DIST_BASE, DIST_EXTRA, LEN_BASE, LEN_EXTRA, Bits

CL_ORDER = (16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15)
FIXED_LIT = [8] * 144 + [9] * 112 + [7] * 24 + [8] * 8
FIXED_DIST = [5] * 32


class StreamError(Exception):
    """An error of the specification's table: ``kind`` is its number."""

    def __init__(self, kind):
        super().__init__(f"error {kind}")
        self.kind = kind


class Truncated(Exception):
    """The stream ended before the decoder could finish."""


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def bit(self):
        if self.pos >= 8 * len(self.data):
            raise Truncated()
        b = (self.data[self.pos >> 3] >> (self.pos & 7)) & 1
        self.pos += 1
        return b

    def field(self, n):
        return sum(self.bit() << i for i in range(n))


def code_shape(lengths):
    """(bl_count, left) of a set of code lengths: left < 0 over-subscribed, 0 complete, > 0
    incomplete (an all-zero set is incomplete)."""
    count = [0] * 16
    for n in lengths:
        count[n] += 1
    left = 1
    for n in range(1, 16):
        left = 2 * left - count[n]
        if left < 0:
            return count, left
    return count, left


class Code:
    """A canonical code decoded bit by bit (counts and symbols sorted by length)."""

    def __init__(self, lengths):
        self.count, self.left = code_shape(lengths)
        self.symbols = [s for n in range(1, 16) for s, m in enumerate(lengths) if m == n]
        self.nonzero = len(self.symbols)

    def decode(self, r):
        code = first = index = 0
        for n in range(1, 16):
            code |= r.bit()
            cnt = self.count[n]
            if code < first + cnt:
                return self.symbols[index + code - first]
            if self.left > 0 and n == 1:   # one code of length 1 (code 0), or no code at all
                raise StreamError(10)
            index, first, code = index + cnt, (first + cnt) << 1, code << 1
        raise AssertionError("a complete code always decodes")


def allowed(lengths, may_be_empty):
    count, left = code_shape(lengths)
    if left < 0:
        return False
    if left == 0:
        return True
    total = sum(count[1:])
    return (total == 1 and count[1] == 1) or (total == 0 and may_be_empty)


def read_dynamic(r):
    hlit, hdist, hclen = r.field(5), r.field(5), r.field(4)
    if hlit > 29 or hdist > 29:
        raise StreamError(3)
    cl = [0] * 19
    for k in range(hclen + 4):
        cl[CL_ORDER[k]] = r.field(3)
    if code_shape(cl)[1] != 0:
        raise StreamError(4)
    clcode, total, seq = Code(cl), hlit + 257 + hdist + 1, []
    while len(seq) < total:
        sym = clcode.decode(r)
        if sym < 16:
            seq.append(sym)
            continue
        extra, base, value = {16: (2, 3, None), 17: (3, 3, 0), 18: (7, 11, 0)}[sym]
        n = base + r.field(extra)
        if sym == 16:
            if not seq:
                raise StreamError(5)
            value = seq[-1]
        if len(seq) + n > total:
            raise StreamError(6)
        seq += [value] * n
    lit, dst = seq[:hlit + 257], seq[hlit + 257:]
    if lit[256] == 0 or not allowed(lit, False) or not allowed(dst, True):
        raise StreamError(7)
    return Code(lit), Code(dst)


def huffman_body(r, out, lit, dst):
    while True:
        sym = lit.decode(r)
        if sym < 256:
            out.append(sym)
            continue
        if sym == 256:
            return
        if sym > 285:
            raise StreamError(8)
        i = sym - 257
        length = LEN_BASE[i] + r.field(LEN_EXTRA[i])
        d = dst.decode(r)
        if d > 29:
            raise StreamError(9)
        distance = DIST_BASE[d] + r.field(DIST_EXTRA[d])
        if distance > len(out):
            raise StreamError(11)
        for _ in range(length):
            out.append(out[-distance])


def stored_body(r, out):
    r.pos = (r.pos + 7) & ~7
    n, nn = r.field(16), r.field(16)
    if n != nn ^ 0xFFFF:
        raise StreamError(2)
    for _ in range(n):
        out.append(r.field(8))


def inflate(data):
    """(output bytes, error number or None, index of the last bit read). Raises Truncated when
    the data ends before the stream does."""
    r, out = Reader(data), []
    try:
        while True:
            final, btype = r.bit(), r.field(2)
            if btype == 3:
                raise StreamError(1)
            if btype == 0:
                stored_body(r, out)
            elif btype == 1:
                huffman_body(r, out, Code(FIXED_LIT), Code(FIXED_DIST))
            else:
                huffman_body(r, out, *read_dynamic(r))
            if final:
                return bytes(out), None, r.pos - 1
    except StreamError as e:
        return bytes(out), e.kind, r.pos - 1


# ----------------------------------------------------------------------------- the writer

def canonical(lengths):
    """symbol -> (code, length) as RFC 1951 3.2.2 assigns them."""
    count = [0] * 17
    for n in lengths:
        count[n] += 1
    count[0], code, nxt = 0, 0, [0] * 17
    for n in range(1, 16):
        code = (code + count[n - 1]) << 1
        nxt[n] = code
    out = {}
    for s, n in enumerate(lengths):
        if n:
            out[s] = (nxt[n], n)
            nxt[n] += 1
    return out


def random_lengths(rng, symbols, size, maxlen, deep=0.3):
    """Lengths (a list of `size`) of a random complete code over `symbols` (one symbol: length 1,
    none: all zero). `deep` is the chance of splitting the deepest leaf, giving long codes."""
    lengths = [0] * size
    symbols = list(symbols)
    if len(symbols) <= 1:
        for s in symbols:
            lengths[s] = 1
        return lengths
    leaves = [0]
    while len(leaves) < len(symbols):
        open_ = [k for k, d in enumerate(leaves) if d < maxlen]
        k = max(open_, key=lambda j: leaves[j]) if rng.random() < deep else rng.choice(open_)
        d = leaves.pop(k)
        leaves += [d + 1, d + 1]
    rng.shuffle(leaves)
    for s, d in zip(symbols, leaves):
        lengths[s] = d
    return lengths


def rle(seq, rng, plain=0.15):
    """Code-length symbols (sym, extra value) for a sequence of lengths, with random runs of
    16/17/18 (repeats freely cross from the literal/length part into the distance part)."""
    out, i = [], 0
    while i < len(seq):
        v, r = seq[i], 1
        while i + r < len(seq) and seq[i + r] == v:
            r += 1
        if rng.random() < plain or r < 3:
            out.append((v, 0))
            i += 1
        elif v == 0 and r >= 11 and rng.random() < 0.7:
            n = rng.randint(11, min(r, 138))
            out.append((18, n - 11))
            i += n
        elif v == 0:
            n = rng.randint(3, min(r, 10))
            out.append((17, n - 3))
            i += n
        elif i > 0 and seq[i - 1] == v:
            n = rng.randint(3, min(r, 6))
            out.append((16, n - 3))
            i += n
        else:
            out.append((v, 0))
            i += 1
    return out


CL_EXTRA = {16: 2, 17: 3, 18: 7}


def put_cl_header(w, lit, dst, rng, cl_lengths=None, hclen=None, runs=None):
    """HLIT, HDIST, HCLEN, the code-length code and the coded lengths of a dynamic block."""
    runs = runs if runs is not None else rle(lit + dst, rng)
    if cl_lengths is None:
        used = sorted({s for s, _ in runs})
        if len(used) == 1:
            used.append(rng.choice([s for s in range(19) if s != used[0]]))
        cl_lengths = random_lengths(rng, used, 19, 7)
    need = max([k + 1 for k, s in enumerate(CL_ORDER) if cl_lengths[s]] + [4])
    hclen = hclen if hclen is not None else rng.randint(need, 19) - 4
    w.put(len(lit) - 257, 5)
    w.put(len(dst) - 1, 5)
    w.put(hclen, 4)
    for k in range(hclen + 4):
        w.put(cl_lengths[CL_ORDER[k]], 3)
    codes = canonical(cl_lengths)
    for s, x in runs:
        w.code(*codes[s])
        if s in CL_EXTRA:
            w.put(x, CL_EXTRA[s])


def put_match(w, length, distance, lcodes, dcodes):
    i = 28 if length == 258 else max(k for k in range(29) if LEN_BASE[k] <= length)
    w.code(*lcodes[257 + i])
    w.put(length - LEN_BASE[i], LEN_EXTRA[i])
    j = max(k for k in range(30) if DIST_BASE[k] <= distance)
    w.code(*dcodes[j])
    w.put(distance - DIST_BASE[j], DIST_EXTRA[j])


def token_symbols(tokens):
    lits, dists = {256}, set()
    for t in tokens:
        if isinstance(t, tuple):
            length, distance = t
            lits.add(257 + (28 if length == 258 else max(k for k in range(29) if LEN_BASE[k] <= length)))
            dists.add(max(k for k in range(30) if DIST_BASE[k] <= distance))
        else:
            lits.add(t)
    return lits, dists


def put_dynamic(w, tokens, rng, extra_syms=0, lit=None, dst=None):
    """A dynamic block body (after its 3 header bits) for tokens (byte values and (length,
    distance) pairs): a random code over the symbols used plus `extra_syms` unused ones."""
    lits, dists = token_symbols(tokens)
    for _ in range(extra_syms):
        lits.add(rng.randrange(286))
        if rng.random() < 0.3:
            dists.add(rng.randrange(30))
    if lit is None:
        nlit = rng.randint(max(257, max(lits) + 1), 286) if rng.random() < 0.5 else max(257, max(lits) + 1)
        lit = random_lengths(rng, sorted(lits), nlit, 15, rng.choice((0.1, 0.5, 0.9)))
    if dst is None:
        ndist = max([1] + [d + 1 for d in dists])
        ndist = rng.randint(ndist, 30) if rng.random() < 0.4 else ndist
        dst = random_lengths(rng, sorted(dists), ndist, 15, rng.choice((0.1, 0.5, 0.9)))
    put_cl_header(w, lit, dst, rng)
    lcodes, dcodes = canonical(lit), canonical(dst)
    for t in tokens:
        if isinstance(t, tuple):
            put_match(w, *t, lcodes, dcodes)
        else:
            w.code(*lcodes[t])
    w.code(*lcodes[256])


def put_blocks(w, blocks, final=True):
    """blocks: ("stored", bytes), ("fixed", tokens) or ("dynamic", tokens[, options]); the last
    has BFINAL = `final`, the others 0."""
    fixed_lit, fixed_dist = canonical(FIXED_LIT), canonical(FIXED_DIST)
    for k, block in enumerate(blocks):
        kind, body = block[0], block[1]
        w.put(int(final and k == len(blocks) - 1), 1)
        if kind == "stored":
            w.put(0, 2)
            w.align()
            w.put(len(body), 16)
            w.put(len(body) ^ 0xFFFF, 16)
            for byte in body:
                w.put(byte, 8)
        elif kind == "fixed":
            w.put(1, 2)
            for t in body:
                if isinstance(t, tuple):
                    put_match(w, *t, fixed_lit, fixed_dist)
                else:
                    w.code(*fixed_lit[t])
            w.code(*fixed_lit[256])
        else:
            w.put(2, 2)
            put_dynamic(w, body, rng=w.rng, **(block[2] if len(block) > 2 else {}))


def encode_blocks(blocks, rng):
    """The stream of `blocks` (see :func:`put_blocks`; the last is final), padded with random
    bits."""
    w = Bits(rng)
    put_blocks(w, blocks)
    return w.data()
