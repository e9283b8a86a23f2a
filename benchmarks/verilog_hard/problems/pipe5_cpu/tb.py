import cocotb

from harness.tbkit import run_cycles, tb_rng

LW, SW, BEQ = 7, 8, 9


# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("clk", "rst", "load_we", "load_dmem", "load_addr", "load_data", "ret_valid", "wb_en", "dmem_we", "ret_pc", "dmem_addr", "wb_rd", "wb_data", "dmem_wdata")


def sext6(v):
    return v - 64 if v & 32 else v


def fields(ir):
    return ir >> 12, ir >> 9 & 7, ir >> 6 & 7, ir >> 3 & 7, sext6(ir & 63)


def sources(ir):
    op, rd, rs1, rs2, _ = fields(ir)
    if op <= 5:
        return {rs1, rs2}
    if op in (6, 7):
        return {rs1}
    if op in (SW, BEQ):
        return {rs1, rd}
    return set()


def alu(op, a, b, imm):
    if op == 0:
        return (a + b) & 0xFFFF
    if op == 1:
        return (a - b) & 0xFFFF
    if op == 2:
        return a & b
    if op == 3:
        return a | b
    if op == 4:
        return a ^ b
    if op == 5:
        s = lambda x: x - 0x10000 if x & 0x8000 else x  # noqa: E731
        return int(s(a) < s(b))
    return (a + imm) & 0xFFFF


def trace(prog, dmem):
    """The ISA simulator: yields one record per executed instruction, in program order."""
    r = [0] * 8
    mem = list(dmem)
    pc = 0
    while True:
        ir = prog[pc & 63]
        op, rd, rs1, rs2, imm = fields(ir)
        rec = {"pc": pc, "ir": ir, "wb": None, "store": None, "taken": False}
        nxt = (pc + 1) & 0xFF
        if op <= 7:
            if op == LW:
                val = mem[(r[rs1] + imm) & 0xFF & 31]
            else:
                val = alu(op, r[rs1], r[rs2], imm)
            if rd:
                r[rd] = val
                rec["wb"] = (rd, val)
        elif op == SW:
            addr = (r[rs1] + imm) & 0xFF
            mem[addr & 31] = r[rd]
            rec["store"] = (addr, r[rd])
        elif op == BEQ and r[rd] == r[rs1]:
            nxt = (pc + 1 + imm) & 0xFF
            rec["taken"] = True
        yield rec
        pc = nxt


class Cpu:
    """Expected outputs per cycle: the ISA trace placed on the pipeline's timing rules."""

    def __init__(self):
        self.cycle = -1
        self.in_reset = False
        self.events = {}
        self.counts = {"stall": 0, "taken": 0, "ret": 0}

    def start(self, prog, dmem, horizon):
        self.cycle = -1
        self.events = {}
        t, prev = 4, None
        for rec in trace(prog, dmem):
            if prev is not None:
                t += 1
                if fields(prev["ir"])[0] == LW and fields(prev["ir"])[1] and fields(prev["ir"])[1] in sources(rec["ir"]):
                    t += 1
                    self.counts["stall"] += 1
                if prev["taken"]:
                    t += 2
                    self.counts["taken"] += 1
            if t > horizon:
                break
            self.events[t] = rec
            prev = rec

    def outputs(self, inp):
        if self.cycle < 0:
            return None
        if self.in_reset:  # after a reset edge: the pipeline is empty
            return {"ret_valid": 0, "dmem_we": 0}
        rec = self.events.get(self.cycle)
        out = {"ret_valid": int(rec is not None)}
        if rec:
            out["ret_pc"] = rec["pc"]
            out["wb_en"] = int(rec["wb"] is not None)
            if rec["wb"]:
                out["wb_rd"], out["wb_data"] = rec["wb"]
        nxt = self.events.get(self.cycle + 1)
        out["dmem_we"] = int(bool(nxt and nxt["store"]))
        if nxt and nxt["store"]:
            out["dmem_addr"], out["dmem_wdata"] = nxt["store"]
        return out

    def step(self, inp):
        if inp["rst"]:
            self.cycle, self.in_reset = 0, True
            return
        if self.cycle < 0:
            return
        self.in_reset = False
        self.cycle += 1
        if self.events.get(self.cycle - 1):
            self.counts["ret"] += 1


def enc(op, rd=0, rs1=0, rs2=0, imm=None):
    low = (imm & 63) if imm is not None else rs2 << 3
    return op << 12 | rd << 9 | rs1 << 6 | low


def random_program(rng):
    prog = [enc(6, k, 0, imm=rng.randrange(-32, 32)) for k in range(1, 8)]  # seed registers
    while len(prog) < 54:
        kind = rng.random()
        rd, rs1, rs2 = rng.randrange(8), rng.randrange(8), rng.randrange(8)
        if kind < 0.35:
            prog.append(enc(rng.randrange(6), rd, rs1, rs2))
        elif kind < 0.5:
            prog.append(enc(6, rd, rs1, imm=rng.randrange(-32, 32)))
        elif kind < 0.65:
            prog.append(enc(LW, rd, rs1, imm=rng.randrange(-32, 32)))
            if rng.random() < 0.6:  # a consumer right behind the load
                prog.append(enc(rng.choice([0, 1, 4, 6, SW, BEQ]), rng.randrange(8), rd if rng.random() < 0.5 else rs1,
                                rd, imm=None if rng.random() < 0.5 else rng.randrange(0, 3)))
        elif kind < 0.8:
            prog.append(enc(SW, rd, rs1, imm=rng.randrange(-32, 32)))
        elif kind < 0.92:
            prog.append(enc(BEQ, rd, rs1 if rng.random() < 0.6 else rd, imm=rng.randrange(0, 4)))
        else:
            prog.append(enc(rng.randrange(10, 16), rd, rs1, rs2))
    # countdown loop: r7 = 3; body; r7 -= 1; beq r7, r0, +1; beq r0, r0, back
    prog += [enc(6, 7, 0, imm=3), enc(0, 1, 1, 2), enc(6, 7, 7, imm=-1), enc(BEQ, 7, 0, imm=1),
             enc(BEQ, 0, 0, imm=-4), enc(BEQ, 0, 0, imm=-1)]
    return prog[:64] + [enc(BEQ, 0, 0, imm=-1)] * (64 - len(prog[:64]))


def directed_program():
    p = [enc(6, 1, 0, imm=5), enc(6, 2, 0, imm=7),
         enc(0, 3, 1, 2),           # forward from EX/MEM and MEM/WB
         enc(1, 4, 3, 1),           # forward from EX/MEM
         enc(SW, 4, 0, imm=3),      # store data forwarded
         enc(LW, 5, 0, imm=3),      # load
         enc(0, 6, 5, 5),           # load-use stall
         enc(LW, 1, 0, imm=3),
         enc(SW, 1, 0, imm=4),      # load -> store data: stall
         enc(LW, 2, 0, imm=4),
         enc(BEQ, 2, 1, imm=2),     # load -> branch operand: stall, taken
         enc(6, 3, 0, imm=1), enc(6, 3, 0, imm=2),
         enc(LW, 0, 0, imm=3), enc(0, 4, 0, 0),  # load into r0: no stall
         enc(5, 5, 4, 1), enc(5, 5, 1, 4), enc(12, 1, 1, 1), enc(BEQ, 1, 2, imm=-1),
         enc(6, 6, 6, imm=-32), enc(2, 7, 6, 5), enc(3, 7, 7, 1), enc(4, 7, 7, 6),
         enc(BEQ, 0, 0, imm=-1)]
    return p + [enc(BEQ, 0, 0, imm=-1)] * (64 - len(p))


def programs_with_coverage(rng, stalls=8, taken=20, most=12):
    """The directed program, three random ones, then more random ones until the expected trace
    holds ``stalls`` load-use stalls and ``taken`` taken branches (every seed reaches the coverage
    the final check asks for; three random programs alone missed it for some seeds)."""
    probe, chosen = Cpu(), []
    for prog in [directed_program()] + [random_program(rng) for _ in range(3)]:
        chosen.append((prog, [rng.getrandbits(16) for _ in range(32)]))
        probe.start(*chosen[-1], 170)
    while (probe.counts["stall"] < stalls or probe.counts["taken"] < taken) and len(chosen) < most:
        chosen.append((random_program(rng), [rng.getrandbits(16) for _ in range(32)]))
        probe.start(*chosen[-1], 170)
    return chosen


def stimulus(rng, m):
    for prog, dmem in programs_with_coverage(rng):
        for i, word in enumerate(prog):
            yield {"rst": 1, "load_we": 1, "load_dmem": 0, "load_addr": i, "load_data": word}
        for i, word in enumerate(dmem):
            yield {"rst": 1, "load_we": 1, "load_dmem": 1, "load_addr": i, "load_data": word}
        m.start(prog, dmem, 170)
        yield {"rst": 1, "load_we": 0, "load_dmem": 0, "load_addr": 0, "load_data": 0}
        for _ in range(170):
            yield {"rst": 0, "load_we": 0, "load_dmem": 0, "load_addr": 0, "load_data": 0}


@cocotb.test()
async def test_pipe5_cpu(dut):
    m = Cpu()
    await run_cycles(dut, m, stimulus(tb_rng("cpu"), m),
                     ["ret_valid", "ret_pc", "wb_en", "wb_rd", "wb_data", "dmem_we", "dmem_addr", "dmem_wdata"],
                     init={"rst": 1, "load_we": 0})
    assert m.counts["stall"] >= 8 and m.counts["taken"] >= 20 and m.counts["ret"] > 300, m.counts
