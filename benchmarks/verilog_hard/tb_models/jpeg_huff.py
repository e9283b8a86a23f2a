"""jpeg_huff: a baseline JPEG entropy encoder and a bit-exact decoder model with the error rules
of the jpeg_huff_dec specification (tables as DHT BITS/HUFFVAL, canonical codes of ITU-T T.81
Annex C, byte stuffing, DC prediction, restart markers, natural-order output).

The testbench encodes random blocks with random tables (:func:`random_table` makes canonical
tables with no all-ones code) and takes its expected results from :func:`decode`, which reads
the bytes bit by bit on demand exactly as the specification orders the rules; the encoder's
own blocks are checked against the decoder's output so that the two agree.
"""
import heapq

ZIGZAG = [0, 1, 5, 6, 14, 15, 27, 28, 2, 4, 7, 13, 16, 26, 29, 42, 3, 8, 12, 17, 25, 30, 41, 43,
          9, 11, 18, 24, 31, 40, 44, 53, 10, 19, 23, 32, 39, 45, 52, 54, 20, 22, 33, 38, 46, 51, 55, 60,
          21, 34, 37, 47, 50, 56, 59, 61, 35, 36, 48, 49, 57, 58, 62, 63]  # natural n -> zigzag index
MCU = {0: [0], 1: [0, 0, 0, 0, 1, 2], 2: [0, 1, 2], 3: [0, 0, 1, 2]}
E_CODE, E_SYMBOL, E_RANGE, E_MARKER = 1, 2, 3, 4


def canonical_codes(bits, huffval):
    """{symbol index: (code, length)} in HUFFVAL order, Annex C."""
    codes, code, i = [], 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes.append((code, length, huffval[i]))
            code += 1
            i += 1
        code <<= 1
    return codes


def random_table(rng, symbols):
    """(bits, huffval) for the given distinct symbols: Huffman lengths of random weights plus a
    dummy that takes the all-ones code (then removed), limited to 16 bits."""
    syms = list(symbols)
    while True:
        skew = rng.choice([0.5, 2.0, 6.0])
        weights = [rng.random() ** skew + 1e-6 for _ in syms] + [min(1e-7, rng.random())]
        heap = [(w, i, [i]) for i, w in enumerate(weights)]
        heapq.heapify(heap)
        depth = [0] * len(weights)
        n = len(weights)
        while len(heap) > 1:
            w1, _, l1 = heapq.heappop(heap)
            w2, _, l2 = heapq.heappop(heap)
            for i in l1 + l2:
                depth[i] += 1
            heapq.heappush(heap, (w1 + w2, n, l1 + l2))
            n += 1
        if max(depth) <= 16 and depth[-1] == max(depth):
            break
    order = sorted(range(len(syms)), key=lambda i: (depth[i], rng.random()))
    bits = [0] * 16
    for i in order:
        bits[depth[i] - 1] += 1
    return bits, [syms[i] for i in order]


class BitWriter:
    def __init__(self):
        self.bits = []

    def put(self, value, length):
        self.bits.extend((value >> (length - 1 - i)) & 1 for i in range(length))

    def flush(self, out):
        """Pad to a byte with 1 bits, append the stuffed bytes to out and clear."""
        while len(self.bits) % 8:
            self.bits.append(1)
        for i in range(0, len(self.bits), 8):
            byte = int("".join(map(str, self.bits[i:i + 8])), 2)
            out.append(byte)
            if byte == 0xFF:
                out.append(0x00)
        self.bits = []


def magnitude(v):
    """(S, V) of a coefficient value: its size category and the extra bits."""
    s = abs(v).bit_length()
    return s, (v if v >= 0 else v + (1 << s) - 1)


def extend(v, t):
    return v if t == 0 or v >= 1 << (t - 1) else v - (1 << t) + 1


def random_block(rng, comp, dc_lo=-1000, dc_hi=1000):
    """(comp, zz[64]) with a random sparse pattern: long zero runs (ZRL), a last coefficient at
    63 sometimes, all AC sizes 1..10."""
    zz = [0] * 64
    zz[0] = rng.randint(dc_lo, dc_hi)
    style = rng.choice([0, 1, 1, 2, 2, 3, 4])
    count = [0, rng.randrange(1, 4), rng.randrange(4, 16), rng.randrange(16, 64), 1][style]
    for _ in range(count):
        k = rng.randrange(1, 64) if style != 4 else rng.choice([17, 33, 48, 63, 32, 16])
        size = rng.choice([1, 1, 2, 3, 4, rng.randrange(1, 11), 10])
        v = rng.randrange(1 << (size - 1), 1 << size)
        zz[k] = v if rng.random() < 0.5 else -v
    if rng.random() < 0.15:
        zz[63] = rng.choice([1, -1, 1023, -1023])
    return comp, zz


def _put_value(w, value):
    size, bits = magnitude(value)
    if size:
        w.put(bits, size)
    return size


class Encoder:
    """Encode a scan; ``inject`` = (block index, kind, detail) stops the scan with an error."""

    def __init__(self, tables):
        self.codes = {t: {s: (c, ln) for c, ln, s in canonical_codes(*tables[t])} for t in range(4)}

    def code(self, w, table, sym):
        c, ln = self.codes[table][sym]
        w.put(c, ln)

    def encode_block(self, w, comp, zz, pred, zrl_to_end=False):
        dct, act = (0, 2) if comp == 0 else (1, 3)
        diff = zz[0] - pred[comp]
        pred[comp] = zz[0]
        size, bits = magnitude(diff)
        self.code(w, dct, size)
        if size:
            w.put(bits, size)
        run = 0
        for k in range(1, 64):
            if zz[k] == 0:
                run += 1
                continue
            while run >= 16:
                self.code(w, act, 0xF0)
                run -= 16
            size, bits = magnitude(zz[k])
            self.code(w, act, (run << 4) | size)
            w.put(bits, size)
            run = 0
        if run:
            if zrl_to_end and run % 16 == 0:
                for _ in range(run // 16):
                    self.code(w, act, 0xF0)
            else:
                self.code(w, act, 0x00)

    def scan(self, blocks, mode, ri, rng, inject=None):
        """Bytes of the scan (blocks in scan order); with ``inject`` the bytes end after the
        error (the caller appends filler)."""
        w, out, pred, m, bi = BitWriter(), [], [0, 0, 0], 0, 0
        per = len(MCU[mode])
        for mcu in range(len(blocks) // per):
            if ri and mcu and mcu % ri == 0:
                w.flush(out)
                if inject and inject[0] == bi and inject[1] == "restart":
                    out.extend(inject[2])
                    return out
                out.extend([0xFF, 0xD0 + m])
                m = (m + 1) % 8
                pred = [0, 0, 0]
            for comp, zz in blocks[mcu * per:(mcu + 1) * per]:
                if inject and inject[0] == bi:
                    self._inject(w, out, comp, zz, pred, inject, rng)
                    return out
                self.encode_block(w, comp, zz, pred, zrl_to_end=rng.random() < 0.5)
                bi += 1
        w.flush(out)
        return out

    def _inject(self, w, out, comp, zz, pred, inject, rng):
        kind, detail = inject[1], inject[2]
        dct, act = (0, 2) if comp == 0 else (1, 3)
        if kind == "marker":          # at a byte boundary where a code starts
            w.flush(out)
            out.extend(detail)
            return
        if kind == "code" and detail == "dc":
            w.put(0xFFFF, 16)
        elif kind == "symbol" and detail[0] == "dc":
            self.code(w, dct, detail[1])
        else:
            self.code(w, dct, 0)
            for _ in range(rng.randrange(0, 3)):
                self.code(w, act, 0x01)
                w.put(rng.getrandbits(1), 1)
            if kind == "code":
                w.put(0xFFFF, 16)
            elif kind == "symbol":
                self.code(w, act, detail[1])
            else:                         # range: ZRLs to k >= 49, then a run past 63
                k = 1
                while k < 49:
                    self.code(w, act, 0xF0)
                    k += 16
                self.code(w, act, detail)
        w.put(rng.getrandbits(16), 16)
        w.flush(out)


class Decoder:
    """Decode one scan from bytes; .blocks gets (comp, natural-order coefficients) per block,
    .error the first error code (0 if none), .used the bytes taken at the end of a good scan."""

    def __init__(self, data, tables, mode, num_mcus, ri):
        self.data, self.pos, self.acc, self.nacc = data, 0, 0, 0
        self.maps = {t: {(c, ln): s for c, ln, s in canonical_codes(*tables[t])} for t in range(4)}
        self.blocks, self.error, self.used = [], 0, None
        try:
            self._scan(mode, num_mcus, ri)
            self.used = self.pos
        except _Err as e:
            self.error = e.code

    def _byte(self):
        if self.pos >= len(self.data):
            raise RuntimeError("jpeg model: ran out of data")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def bit(self):
        if self.nacc == 0:
            b = self._byte()
            if b == 0xFF and self._byte() != 0x00:
                raise _Err(E_MARKER)
            self.acc, self.nacc = b, 8
        self.nacc -= 1
        return (self.acc >> self.nacc) & 1

    def getbits(self, n):
        v = 0
        for _ in range(n):
            v = (v << 1) | self.bit()
        return v

    def symbol(self, table):
        code = 0
        for length in range(1, 17):
            code = (code << 1) | self.bit()
            if (code, length) in self.maps[table]:
                return self.maps[table][(code, length)]
        raise _Err(E_CODE)

    def _block(self, comp, pred):
        zz = [0] * 64
        t = self.symbol(0 if comp == 0 else 1)
        if t > 11:
            raise _Err(E_SYMBOL)
        pred[comp] = (pred[comp] + extend(self.getbits(t), t)) & 0xFFFF
        zz[0] = pred[comp] - (1 << 16) if pred[comp] >> 15 else pred[comp]
        k = 1
        while k <= 63:
            rs = self.symbol(2 if comp == 0 else 3)
            r, s = rs >> 4, rs & 15
            if rs == 0x00:
                break
            if rs == 0xF0:
                if k + 16 > 64:
                    raise _Err(E_RANGE)
                k += 16
                continue
            if s == 0 or s > 10:
                raise _Err(E_SYMBOL)
            if k + r > 63:
                raise _Err(E_RANGE)
            k += r
            zz[k] = extend(self.getbits(s), s)
            k += 1
        self.blocks.append((comp, [zz[ZIGZAG[n]] for n in range(64)]))

    def _scan(self, mode, num_mcus, ri):
        pred, m = [0, 0, 0], 0
        for mcu in range(num_mcus):
            if ri and mcu and mcu % ri == 0:
                self.nacc = 0
                if self._byte() != 0xFF or self._byte() != 0xD0 + m:
                    raise _Err(E_MARKER)
                m = (m + 1) % 8
                pred = [0, 0, 0]
            for comp in MCU[mode]:
                self._block(comp, pred)


class _Err(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code
