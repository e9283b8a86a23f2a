"""rv32_iss: the RV32IM reference of the rv32im_core and rv32_mext_modify testbenches.

Shared by both problems (``tb_models = ["rv32_iss"]`` in their meta.toml): an instruction-set
simulator (:class:`Iss`), instruction encoders, a generator of random forward-only programs
(:class:`Generator`) and the cocotb bench that runs a program on the core's memory port and
checks its retire trace and stores (:class:`Bench`).

Code runs in several regions of the 32-bit address space: a program starts at address 0 and
leaves through far jumps (LUI then JALR) into regions at high addresses (random high bits, their
complement, and one that crosses a carry boundary such as 0x80000000), where it runs an AUIPC
first and then random code; the memory model serves every address (an address that holds no
instruction reads as a NOP).

Loads and stores may sit at any byte address: a misaligned access is split at the word
boundary, as rv32_mext_modify's change request specifies. rv32im_core's programs make only
naturally aligned accesses (``Generator(rng, misaligned=False)``), where this is plain RV32IM.
"""
from cocotb.triggers import FallingEdge, RisingEdge, Timer

from harness.tbkit import Signals, mismatch, read
from harness.tbkit.cycle import read_masked

MASK = 0xFFFFFFFF
DATA_BASE, DATA_SIZE = 0x00010000, 0x1000
CODE_LIMIT = 0x8000     # the size of each code region (the first is 0 .. CODE_LIMIT)
LOW_END = 0x20000       # far regions start above the first code region and the data area
NOP = 0x00000013


def sext(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def signed(v):
    return v - (1 << 32) if v >> 31 else v


def alu_m(f3, a, b):
    sa, sb = signed(a), signed(b)
    if f3 == 0:
        return (a * b) & MASK
    if f3 == 1:
        return ((sa * sb) >> 32) & MASK
    if f3 == 2:
        return ((sa * b) >> 32) & MASK
    if f3 == 3:
        return ((a * b) >> 32) & MASK
    if f3 in (4, 6) and b == 0:
        return MASK if f3 == 4 else a
    if f3 == 5 and b == 0:
        return MASK
    if f3 == 7 and b == 0:
        return a
    if f3 in (4, 6) and sa == -(1 << 31) and sb == -1:
        return a if f3 == 4 else 0
    if f3 == 4:
        q = abs(sa) // abs(sb)
        return (q if (sa < 0) == (sb < 0) else -q) & MASK
    if f3 == 6:
        q = abs(sa) // abs(sb)
        q = q if (sa < 0) == (sb < 0) else -q
        return (sa - sb * q) & MASK
    return (a // b) & MASK if f3 == 5 else (a % b) & MASK


def alu(f3, a, b, alt):
    sh = b & 31
    if f3 == 0:
        return (a - b if alt else a + b) & MASK
    if f3 == 1:
        return (a << sh) & MASK
    if f3 == 2:
        return int(signed(a) < signed(b))
    if f3 == 3:
        return int(a < b)
    if f3 == 4:
        return a ^ b
    if f3 == 5:
        return (signed(a) >> sh) & MASK if alt else a >> sh
    return a | b if f3 == 6 else a & b


class Iss:
    """RV32IM instruction-set simulator: one call to step() retires one instruction."""

    def __init__(self, prog, data):
        self.prog, self.data = prog, data
        self.x = [0] * 32
        self.pc = 0

    def load_word(self, addr):
        return self.data.get(addr & ~3, 0)

    def load_byte(self, addr):
        return (self.load_word(addr) >> (8 * (addr & 3))) & 0xFF

    def step(self):
        """Execute at pc; returns (retire record, list of store records: one per word written)."""
        pc, ins = self.pc, self.prog.get(self.pc, NOP)
        op, rd, f3 = ins & 0x7F, (ins >> 7) & 31, (ins >> 12) & 7
        a, b = self.x[(ins >> 15) & 31], self.x[(ins >> 20) & 31]
        imm_i = sext(ins >> 20, 12)
        nxt, wd, store = pc + 4, None, []
        if op == 0x37:
            wd = ins & 0xFFFFF000
        elif op == 0x17:
            wd = (pc + (ins & 0xFFFFF000)) & MASK
        elif op == 0x6F:
            imm = sext(((ins >> 31) << 20) | (((ins >> 12) & 0xFF) << 12) | (((ins >> 20) & 1) << 11)
                       | (((ins >> 21) & 0x3FF) << 1), 21)
            wd, nxt = pc + 4, (pc + imm) & MASK
        elif op == 0x67:
            wd, nxt = pc + 4, (a + imm_i) & MASK & ~1
        elif op == 0x63:
            imm = sext(((ins >> 31) << 12) | (((ins >> 7) & 1) << 11) | (((ins >> 25) & 0x3F) << 5)
                       | (((ins >> 8) & 0xF) << 1), 13)
            cond = {0: a == b, 1: a != b, 4: signed(a) < signed(b), 5: signed(a) >= signed(b), 6: a < b,
                    7: a >= b}[f3]
            if cond:
                nxt = (pc + imm) & MASK
        elif op == 0x03:
            addr = (a + imm_i) & MASK
            size = {0: 1, 1: 2, 2: 4, 4: 1, 5: 2}[f3]
            word = sum(self.load_byte(addr + k) << (8 * k) for k in range(size))
            wd = {0: sext(word, 8) & MASK, 1: sext(word, 16) & MASK, 2: word, 4: word, 5: word}[f3]
        elif op == 0x23:
            addr = (a + sext(((ins >> 25) << 5) | ((ins >> 7) & 31), 12)) & MASK
            size = 1 << f3
            strb = ((1 << size) - 1) << (addr & 3)
            lanes = (b & ((1 << (8 * size)) - 1)) << (8 * (addr & 3))
            store = []
            for k, base in enumerate((addr & ~3, (addr & ~3) + 4)):
                st, ln = (strb >> (4 * k)) & 0xF, (lanes >> (32 * k)) & MASK
                if st:
                    bitmask = sum(0xFF << (8 * i) for i in range(4) if st >> i & 1)
                    self.data[base] = (self.load_word(base) & ~bitmask) | ln
                    store.append((base, st, ln))
        elif op == 0x13:
            alt = f3 == 5 and (ins >> 30) & 1
            wd = alu(f3, a, imm_i & MASK, alt)
        elif op == 0x33:
            wd = alu_m(f3, a, b) if ins >> 25 == 1 else alu(f3, a, b, (ins >> 30) & 1)
        if wd is not None and rd != 0:
            self.x[rd] = wd
            rec = (pc, ins, rd, wd)
        else:
            rec = (pc, ins, 0, 0)
        self.pc = nxt
        return rec, store


# ---- encoders -------------------------------------------------------------------------------
def enc_r(f7, rs2, rs1, f3, rd, op=0x33):
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op


def enc_i(imm, rs1, f3, rd, op):
    return (imm & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op


def enc_s(imm, rs2, rs1, f3):
    return ((imm >> 5) & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | 0x23


def enc_b(imm, rs2, rs1, f3):
    return (((imm >> 12) & 1) << 31 | ((imm >> 5) & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12
            | ((imm >> 1) & 0xF) << 8 | ((imm >> 11) & 1) << 7 | 0x63)


def enc_j(imm, rd):
    return (((imm >> 20) & 1) << 31 | ((imm >> 1) & 0x3FF) << 21 | ((imm >> 11) & 1) << 20
            | ((imm >> 12) & 0xFF) << 12 | rd << 7 | 0x6F)


class Generator:
    """Builds a program while executing it, so that every load and store lands aligned in the
    data area and control flow only moves forward (each address runs at most once)."""

    def __init__(self, rng, misaligned=False, far=()):
        """``far``: addresses of the regions that the program jumps to, in order (each gets
        CODE_LIMIT bytes from its address; none may overlap 0 .. LOW_END or another)."""
        self.rng, self.misaligned = rng, misaligned
        self.data = {DATA_BASE + 4 * i: rng.getrandbits(32) for i in range(DATA_SIZE // 4)}
        self.prog = {}
        self.iss = Iss(self.prog, dict(self.data))
        self.pending_mem = False
        self.regions = [(0, CODE_LIMIT)] + [(base, base + CODE_LIMIT) for base in far]
        for i, (lo, hi) in enumerate(self.regions):
            assert lo % 4 == 0 and hi <= 1 << 32 and (i == 0 or lo >= LOW_END), hex(lo)
            assert all(hi <= lo2 or hi2 <= lo for lo2, hi2 in self.regions[:i]), "regions overlap"
        self.region = 0
        self.queue = []   # instructions that must come next (a far jump and its landing)

    def reg(self):
        return self.rng.choice((self.rng.randrange(32), self.rng.randrange(1, 9), self.rng.randrange(1, 9)))

    def mem_target(self, size):
        """Naturally aligned, or (with misaligned, often) any byte address."""
        if self.misaligned and size > 1 and self.rng.random() < 0.45:
            return DATA_BASE + self.rng.randrange(0, DATA_SIZE - size + 1)
        return DATA_BASE + self.rng.randrange(0, DATA_SIZE // size) * size

    def based(self, target):
        """(rs1, imm) with x[rs1] + imm == target, or None."""
        regs = list(range(32))
        self.rng.shuffle(regs)
        for r in regs:
            imm = target - self.iss.x[r]
            if -2048 <= imm < 2048:
                return r, imm
        return None

    def choose(self):
        rng = self.rng
        pc = self.iss.pc
        kind = rng.uniform(0.60, 0.82) if self.pending_mem else rng.random()
        self.pending_mem = False
        rd, rs1, rs2 = self.reg(), self.reg(), self.reg()
        if kind < 0.22:
            f3 = rng.randrange(8)
            f7 = 0x20 if f3 in (0, 5) and rng.random() < 0.5 else 0
            return enc_r(f7, rs2, rs1, f3, rd)
        if kind < 0.40:
            return enc_r(1, rs2, rs1, rng.randrange(8), rd)
        if kind < 0.55:
            f3 = rng.randrange(8)
            if f3 in (1, 5):
                imm = rng.randrange(32) | (0x400 if f3 == 5 and rng.random() < 0.5 else 0)
            else:
                imm = rng.choice((rng.randrange(-2048, 2048), rng.randrange(-4, 5), -1, 2047, -2048))
            return enc_i(imm, rs1, f3, rd, 0x13)
        if kind < 0.60:
            up = rng.choice((0x80000, 0xFFFFF, 0, rng.getrandbits(20)))
            return up << 12 | rd << 7 | (0x37 if rng.random() < 0.7 else 0x17)
        if kind < 0.72:
            f3 = rng.choice((0, 1, 2, 4, 5))
            found = self.based(self.mem_target(1 << (f3 & 3)) + 0)
            if found is None:
                return self.base_setup(rd)
            return enc_i(found[1], found[0], f3, rd, 0x03)
        if kind < 0.82:
            f3 = rng.randrange(3)
            found = self.based(self.mem_target(1 << f3))
            if found is None:
                return self.base_setup(rd)
            return enc_s(found[1], rs2, found[0], f3)
        skip = 4 * rng.choice((1, 2, 2, 3, 5, rng.randrange(1, 40)))
        if kind < 0.94:
            if rng.random() < 0.3:
                rs2 = rs1 if rng.random() < 0.5 else rs2
            return enc_b(skip, rs2, rs1, rng.choice((0, 1, 4, 5, 6, 7)))
        if kind < 0.97 or pc + skip >= self.regions[self.region][1]:
            return enc_j(skip, rd)
        found = self.based(pc + skip + rng.getrandbits(1))
        if found is None:
            return enc_j(skip, rd)
        return enc_i(found[1], found[0], 0, rd, 0x67)

    def base_setup(self, rd):
        rd = rd or 5
        self.pending_mem = True
        return ((DATA_BASE + self.rng.randrange(0, DATA_SIZE)) & 0xFFFFF000) | rd << 7 | 0x37

    def far_jump(self):
        """Queue LUI rT, JALR rd, rT into the next region (bit 0 of the sum sometimes set, which
        JALR clears), then an AUIPC with rd != 0 as the first instruction there."""
        rng = self.rng
        self.region += 1
        target = self.regions[self.region][0]
        total = target + rng.getrandbits(1)
        lo = sext(total, 12)
        hi = ((total - lo) >> 12) & 0xFFFFF
        rt = rng.randrange(1, 32)
        up = rng.choice((0, 0xFFFFF, 0x80000, rng.getrandbits(20)))
        self.queue = [hi << 12 | rt << 7 | 0x37, enc_i(lo, rt, 0, self.reg(), 0x67),
                      up << 12 | rng.randrange(1, 32) << 7 | 0x17]

    def build(self, n):
        """Program and expected trace/stores of its first n retirements: an equal share in each
        region (or until a region's end is near)."""
        trace, stores = [], []
        share = n // len(self.regions)
        while len(trace) < n:
            pc = self.iss.pc
            if not self.queue and self.region + 1 < len(self.regions) and \
                    (len(trace) >= share * (self.region + 1) or pc >= self.regions[self.region][1] - 200):
                self.far_jump()
            if pc >= self.regions[self.region][1] - 200 and not self.queue:
                break
            if pc not in self.prog:
                self.prog[pc] = self.queue.pop(0) if self.queue else self.choose()
            rec, store = self.iss.step()
            trace.append(rec)
            stores += store
        for lo, hi in self.regions:   # never-run slots: harmless ALU fillers
            used = [a for a in self.prog if lo <= a < hi]
            for addr in range(lo, min(max(used, default=lo - 256) + 256, hi), 4):
                if addr not in self.prog:
                    f3 = self.rng.choice((0, 4, 6, 7))
                    self.prog[addr] = enc_i(self.rng.randrange(-2048, 2048), self.reg(), f3, self.reg(), 0x13)
        return trace, stores


def far_regions(rng, count):
    """Addresses for the far regions of ``count`` programs, two per program: the first regions
    of the first two programs have random high bits and their complement (so every pc bit from
    15 to 31 is 1 in one of them; later programs: random), the second ones start a few
    instructions below a multiple of 2^k (k = 31 for the first program, else 16..31), so that
    the pc carries across bit k there."""
    while True:
        high = rng.getrandbits(32) & 0xFFFF8000
        if all(LOW_END <= h <= (1 << 32) - 2 * CODE_LIMIT for h in (high, ~high & 0xFFFF8000)):
            break
    out = []
    for i in range(count):
        while True:
            a = (high if i == 0 else ~high & 0xFFFF8000 if i == 1 else rng.getrandbits(32) & 0xFFFF8000) \
                | (rng.getrandbits(15) & 0x3FFC)
            k = 31 if i == 0 else rng.randrange(16, 32)
            b = (rng.randrange(1, 1 << (32 - k), 2) << k) - 4 * rng.randrange(4, 60)
            regions = [(a, a + CODE_LIMIT), (b, b + CODE_LIMIT)]
            if all(lo >= LOW_END and hi <= 1 << 32 for lo, hi in regions) and (a + CODE_LIMIT <= b or b + CODE_LIMIT <= a):
                out.append((a, b))
                break
    return out


def lane_mask(strb):
    return sum(0xFF << (8 * i) for i in range(4) if strb >> i & 1)


OUTS = ("mem_req", "mem_we", "mem_addr", "mem_wdata", "mem_wstrb", "rvfi_valid", "rvfi_pc", "rvfi_insn",
        "rvfi_rd", "rvfi_rd_wdata")


class Bench:
    """Runs generated programs on the core; ``misaligned``: programs with misaligned accesses."""

    def __init__(self, dut, rng, misaligned=False):
        self.dut, self.rng, self.misaligned = Signals(dut), rng, misaligned   # handles looked up once
        self.cycle = 0
        self.far = far_regions(rng, 3)   # far code regions of the first three programs
        self.programs = 0

    def sample(self):
        """This cycle's outputs; mem_wdata only in the lanes that mem_wstrb enables (the others
        may hold anything, X included)."""
        s = {n: read(getattr(self.dut, n)) for n in OUTS if n != "mem_wdata"}
        strb = s["mem_wstrb"] if isinstance(s["mem_wstrb"], int) else 0xF
        s["mem_wdata"] = read_masked(self.dut.mem_wdata, lane_mask(strb))
        return s

    async def idle(self, rst):
        d = self.dut
        await FallingEdge(d.clk)
        d.rst.value, d.mem_gnt.value, d.mem_rvalid.value = rst, 0, 0
        d.mem_rdata.value = self.rng.getrandbits(32)
        await RisingEdge(d.clk)
        self.cycle += 1

    async def program(self, n, p_gnt, lats):
        """Reset, then run one generated program for n retirements with the given port behaviour."""
        d, rng = self.dut, self.rng
        far = self.far[self.programs] if self.programs < len(self.far) else far_regions(rng, 3)[2]
        self.programs += 1
        gen = Generator(rng, self.misaligned, far)
        trace, stores = gen.build(n)
        mem = dict(gen.data)
        mem.update(gen.prog)
        for _ in range(2):
            await self.idle(1)
        answers, held, retired, stored, quiet = [], None, 0, 0, 0
        while retired < len(trace):
            await FallingEdge(d.clk)
            c = self.cycle
            d.rst.value = 0
            d.mem_gnt.value = gnt = int(rng.random() < p_gnt)
            due = bool(answers) and answers[0][0] <= c
            d.mem_rvalid.value = int(due)
            d.mem_rdata.value = answers.pop(0)[1] if due else rng.getrandbits(32)
            await Timer(1, unit="ns")
            s = self.sample()
            for name in ("mem_req", "rvfi_valid"):
                if s[name] not in (0, 1):
                    raise mismatch(c, name, "0 or 1", s[name])
            if s["rvfi_valid"]:
                got = tuple(s[k] for k in ("rvfi_pc", "rvfi_insn", "rvfi_rd", "rvfi_rd_wdata"))
                if got != trace[retired]:
                    raise mismatch(c, "rvfi_pc/insn/rd/rd_wdata", "({:#x}, {:#x}, {}, {:#x})".format(*trace[retired]),
                                   "({})".format(", ".join(hex(v) if isinstance(v, int) else v for v in got)),
                                   f"retirement #{retired}")
                retired, quiet = retired + 1, 0
            else:
                quiet += 1
                if quiet > 400:
                    raise mismatch(c, "rvfi_valid", "a retirement within 400 cycles", "none",
                                   f"retirement #{retired}, pc {trace[retired][0]:#x}")
            if s["mem_req"]:
                req = (s["mem_we"], s["mem_addr"]) + ((s["mem_wdata"], s["mem_wstrb"]) if s["mem_we"] == 1 else ())
                if held is not None and req != held:
                    raise mismatch(c, "mem_we/mem_addr/mem_wdata/mem_wstrb", held, req,
                                   "a request must stay unchanged until granted")
                if not isinstance(s["mem_addr"], int) or s["mem_addr"] & 3 or s["mem_we"] not in (0, 1):
                    raise mismatch(c, "mem_addr/mem_we", "a word address and a known mem_we", req)
                held = None if gnt else req
                if gnt and s["mem_we"]:
                    self.check_store(c, s, stores, stored, mem)
                    stored += 1
                elif gnt:
                    last = answers[-1][0] if answers else c
                    answers.append((max(last + 1, c + 1 + rng.choice(lats)), mem.get(s["mem_addr"], NOP)))
            elif held is not None:
                raise mismatch(c, "mem_req", 1, 0, "a request must stay raised until granted")
            await RisingEdge(d.clk)
            self.cycle += 1
        await self.drain(answers)
        return stored

    async def drain(self, answers):
        """Let the outstanding reads finish (nothing granted) before the next reset."""
        d = self.dut
        while answers:
            await FallingEdge(d.clk)
            d.mem_gnt.value = 0
            due = answers[0][0] <= self.cycle
            d.mem_rvalid.value = int(due)
            d.mem_rdata.value = answers.pop(0)[1] if due else 0
            await RisingEdge(d.clk)
            self.cycle += 1

    def check_store(self, c, s, stores, stored, mem):
        if stored >= len(stores):
            return   # a store past the checked window: the program's later stores are not checked
        addr, strb, lanes = stores[stored]
        got = (s["mem_addr"], s["mem_wstrb"], s["mem_wdata"])
        if got != (addr, strb, lanes):
            raise mismatch(c, "mem_addr/mem_wstrb/mem_wdata (under the strobes)", (hex(addr), strb, hex(lanes)),
                           tuple(hex(v) if isinstance(v, int) else v for v in got), f"store #{stored}")
        mem[addr] = (mem.get(addr, 0) & ~lane_mask(strb)) | lanes
