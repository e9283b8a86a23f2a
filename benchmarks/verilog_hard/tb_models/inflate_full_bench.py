"""inflate_full_bench: the streams of inflate_full (zlib at every level, window size and
strategy; our own stored/fixed/dynamic blocks with random canonical codes; hand-made streams for
each error of the specification) and the cocotb run that checks a decoder on them.

The expected output, error and last input byte come from :mod:`inflate_model`, which the tests
check against zlib; the cycle-level checks are deflate_bench's :class:`Bench`.
"""
import zlib

from deflate_bench import DIST_BASE, DIST_EXTRA, LEN_EXTRA, Bench, Bits, stored_length_bits
from inflate_model import (
    CL_ORDER,
    FIXED_DIST,
    FIXED_LIT,
    canonical,
    inflate,
    put_blocks,
    put_cl_header,
    random_lengths,
    rle,
)

from harness.tbkit import start_clock, tb_rng

STRATEGIES = (zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE, zlib.Z_FIXED)


def sample_data(rng, size):
    """Data with structure zlib finds: repeated words, runs, text-like and random bytes."""
    style = rng.randrange(4)
    if style == 0:
        words = [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 8))) for _ in range(rng.randint(2, 30))]
        data = b"".join(rng.choice(words) if rng.random() < 0.85 else bytes([rng.getrandbits(8)])
                        for _ in range(size))
    elif style == 1:
        data = b"".join(bytes([rng.choice(b"ab\x00\xff")]) * rng.randint(1, 300) for _ in range(size // 20 + 1))
    elif style == 2:
        text = b"the quick brown fox jumps over the lazy dog; DEFLATE decoders read bits on demand. "
        data = bytes(c if rng.random() < 0.97 else rng.getrandbits(8) for c in text * (size // len(text) + 1))
    else:
        data = bytes(rng.choice(b"ACGT") for _ in range(size))
    return data[:size]


def far_data(rng):
    """About 33 KB whose end repeats its start from about 31.5 KB back (cheap to decode)."""
    head = bytes(rng.getrandbits(8) for _ in range(1200))
    return head + bytes([rng.getrandbits(8)]) * rng.randint(30000, 31400) + head[:900] + b"tail"


def zlib_stream(rng, level, wbits, strategy, size, flushes=0):
    data = sample_data(rng, size) if size >= 0 else far_data(rng)
    c = zlib.compressobj(level, zlib.DEFLATED, -wbits, rng.randint(1, 9), strategy)
    cuts = sorted(rng.randint(0, len(data)) for _ in range(flushes))
    out, start = b"", 0
    for cut in cuts:
        out += c.compress(data[start:cut]) + c.flush(rng.choice((zlib.Z_SYNC_FLUSH, zlib.Z_FULL_FLUSH)))
        start = cut
    return out + c.compress(data[start:]) + c.flush()


def random_tokens(rng, n, have, window=32768):
    """n tokens reaching back at most `window` bytes into what is already output."""
    out = []
    for _ in range(n):
        if have and rng.random() < 0.4:
            distance = rng.choice((1, 2, 3, rng.randint(1, 64), rng.randint(1, window), min(have, window)))
            length = rng.choice((3, 4, 258, rng.randint(3, 20), rng.randint(3, 258)))
            out.append((length, min(distance, have, window)))
            have += length
        else:
            out.append(rng.choice((rng.randrange(256), rng.choice((0, 143, 144, 255, 0x41)))))
            have += 1
    return out, have


def random_blocks(rng, nblocks, have=0, ntok=40):
    blocks = []
    for _ in range(nblocks):
        kind = rng.choice(("stored", "fixed", "dynamic", "dynamic", "dynamic"))
        if kind == "stored":
            body = bytes(rng.getrandbits(8) for _ in range(rng.choice((0, 1, rng.randint(0, 30)))))
            blocks.append(("stored", body))
            have += len(body)
        else:
            tokens, have = random_tokens(rng, rng.randint(0, ntok), have)
            blocks.append((kind, tokens, {"extra_syms": rng.choice((0, 3, 40))}) if kind == "dynamic"
                          else (kind, tokens))
    return blocks, have


def directed_streams(rng):
    """Streams for the corners the specification names."""
    w = Bits(rng)                         # the specification's second example
    w.put(1, 1)
    w.put(2, 2)
    lit, cl = [0] * 257, [0] * 19
    lit[65] = lit[256] = cl[18] = 1
    cl[0] = cl[1] = 2
    put_cl_header(w, lit, [0], rng, cl_lengths=cl, hclen=14,
                  runs=[(18, 54), (1, 0), (18, 127), (18, 41), (1, 0), (0, 0)])
    w.put(0b100, 3)
    streams = [bytes([0x4B, 0x04, 0x02, 0x00]), w.data()]
    lit = [0] * 257                       # only symbol 256 (one code of length 1): an empty block
    lit[256] = 1
    only_eob = ("dynamic", [], {"lit": lit, "dst": [0]})
    one_dist = ("dynamic", [1, 2, (20, 2), (3, 2)], {"dst": [0, 1]})   # a single distance code: distance 2
    # the last literal/length lengths equal the first distance lengths (a 16 repeat may cross);
    # trailing zero lengths meet leading zero distance lengths (a 17 or 18 may cross)
    cross = [0x41, 0x42, (3, 1), (5, 2)]
    lit = [0] * 286
    for sym in (65, 66, 256, 257, 259, 283, 284, 285):
        lit[sym] = 3
    zeros = [0] * 261
    for sym in (65, 66, 256, 257, 259):
        zeros[sym] = [2, 3, 3, 2, 2][(65, 66, 256, 257, 259).index(sym)]
    long_codes = [rng.randrange(256) for _ in range(300)] + [(258, 1), (4, 300)]
    filler = bytes(rng.getrandbits(8) for _ in range(32800))
    far = [(258, 32768), (3, 32767), rng.randrange(256), (100, 1), (258, rng.randint(1, 32768))]
    cases = [
        [only_eob],
        [("fixed", [7, 8]), only_eob, ("stored", b"xy")],
        [one_dist],
        [("dynamic", [rng.randrange(256) for _ in range(30)], {"dst": [0] * 30})],   # no distance code, 30 lengths
        [("dynamic", cross, {"lit": lit, "dst": [3] * 8})],
        [("stored", bytes(rng.getrandbits(8) for _ in range(1600))),
         ("dynamic", [0x41, 0x42, (3, 1025), (5, 1600)], {"lit": zeros + [0] * 25, "dst": [0] * 20 + [1, 1]})],
        [("dynamic", long_codes, {"extra_syms": 250})],
        [("stored", b""), ("stored", b"abc"), ("fixed", [(9, 3)]), ("dynamic", [(258, 6), 0xFF])],
        [("stored", filler[:32768]), ("stored", filler[32768:]), ("dynamic", far)],
    ]
    streams += [_encode(rng, blocks) for blocks in cases]
    return streams


def _encode(rng, blocks, final=True):
    w = Bits(rng)
    put_blocks(w, blocks, final)
    return w.data()


def _valid_prefix(rng, w):
    """Valid non-final blocks before an erroneous one; returns the bytes they output."""
    blocks, have = random_blocks(rng, rng.choice((0, 1, 2)), ntok=12)
    put_blocks(w, blocks, final=False)
    return have


def error_stream(rng, kind, variant=0):
    """A stream whose first error is `kind` (the specification's table); random bits follow it."""
    w = Bits(rng)
    have = _valid_prefix(rng, w)
    w.put(rng.getrandbits(1), 1)
    if kind == 1:
        w.put(3, 2)
    elif kind == 2:
        w.put(0, 2)
        w.align()
        n = rng.randint(0, 5)
        w.put(n, 16)
        w.put((n ^ 0xFFFF) ^ (1 << rng.randrange(16)), 16)
    elif kind in (8, 9) or (kind == 11 and variant == 0):
        w.put(1, 2)
        lcodes, dcodes = canonical(FIXED_LIT), canonical(FIXED_DIST)
        if kind == 8:
            w.code(*lcodes[286 + rng.getrandbits(1)])
        else:
            _length(w, lcodes, rng)
            if kind == 9:
                w.code(30 + rng.getrandbits(1), 5)
            else:
                _distance(w, dcodes, have + rng.choice((1, 1, rng.randint(1, 50))))
    elif kind == 3:
        w.put(2, 2)
        w.put(rng.choice((29, 30, 31)) if variant else rng.choice((30, 31)), 5)
        w.put(rng.choice((30, 31)) if variant else rng.randrange(32), 5)
        w.put(rng.randrange(16), 4)
    elif kind == 4:
        w.put(2, 2)
        _bad_cl_code(w, variant, rng)
    else:
        w.put(2, 2)
        _dynamic_error(w, kind, variant, have, rng)
    w.put(rng.getrandbits(24), 24)
    return w.data()


def _length(w, lcodes, rng):
    """A random length symbol with random extra bits."""
    i = rng.randrange(29)
    w.code(*lcodes[257 + i])
    w.put(rng.getrandbits(LEN_EXTRA[i]), LEN_EXTRA[i])


def _distance(w, dcodes, distance):
    j = max(k for k in range(30) if DIST_BASE[k] <= min(distance, 32768))
    w.code(*dcodes[j])
    w.put(distance - DIST_BASE[j], DIST_EXTRA[j])


def _repeat_past_end(seq, rng):
    """Code-length symbols for `seq` whose last repeat runs 1 or more past its end."""
    k = rng.randint(1, 12)
    options = [(s, base, top) for s, base, top in ((16, 3, 6), (17, 3, 10), (18, 11, 138)) if top > k]
    s, base, top = rng.choice(options)
    n = rng.randint(max(base, k + 1), top if rng.random() < 0.3 else min(top, max(base, k + 1) + 2))
    return rle(seq[:-k], rng) + [(s, n - base)]


def _dynamic_error(w, kind, variant, have, rng):
    """Errors 5, 6, 7, 10 and 11 (variant 1) in a dynamic block."""
    syms = {256, 65, 66} | set(range(257, 286)) if kind in (10, 11) else {256, 65} | {rng.randrange(286)
                                                                                       for _ in range(10)}
    lit = random_lengths(rng, sorted(syms), rng.randint(max(syms) + 1, 286), 15)
    dst = random_lengths(rng, sorted({0, 1} | {rng.randrange(30) for _ in range(5)}), 30, 15)
    if kind == 11:
        dst = random_lengths(rng, range(30), 30, 15)
    if kind == 10:
        if variant == 0:
            lit = [0] * rng.randint(257, 286)
            lit[256] = 1
        dst = [0] * rng.randint(1, 30)
        if variant == 1:
            dst[rng.randrange(len(dst))] = 1
    runs = rle(lit + dst, rng)
    if kind == 5:
        runs = [(16, rng.randrange(4))] + runs
    elif kind == 6:
        runs = _repeat_past_end(lit + dst, rng)
    elif kind == 7:
        lit, dst = _bad_codes(lit, dst, variant, rng)
        runs = rle(lit + dst, rng)
    put_cl_header(w, lit, dst, rng, runs=runs)
    if kind in (10, 11):
        lcodes, dcodes = canonical(lit), canonical(dst)
        for _ in range(0 if variant == 0 else rng.randint(0, 5)):
            w.code(*lcodes[rng.choice((65, 66))])
            have += 1
        if kind == 11:
            _length(w, lcodes, rng)
            _distance(w, dcodes, have + rng.choice((1, 1, rng.randint(1, 50))))
        elif variant == 0:
            w.put(1, 1)
        else:
            _length(w, lcodes, rng)
            w.put(1 if variant == 1 else rng.getrandbits(1), 1)


def _bad_cl_code(w, variant, rng):
    used = sorted(rng.sample(range(19), rng.randint(2, 12)))
    cl = random_lengths(rng, used, 19, 7)
    if variant == 0:                      # over-subscribed: one more code of the shortest length
        spare = [s for s in range(19) if cl[s] == 0]
        cl[rng.choice(spare) if spare else used[0]] = min(n for n in cl if n)
        if not spare:
            cl[used[1]] = 1
    elif variant == 1:                    # incomplete: the longest code made one longer
        s = max(range(19), key=lambda k: cl[k])
        cl[s] = cl[s] + 1 if cl[s] < 7 else 0
    elif variant == 2:                    # a single code
        cl = [0] * 19
        cl[rng.randrange(19)] = rng.randint(1, 7)
    else:                                 # no code at all
        cl = [0] * 19
    w.put(rng.randrange(30), 5)
    w.put(rng.randrange(30), 5)
    hclen = max([k + 1 for k in range(19) if cl[CL_ORDER[k]]] + [4])
    hclen = rng.randint(hclen, 19)
    w.put(hclen - 4, 4)
    for k in range(hclen):
        w.put(cl[CL_ORDER[k]], 3)


def _bad_codes(lit, dst, variant, rng):
    lit, dst = list(lit), list(dst)
    if variant == 0:                      # no end-of-block code
        lit[256] = 0
    elif variant == 1:                    # literal/length over-subscribed
        lit[rng.choice([s for s in range(len(lit)) if lit[s] == 0])] = min(n for n in lit if n)
    elif variant == 2:                    # literal/length incomplete
        s = max(range(len(lit)), key=lambda k: lit[k])
        lit[s] = lit[s] + 1 if lit[s] < 15 else 0
    elif variant == 3:                    # literal/length: one code, but of length 2
        lit = [0] * 257
        lit[256] = 2
    elif variant == 4:                    # distance over-subscribed
        dst[rng.choice([s for s in range(30) if dst[s] == 0])] = min(n for n in dst if n)
    elif variant == 5:                    # distance incomplete, two codes
        dst = [1, 2] + [0] * rng.randint(0, 10)
    else:                                 # distance: one code, but of length 3
        dst = [0] * rng.randint(1, 30)
        dst[rng.randrange(len(dst))] = 3
    return lit, dst


async def run_inflate_full(dut):
    """The whole check: directed corners, random block mixes, zlib streams, every error."""
    rng = tb_rng("inflate_full")
    start_clock(dut.clk)
    dut.rst.value, dut.in_valid.value, dut.in_data.value, dut.out_ready.value = 1, 0, 0, 0
    bench = Bench(dut, rng)
    bench.idle_limit, bench.finish_limit = 20000, 12000   # generous: table building may be slow
    await stored_length_bits(bench, rng)   # every bit of a stored LEN from 6 to 15
    for _, stream in streams(rng):
        await check(bench, stream, rng)


ZLIB_CASES = ((6, 15, 0, 2000), (9, 9, 0, 1500), (1, 12, 1, 1200), (6, 15, 2, 1000), (4, 10, 3, 2000),
              (5, 15, 4, 800), (0, 15, 0, 700), (2, 11, 0, 1500), (9, 15, 0, 0), (7, 13, 1, 400),
              (3, 14, 3, 900), (8, 15, 0, -1))   # level, window bits, strategy, size (-1: far_data)
ERROR_VARIANTS = ((1, 1), (2, 1), (3, 2), (4, 4), (5, 1), (6, 2), (7, 7), (8, 1), (9, 1), (10, 3), (11, 2))


def streams(rng):
    """Every stream of the run, in order, as (the error it was built to have or None, stream)."""
    for stream in directed_streams(rng):
        yield None, stream
    for _ in range(14):
        yield None, _encode(rng, random_blocks(rng, rng.randint(1, 4))[0])
    for level, wbits, strategy, size in ZLIB_CASES:
        yield None, zlib_stream(rng, level, wbits, STRATEGIES[strategy], size, flushes=rng.choice((0, 0, 1, 3)))
    for kind, variants in ERROR_VARIANTS:
        for variant in range(variants):
            yield kind, error_stream(rng, kind, variant)


async def check(bench, stream, rng):
    out, err, last_bit = inflate(stream)
    last = last_bit // 8
    tail = bytes(rng.getrandbits(8) for _ in range(3))
    big = len(out) > 8000   # the long streams run at full rate (their point is the 32 KiB history)
    await bench.run(stream[:last + 1] + tail, out, last, err is not None, 1.0 if big else rng.choice((1.0, 0.8, 0.4)),
                    0.95 if big else rng.choice((1.0, 0.7, 0.3)))
