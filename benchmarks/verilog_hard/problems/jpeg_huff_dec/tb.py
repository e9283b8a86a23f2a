"""jpeg_huff_dec: random scans (all four MCU shapes, restarts, random canonical tables) encoded in
Python and decoded by the bit-level model of tb_models/jpeg_huff; every coefficient, the bytes
taken, the status outputs and the error codes are checked cycle by cycle.

num_mcus and restart_interval are 16 bits wide: besides short scans (up to 12 MCUs, intervals 0..3)
every seed runs (with no gaps, to keep the run short) a long scan (65..72 MCUs, intervals 4..8
or 9..64, a dozen blocks that may end with ZRLs up to position 64), and for every bit
b = 4..15 of num_mcus and every bit c = 4..15 of restart_interval (paired at random) a scan started
with num_mcus = 2^b + 1 and restart_interval = 2^c + 1, plus one with both 65535: its first two
MCUs (no restart marker between them) are checked and the scan is then ended by a reset, so a
design that drops bit b or c ends the scan, or expects a marker, after the first MCU."""
import random

import cocotb
from cocotb.triggers import FallingEdge, Timer
from jpeg_huff import MCU, Decoder, Encoder, random_block, random_table

from harness.tbkit import mismatch, read, start_clock, tb_rng

STATUS = ("busy", "done", "error", "in_ready", "out_valid")
INVALID_AC = [(r << 4) | s for r in range(16) for s in range(11, 16)] + [r << 4 for r in range(1, 15)]


def ac_symbols(blocks):
    syms = {0x00, 0xF0, 0x01, 0xF1}
    for _, zz in blocks:
        run = 0
        for k in range(1, 64):
            if zz[k] == 0:
                run += 1
            else:
                syms.add(((run % 16) << 4) | abs(zz[k]).bit_length())
                run = 0
    return syms


def make_tables(rng, blocks, small=False):
    """Four (bits, huffval) tables: DC with all categories plus invalid symbols, AC with the
    symbols the blocks need (or, unless small, sometimes all 162) plus invalid ones."""
    tables = []
    for t in range(4):
        if t < 2:
            syms = set(range(12)) | set(rng.sample(range(12, 256), rng.randint(1, 2)))
        else:
            comp_blocks = [b for b in blocks if (b[0] == 0) == (t == 2)]
            syms = ac_symbols(comp_blocks) if small or rng.random() < 0.6 else \
                {0x00, 0xF0} | {(r << 4) | s for r in range(16) for s in range(1, 11)}
            syms |= set(rng.sample(INVALID_AC, rng.randint(1, 3)))
        tables.append(random_table(rng, sorted(syms, key=lambda _: rng.random())))
    return tables


def make_scan(rng, kind):
    """(tables, mode, num_mcus, ri, data, model decoder, kind) for one scan."""
    mode = rng.randrange(4)
    per = len(MCU[mode])
    num_mcus = rng.randint(1, {0: 8, 1: 2, 2: 3, 3: 2}[mode])
    ri = rng.choice([0, 0, 1, 1, 2, 3])
    if kind == "restart":
        mode, per, num_mcus, ri = 0, 1, rng.randint(3, 12), rng.choice([1, 2])
    blocks = [random_block(rng, comp) for _ in range(num_mcus) for comp in MCU[mode]]
    tables = make_tables(rng, blocks)
    enc = Encoder(tables)
    inject, err = None, 0
    if kind == "marker":
        starts = [0] + [m * per for m in range(1, num_mcus) if ri and m % ri == 0]
        inject = (rng.choice(starts), "marker", [0xFF, rng.choice([0xD0, 0xD3, 0xD7, 0xD9, 0xC4, 0x01, 0xFF])])
        err = 4
    elif kind == "restart":
        at = rng.choice([m for m in range(1, num_mcus) if m % ri == 0])
        wrong = [[0xFF, 0xD0 + (at // ri) % 8], [0xFF, 0x00], [rng.randrange(0, 255), 0x00], [0xFF, 0xD9]]
        inject, err = (at, "restart", rng.choice(wrong)), 4
    elif kind in ("code", "symbol", "range"):
        bi = rng.randrange(len(blocks))
        tdc, tac = (0, 2) if blocks[bi][0] == 0 else (1, 3)
        detail = {"code": rng.choice(["dc", "ac"]),
                  "symbol": rng.choice([("dc", [s for s in tables[tdc][1] if s > 11][0]),
                                        ("ac", [s for s in tables[tac][1] if s in INVALID_AC][0])]),
                  "range": rng.choice([0xF0, 0xF1])}[kind]
        inject, err = (bi, kind, detail), {"code": 1, "symbol": 2, "range": 3}[kind]
    data = enc.scan(blocks, mode, ri, rng, inject)
    if inject:
        data = data + [rng.randrange(0, 255) for _ in range(48)]
    model = Decoder(data + [0x5A] * 8, tables, mode, num_mcus, ri)
    good = blocks[:inject[0]] if inject else blocks
    if model.error != err or [(c, [v for v in zz]) for c, zz in model.blocks] != \
            [(c, [zz[n] for n in _natural()]) for c, zz in good] or (not inject and model.used != len(data)):
        raise RuntimeError(f"jpeg testbench: encoder and model disagree ({kind})")
    return tables, mode, num_mcus, ri, data, model, None


CHECKED_MCUS = 2   # MCUs checked in a scan started with a large num_mcus (then reset)


def make_range_scan(rng, kind, b=None, c=None):
    """A scan for the 16-bit ranges of num_mcus and restart_interval.

    "long": mode 0, 65..72 MCUs, restart interval 4..8 (8 to 17 markers) or 9..64, a complete
    scan in which 12 blocks end with a zero run of 16, 32 or 48 (coded with ZRLs that end the
    block at 64, or with EOB, at random). "bits": num_mcus = 2^b + r and restart_interval =
    2^c + r' (b, c = None: both 65535), data for CHECKED_MCUS + 1 MCUs (no marker among them,
    as the interval is longer) of which the first CHECKED_MCUS are checked (the last element:
    the number of coefficients after which the bench resets)."""
    if kind == "long":
        mode, num_mcus = 0, rng.randint(65, 72)
        ri = rng.choice([rng.randint(4, 8), rng.randint(4, 8), rng.randint(9, 64)])
    else:
        mode = 0
        num_mcus = 0xFFFF if b is None else (1 << b) + rng.randint(1, CHECKED_MCUS - 1)
        ri = 0xFFFF if c is None else (1 << c) + rng.randint(1, CHECKED_MCUS - 1)
    coded = num_mcus if kind != "bits" else CHECKED_MCUS + 1
    blocks = [random_block(rng, comp) for _ in range(coded) for comp in MCU[mode]]
    if kind == "long":
        for i in rng.sample(range(len(blocks)), 12):
            last = rng.choice([15, 31, 47])
            blocks[i][1][last] = blocks[i][1][last] or rng.choice([1, -1, 5, -300])
            blocks[i][1][last + 1:] = [0] * (63 - last)
    tables = make_tables(rng, blocks, small=kind == "bits")
    data = Encoder(tables).scan(blocks, mode, ri, rng)
    model = Decoder(data + [0x5A] * 8, tables, mode, coded, ri)
    if model.error or model.used != len(data) or [(c_, list(zz)) for c_, zz in model.blocks] != \
            [(c_, [zz[n] for n in _natural()]) for c_, zz in blocks]:
        raise RuntimeError(f"jpeg testbench: encoder and model disagree ({kind})")
    stop = CHECKED_MCUS * len(MCU[mode]) * 64 if kind == "bits" else None
    return tables, mode, num_mcus, ri, data, model, stop


def _natural():
    from jpeg_huff import ZIGZAG
    return ZIGZAG


class Bench:
    """One cycle at a time: inputs just after the falling edge, outputs read 1 ns later, the
    transfers they make counted at the rising edge."""

    def __init__(self, dut, rng):
        self.dut, self.rng, self.cycle = dut, rng, 0
        self.cover = {}

    async def step(self, **inputs):
        await FallingEdge(self.dut.clk)
        defaults = {"rst": 0, "tbl_we": 0, "start": 0, "in_valid": 0, "out_ready": 0}
        for name, val in {**defaults, **inputs}.items():
            getattr(self.dut, name).value = val
        await Timer(1, unit="ns")
        out = {name: read(getattr(self.dut, name)) for name in STATUS}
        if out["out_valid"]:
            out.update({name: read(getattr(self.dut, name)) for name in ("out_coef", "out_comp", "out_last")})
        for name in STATUS:
            if not isinstance(out[name], int):
                raise mismatch(self.cycle, name, "0 or 1", out[name])
        if not out["busy"] and (out["in_ready"] or out["out_valid"]):
            raise mismatch(self.cycle, "in_ready/out_valid", "0 while busy = 0", (out["in_ready"], out["out_valid"]))
        self.cycle += 1  # the transfers these values make happen at the next rising edge
        return out

    def expect(self, out, name, want, note=""):
        if out[name] != want:
            raise mismatch(self.cycle - 1, name, want, out[name], note)

    async def load_tables(self, tables):
        """Write every entry (outputs are checked in the cycle after the last write)."""
        dut = self.dut
        for t, (bits, huffval) in enumerate(tables):
            for addr, val in enumerate(list(bits) + list(huffval)):
                await FallingEdge(dut.clk)
                dut.tbl_we.value, dut.tbl_id.value, dut.tbl_addr.value, dut.tbl_data.value = 1, t, addr, val
                self.cycle += 1
        out = await self.step()
        self.expect(out, "busy", 0)

    async def run_scan(self, scan, reset_at=None, fast=False):
        """fast: bytes offered and coefficients accepted in every cycle (the long range scans)."""
        tables, mode, num_mcus, ri, data, model, stop = scan
        rng = self.rng
        await self.load_tables(tables)
        await self.step(start=1, mode=mode, num_mcus=num_mcus, restart_interval=ri)
        want = [(comp, v & 0xFFFF, int(n == 63)) for comp, coefs in model.blocks for n, v in enumerate(coefs)]
        limit = len(data) if not model.error and stop is None else None
        p_in, p_out = rng.choice([1.0, 1.0, 0.8, 0.4]), rng.choice([1.0, 1.0, 0.7, 0.3])
        if fast:
            p_in, p_out = 1.0, 1.0
        taken, got, held, idle, finish, first = 0, 0, None, 0, None, True
        while True:
            if (reset_at is not None and self.cycle >= reset_at) or (stop is not None and got >= stop):
                await self.step(rst=1)
                out = await self.step()
                for name in ("busy", "done", "error", "out_valid"):
                    self.expect(out, name, 0, "after a reset during a scan")
                self.cover["partial"] = self.cover.get("partial", 0) + int(stop is not None)
                return
            byte = data[taken] if taken < len(data) else rng.randrange(0, 255)
            v, r = int(rng.random() < p_in), int(rng.random() < p_out)
            scramble = {"mode": rng.randrange(4), "num_mcus": rng.getrandbits(16),
                        "restart_interval": rng.getrandbits(16)} if first else {}
            out = await self.step(in_valid=v, in_data=byte, out_ready=r, **scramble)
            if first:
                for name, val in (("busy", 1), ("done", 0), ("error", 0)):
                    self.expect(out, name, val, "the cycle after start")
                first = False
            if held is not None and (not out["out_valid"] or (out["out_coef"], out["out_comp"], out["out_last"]) != held):
                raise mismatch(self.cycle - 1, "out_valid/out_coef/out_comp/out_last", f"held {held}",
                               (out["out_valid"], out["out_coef"], out["out_comp"], out["out_last"]))
            held = None
            progress = False
            if out["out_valid"]:
                item = (out["out_comp"], out["out_coef"], out["out_last"])
                if got >= len(want):
                    raise mismatch(self.cycle - 1, "out_valid", 0, 1, f"all {len(want)} coefficients were output")
                if r:
                    if item != want[got]:
                        raise mismatch(self.cycle - 1, "(out_comp, out_coef, out_last)", want[got], item,
                                       f"coefficient {got % 64} (natural order) of block {got // 64}")
                    got, progress = got + 1, True
                else:
                    held = (out["out_coef"], out["out_comp"], out["out_last"])
            if out["done"] or out["error"]:
                self.expect(out, "busy", 0, "done or error is set")
                if stop is not None:
                    raise mismatch(self.cycle - 1, "done/error", 0, (out["done"], out["error"]),
                                   f"num_mcus = {num_mcus}, restart_interval = {ri}: only {got} coefficients "
                                   f"were output")
                if got < len(want):
                    raise mismatch(self.cycle - 1, "done/error", 0, (out["done"], out["error"]),
                                   f"only {got} of {len(want)} coefficients were output")
                self.expect(out, "error", model.error)
                self.expect(out, "done", int(not model.error))
                if limit is not None and taken != limit:
                    raise mismatch(self.cycle - 1, "bytes taken at done", limit, taken)
                self.cover[model.error] = self.cover.get(model.error, 0) + 1
                self.cover["ff_end"] = self.cover.get("ff_end", 0) + int(not model.error and data[-1] == 0 and
                                                                        len(data) > 1 and data[-2] == 0xFF)
                for _ in range(rng.randrange(1, 4)):
                    out2 = await self.step(in_valid=1, in_data=rng.randrange(256), out_ready=1)
                    for name, val in (("busy", 0), ("done", out["done"]), ("error", out["error"])):
                        self.expect(out2, name, val, "after the end of a scan")
                return
            self.expect(out, "busy", 1)
            if v and out["in_ready"]:
                taken, progress = taken + 1, True
                if limit is not None and taken > limit:
                    raise mismatch(self.cycle - 1, "in_ready", 0, 1, f"the scan has {limit} bytes; a byte after the "
                                   "end of the scan was taken")
                if limit is None and stop is None and taken > len(data):
                    raise mismatch(self.cycle - 1, "error", model.error, 0, f"all {len(data)} bytes offered after the "
                                   "error were taken and it was not reported")
            if limit is not None and taken == limit and got == len(want):
                finish = self.cycle if finish is None or progress else finish
                if self.cycle - finish > 64:
                    raise mismatch(self.cycle - 1, "done", 1, 0, "64 cycles after the last coefficient and byte")
            idle = 0 if progress else idle + 1
            if idle > 2000:
                raise mismatch(self.cycle - 1, "progress", "a byte or coefficient within 2000 cycles", "none")


@cocotb.test()
async def test_jpeg_huff_dec(dut):
    rng = random.Random(tb_rng("jpeg_huff_dec").random())
    start_clock(dut.clk)
    bench = Bench(dut, rng)
    dut.rst.value = 1
    for name in ("tbl_we", "start", "in_valid", "out_ready", "tbl_id", "tbl_addr", "tbl_data", "mode", "num_mcus",
                 "restart_interval", "in_data"):
        getattr(dut, name).value = 0
    out = await bench.step(rst=1)
    out = await bench.step()
    for name in ("busy", "done", "error", "out_valid", "in_ready"):
        bench.expect(out, name, 0, "after reset")
    kinds = ["good"] * 6 + ["code", "symbol", "range", "marker", "restart"] * 2 + ["good"] * 5
    kinds[rng.randrange(2, 6)] = "reset"
    kinds[rng.randrange(16, 21)] = "ff_end"
    # the 16-bit ranges: a long scan at a random place, then one scan per bit
    kinds.insert(rng.randrange(len(kinds) + 1), "long")
    cbits = list(range(4, 16))
    rng.shuffle(cbits)
    kinds += [("bits", b, c) for b, c in zip(range(4, 16), cbits)] + [("bits", None, None)]
    for kind in kinds:
        if isinstance(kind, tuple) or kind == "long":
            scan = make_range_scan(rng, *kind) if isinstance(kind, tuple) else make_range_scan(rng, kind)
            await bench.run_scan(scan, fast=True)
            continue
        scan = make_scan(rng, "good" if kind == "reset" else kind)
        while kind == "ff_end" and scan[4][-2:] != [0xFF, 0x00]:  # a scan whose last byte is a stuffed FF
            scan = make_scan(rng, "good")
        await bench.run_scan(scan, reset_at=bench.cycle + 600 + rng.randrange(400) if kind == "reset" else None)
    for key, least in ((0, 11), ("ff_end", 1), (1, 2), (2, 2), (3, 2), (4, 4), ("partial", 13)):
        assert bench.cover.get(key, 0) >= least, f"coverage: outcome {key} seen {bench.cover.get(key, 0)} times"
    dut._log.info("coverage: %s", bench.cover)
