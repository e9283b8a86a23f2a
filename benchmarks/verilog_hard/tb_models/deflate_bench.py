"""deflate_bench: raw DEFLATE streams (stored and fixed-Huffman blocks) from zlib and from our own
encoder, and the cocotb bench that feeds them to a decoder and checks its output against zlib's.

Shared by inflate_fixed and inflate_debug, whose designs have the same ports (``tb_models =
["deflate_bench"]`` in their meta.toml); each tb.py names its own test and awaits
:func:`run_inflate`.
"""
import zlib

from cocotb.triggers import FallingEdge, RisingEdge, Timer

from harness.tbkit import mismatch, read, start_clock, tb_rng

LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163,
            195, 227, 258]
LEN_EXTRA = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
             4097, 6145, 8193, 12289, 16385, 24577]
DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]


class Bits:
    """DEFLATE bit writer: fields LSB first, Huffman codes MSB first."""

    def __init__(self, rng):
        self.rng, self.bits = rng, []

    def put(self, value, n):
        self.bits += [(value >> i) & 1 for i in range(n)]

    def code(self, value, n):
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]

    def align(self):
        while len(self.bits) % 8:
            self.bits.append(self.rng.getrandbits(1))

    def data(self):
        self.align()
        return bytes(sum(b << i for i, b in enumerate(self.bits[k:k + 8])) for k in range(0, len(self.bits), 8))


def lit_code(sym):
    if sym < 144:
        return 0x30 + sym, 8
    if sym < 256:
        return 0x190 + sym - 144, 9
    if sym < 280:
        return sym - 256, 7
    return 0xC0 + sym - 280, 8


def put_match(w, length, dist):
    i = max(k for k in range(29) if LEN_BASE[k] <= length)
    if length == 258:
        i = 28
    w.code(*lit_code(257 + i))
    w.put(length - LEN_BASE[i], LEN_EXTRA[i])
    j = max(k for k in range(30) if DIST_BASE[k] <= dist)
    w.code(j, 5)
    w.put(dist - DIST_BASE[j], DIST_EXTRA[j])


def put_tokens(w, tokens):
    """The body of a fixed-Huffman block: literals and (length, distance) pairs, then end of block."""
    for t in tokens:
        if isinstance(t, tuple):
            put_match(w, *t)
        else:
            w.code(*lit_code(t))
    w.code(0, 7)


def encode(blocks, rng):
    """blocks: ("stored", bytes) or ("fixed", tokens) where a token is a byte value or a
    (length, distance) pair; the last block is final. Returns (stream, bit count used)."""
    w = Bits(rng)
    for k, (kind, body) in enumerate(blocks):
        w.put(int(k == len(blocks) - 1), 1)
        if kind == "stored":
            w.put(0, 2)
            w.align()
            w.put(len(body), 16)
            w.put(len(body) ^ 0xFFFF, 16)
            for byte in body:
                w.put(byte, 8)
        else:
            w.put(1, 2)
            put_tokens(w, body)
    used = len(w.bits)
    return w.data(), used


def random_tokens(rng, n, have, history):
    """n tokens that only reach back into bytes already produced (at most 4096 back)."""
    out = []
    for _ in range(n):
        if have and rng.random() < 0.35:
            j = rng.randrange(24)   # any distance code that fits, with random extra bits
            dist = DIST_BASE[j] + rng.getrandbits(DIST_EXTRA[j]) if DIST_EXTRA[j] else DIST_BASE[j]
            dist = rng.choice((1, 2, 3, 4, dist, min(have, 4096), rng.randint(1, min(have, 4096))))
            i = rng.randrange(29)   # any length symbol, with random extra bits (short ones more often)
            length = min(258, LEN_BASE[i] + (rng.getrandbits(LEN_EXTRA[i]) if LEN_EXTRA[i] else 0))
            length = length if rng.random() < 0.5 else rng.choice((3, 4, 10, 11, rng.randint(3, 40)))
            out.append((length, min(dist, have, 4096)))
            have += length
        else:
            out.append(rng.choice((rng.randrange(256), rng.choice((0, 143, 144, 255, 0x41)))))
            have += 1
    return out, have


def random_stream(rng, big=False):
    blocks, have = [], 0
    for _ in range(rng.randint(1, 4) if not big else 3):
        r = rng.random()
        if r < 0.25:
            body = bytes(rng.getrandbits(8) for _ in range(rng.choice((0, 1, 2, rng.randint(0, 40)))))
            blocks.append(("stored", body))
            have += len(body)
        else:
            toks, have = random_tokens(rng, rng.randint(0, 30) if not big else 200, have, None)
            blocks.append(("fixed", toks))
    return encode(blocks, rng)


def zlib_stream(rng, level, size):
    """A stream from zlib (raw DEFLATE, 4 KiB window) with fixed codes, or stored blocks at
    level 0; a sync flush in the middle adds an empty stored block."""
    words = [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 6))) for _ in range(12)]
    data = b"".join(rng.choice(words) if rng.random() < 0.8 else bytes([rng.getrandbits(8)])
                    for _ in range(size))[:size]
    c = zlib.compressobj(level, zlib.DEFLATED, -12, 9, zlib.Z_FIXED)
    cut = rng.randint(0, len(data))
    stream = c.compress(data[:cut])
    if rng.random() < 0.5:
        stream += c.flush(zlib.Z_SYNC_FLUSH)
    stream += c.compress(data[cut:]) + c.flush()
    return stream, None


def error_stream(rng, kind, one_past=False):
    """(stream, expected prefix, index of the byte that holds the error's last bit) for error
    kind 0-5 (BTYPE 11, BTYPE 10, NLEN, symbol 286/287, distance code 30/31, distance too far;
    one_past: exactly one byte further back than the output so far)."""
    pre_tokens, have = random_tokens(rng, rng.choice((0, rng.randint(1, 12))), 0, None)
    prefix_block = ("fixed", pre_tokens)
    w = Bits(rng)
    # a valid non-final first block (its output is the expected prefix)
    head, _ = encode([prefix_block, ("stored", b"")], rng)
    prefix = zlib.decompress(head, -15)
    w.put(0, 1)
    w.put(1, 2)
    put_tokens(w, pre_tokens)
    w.put(1, 1)
    if kind == 0:
        w.put(3, 2)
    elif kind == 1:
        w.put(2, 2)
    elif kind == 2:
        w.put(0, 2)
        w.align()
        n = rng.randint(0, 5)
        w.put(n, 16)
        w.put((n ^ 0xFFFF) ^ (1 << rng.randrange(16)), 16)
    else:
        w.put(1, 2)
        if kind == 3:
            w.code(0xC6 + rng.getrandbits(1), 8)
        elif kind == 4:
            w.code(*lit_code(257))
            w.code(30 + rng.getrandbits(1), 5)
        else:
            dist = len(prefix) + (1 if one_past else rng.randint(1, 40))
            put_match(w, 3, dist)
    last = (len(w.bits) - 1) // 8
    w.put(rng.choice((0, 0xFFFF, rng.getrandbits(16))), 16)   # what a decoder that goes on would read
    return w.data(), prefix, last


class Bench:
    idle_limit = 3000   # cycles without a transfer on either port before the bench gives up
    finish_limit = 16   # cycles after the end (all bytes out, last byte taken) until done/error

    def __init__(self, dut, rng):
        self.dut, self.rng = dut, rng
        self.cycle = 0

    async def reset(self):
        d = self.dut
        await FallingEdge(d.clk)
        d.rst.value, d.in_valid.value, d.out_ready.value = 1, 0, 0
        await RisingEdge(d.clk)
        await RisingEdge(d.clk)
        await FallingEdge(d.clk)
        d.rst.value = 0
        self.cycle += 2

    async def run(self, stream, expect, last, is_error, p_in, p_out, stop=None):
        """Feed stream; bytes after index `last` must never be accepted. Check the output bytes,
        their stability under back-pressure, and done/error; with ``stop``, return once that many
        bytes are out (the stream is abandoned unfinished: the next one starts after a reset)."""
        d, rng = self.dut, self.rng
        await self.reset()
        pos, got, idle, finish_at, held = 0, 0, 0, None, None
        # handles and triggers made once (the loop runs for every cycle of every stream)
        in_valid, in_data, out_ready = d.in_valid, d.in_data, d.out_ready
        outputs = (d.in_ready, d.out_valid, d.out_data, d.done, d.error)
        settle, rising, falling = Timer(1, unit="ns"), RisingEdge(d.clk), FallingEdge(d.clk)
        while True:
            c = self.cycle
            if stop is not None and got >= stop:
                return
            v = int(pos < len(stream) and rng.random() < p_in)
            in_valid.value = v
            in_data.value = stream[pos] if pos < len(stream) else rng.getrandbits(8)
            out_ready.value = ready = int(rng.random() < p_out)
            await settle
            in_ready, out_valid, out_data, done, error = [read(port) for port in outputs]
            for name, val in (("in_ready", in_ready), ("out_valid", out_valid), ("done", done), ("error", error)):
                if val not in (0, 1):
                    raise mismatch(c, name, "0 or 1", val)
            if held is not None and (out_valid, out_data) != (1, held):
                raise mismatch(c, "out_valid/out_data", (1, held), (out_valid, out_data),
                               "a byte must stay offered until out_ready")
            complete = got == len(expect) and pos > last
            goal, other = (error, done) if is_error else (done, error)
            if other:
                raise mismatch(c, "done" if is_error else "error", 0, 1)
            if goal and not complete:
                raise mismatch(c, "error" if is_error else "done", 0, 1,
                               f"{got} of {len(expect)} bytes out, {pos} of {last + 1} input bytes taken")
            if goal:
                if finish_at is None:
                    finish_at = c
                if out_valid or in_ready:
                    raise mismatch(c, "out_valid/in_ready", (0, 0), (out_valid, in_ready), "after done/error")
                if c - finish_at >= 6:
                    return
            elif complete:
                finish_at = finish_at if finish_at is not None else c
                if c - finish_at > self.finish_limit:
                    raise mismatch(c, "error" if is_error else "done", 1, 0,
                                   f"{self.finish_limit} cycles after the end")
            if out_valid == 1 and ready:
                if got >= len(expect):
                    raise mismatch(c, "out_valid", 0, 1, f"all {len(expect)} bytes already out")
                if out_data != expect[got]:
                    raise mismatch(c, "out_data", expect[got], out_data, f"output byte #{got}")
                got, held, idle = got + 1, None, 0
            else:
                held = out_data if out_valid == 1 else None
            if v and in_ready == 1:
                if pos > last:
                    raise mismatch(c, "in_ready", 0, 1, f"input byte #{pos} lies after the end (last used #{last})")
                pos, idle = pos + 1, 0
            idle += 1
            if idle > self.idle_limit:
                raise mismatch(c, "progress", f"a transfer within {self.idle_limit} cycles", "none",
                               f"{got} of {len(expect)} bytes out, {pos} input bytes taken")
            await rising
            await falling
            self.cycle += 1


def last_byte(stream, used_bits):
    return (used_bits - 1) // 8


async def valid_case(bench, stream, used, p_in, p_out, rng):
    expect = zlib.decompress(stream, -15)
    if used is None:   # zlib's stream: the final block ends in its last byte
        last = len(stream) - 1
    else:
        last = last_byte(stream, used)
    tail = bytes(rng.getrandbits(8) for _ in range(3))
    await bench.run(stream[:last + 1] + tail, expect, last, False, p_in, p_out)


async def stored_length_bits(bench, rng):
    """For every bit k = 6..15 of a stored block's LEN: a stream of a fixed block with 0 to 3
    literals (so that the stored header starts at any bit) and a final stored block of 2^k + r
    bytes (r = 1..8), fed up to its first r + 48 bytes and checked until r + 32 of them are out;
    the stream is then abandoned (the next one starts after its reset). A design without LEN
    bit k ends the block after r bytes."""
    for k in range(6, 16):
        r = rng.randint(1, 8)
        lits = [rng.getrandbits(8) for _ in range(rng.randint(0, 3))]
        head = bytes(rng.getrandbits(8) for _ in range(r + 48))
        body = head + bytes((1 << k) + r - len(head))
        stream, _ = encode([("fixed", lits), ("stored", body)], rng)
        stream = stream[:len(stream) - (len(body) - len(head))]
        await bench.run(stream, bytes(lits) + head, len(stream) - 1, False, rng.choice((1.0, 0.7)),
                        rng.choice((1.0, 0.7)), stop=len(lits) + r + 32)


async def run_inflate(dut):
    """The whole check: directed streams, windows reaching 4096 bytes back, random and zlib
    streams, then every error kind."""
    rng = tb_rng("inflate_fixed")
    start_clock(dut.clk)
    dut.rst.value, dut.in_valid.value, dut.in_data.value, dut.out_ready.value = 1, 0, 0, 0
    bench = Bench(dut, rng)
    directed = [
        [("fixed", [])],
        [("stored", b"")],
        [("stored", b"A"), ("fixed", [0x41, (258, 1), 143, 144, 255, 0, (3, 3)])],
        [("fixed", [7, (3, 1), (4, 2)]), ("stored", b""), ("stored", bytes(range(9))), ("fixed", [(10, 12)])],
        [("fixed", [1, 2, 3, (258, 3), (257, 261), (130, 7)])],
    ]
    for blocks in directed:
        stream, used = encode(blocks, rng)
        await valid_case(bench, stream, used, 1.0, 1.0, rng)
    for _ in range(2):   # back-references reaching exactly 4096 bytes back, across the window wrap
        filler = bytes(rng.getrandbits(8) for _ in range(rng.randint(4100, 4400)))
        toks = [rng.getrandbits(8), (rng.randint(3, 258), 4096), (5, 4095), (40, 1), (258, rng.randint(1, 4096))]
        stream, used = encode([("fixed", [1, 2]), ("stored", filler), ("fixed", toks)], rng)
        await valid_case(bench, stream, used, 0.9, 0.8, rng)
    await stored_length_bits(bench, rng)
    for _ in range(18):
        stream, used = random_stream(rng)
        await valid_case(bench, stream, used, rng.choice((1.0, 0.7, 0.3)), rng.choice((1.0, 0.6, 0.2)), rng)
    for level, size in ((0, 300), (6, 500), (9, 1500), (1, 1200), (0, 0), (6, 0)):
        stream, used = zlib_stream(rng, level, size)
        await valid_case(bench, stream, used, 0.8, 0.8, rng)
    for k in range(14):   # every error kind twice, and three streams whose distance is exactly one too far
        stream, prefix, last = error_stream(rng, k % 6 if k < 12 else 5, one_past=k in (5, 12, 13))
        await bench.run(stream, prefix, last, True, rng.choice((1.0, 0.5)), rng.choice((1.0, 0.5)))
