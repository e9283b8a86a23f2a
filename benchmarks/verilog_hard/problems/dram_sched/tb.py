"""dram_sched: every command in every cycle against a Python model of the stated policy, for two
parameter sets (wrapper instances a_* and b_*)."""
import random

import cocotb

from harness.tbkit import run_cycles, tb_rng

WRAPPER_PORTS = (
    "clk", "a_rst", "a_req_valid", "a_req_ready", "a_req_we", "a_req_bank", "a_req_row", "a_req_col", "a_cmd",
    "a_cmd_bank", "a_cmd_row", "a_cmd_col", "b_rst", "b_req_valid", "b_req_ready", "b_req_we", "b_req_bank",
    "b_req_row", "b_req_col", "b_cmd", "b_cmd_bank", "b_cmd_row", "b_cmd_col",
)
NOP, ACT, RD, WR, PRE, REF = range(6)
FAR = -(10 ** 9)
SET_A = dict(rcd=3, rp=3, ras=6, rc=11, rrd=5, wr=3, rtp=2, rfc=10, refi=200)
SET_B = dict(rcd=1, rp=2, ras=3, rc=6, rrd=3, wr=1, rtp=1, rfc=5, refi=97)


class Sched:
    """The policy of the specification, for one instance (port prefix p)."""

    def __init__(self, p, t):
        self.p, self.t = p, t
        self.known = False
        self.rrd_waits = self.rc_waits = self.refs = 0

    def reset(self):
        self.known = True
        self.c = 0
        self.open = [None] * 4
        self.last = {k: [FAR] * 4 for k in ("act", "pre", "rd", "wr")}
        self.last_act_any = self.last_ref = FAR
        self.held = None
        self.pending = False

    def allowed(self, cmd, b):
        t, c, last = self.t, self.c, self.last
        if cmd == ACT:
            return (self.open[b] is None and c - last["pre"][b] >= t["rp"] and c - last["act"][b] >= t["rc"]
                    and c - self.last_act_any >= t["rrd"] and c - self.last_ref >= t["rfc"])
        if cmd in (RD, WR):
            return self.open[b] is not None and c - last["act"][b] >= t["rcd"]
        if cmd == PRE:
            return (self.open[b] is not None and c - last["act"][b] >= t["ras"] and c - last["rd"][b] >= t["rtp"]
                    and c - last["wr"][b] >= t["wr"])
        return all(o is None for o in self.open) and all(c - last["pre"][k] >= t["rp"] for k in range(4))

    def decide(self):
        """(cmd, bank, row, col) for this cycle."""
        if self.held is not None:
            b, row, col, we = self.held
            if self.open[b] == row:
                return ((WR if we else RD), b, None, col) if self.allowed(RD, b) else (NOP, None, None, None)
            if self.open[b] is not None:
                return (PRE, b, None, None) if self.allowed(PRE, b) else (NOP, None, None, None)
            return (ACT, b, row, None) if self.allowed(ACT, b) else (NOP, None, None, None)
        if self.pending:
            opened = [b for b in range(4) if self.open[b] is not None]
            if opened:
                ok = [b for b in opened if self.allowed(PRE, b)]
                return (PRE, ok[0], None, None) if ok else (NOP, None, None, None)
            return (REF, None, None, None) if self.allowed(REF, 0) else (NOP, None, None, None)
        return (NOP, None, None, None)

    def outputs(self, inp):
        p = self.p
        if not self.known or inp[p + "rst"]:
            return {}
        cmd, b, row, col = self.decide()
        ready = int((self.held is None or cmd in (RD, WR)) and not self.pending)
        return {p + "cmd": cmd, p + "cmd_bank": b, p + "cmd_row": row, p + "cmd_col": col, p + "req_ready": ready}

    def step(self, inp):
        p = self.p
        if inp[p + "rst"]:
            self.reset()
            return
        if not self.known:
            return
        cmd, b, row, col = self.decide()
        ready = (self.held is None or cmd in (RD, WR)) and not self.pending
        c = self.c
        if cmd == NOP and self.held is not None and self.open[self.held[0]] is None:   # coverage
            self.rrd_waits += c - self.last_act_any < self.t["rrd"]
            self.rc_waits += c - self.last["act"][self.held[0]] < self.t["rc"]
        self.refs += cmd == REF
        if cmd == ACT:
            self.open[b], self.last["act"][b], self.last_act_any = row, c, c
        elif cmd == PRE:
            self.open[b], self.last["pre"][b] = None, c
        elif cmd in (RD, WR):
            self.last["rd" if cmd == RD else "wr"][b] = c
            self.held = None
        elif cmd == REF:
            self.last_ref, self.pending = c, False
        if ready and inp[p + "req_valid"]:
            self.held = (inp[p + "req_bank"], inp[p + "req_row"], inp[p + "req_col"], inp[p + "req_we"])
        self.c += 1
        if self.c % self.t["refi"] == 0:
            self.pending = True


class Both:
    def __init__(self):
        self.m = [Sched("a_", SET_A), Sched("b_", SET_B)]

    def outputs(self, inp):
        out = {}
        for m in self.m:
            out.update(m.outputs(inp))
        return out

    def step(self, inp):
        for m in self.m:
            m.step(inp)


def lane(rng, p, n):
    """Per-cycle inputs of one instance: requests with row locality, bursts and pauses."""
    rows = [[rng.getrandbits(13) for _ in range(3)] for _ in range(4)]
    req = None
    last = [0, rows[0][0]]

    def new_req():
        if rng.random() < 0.3:   # same bank, another row: a conflict right after a column command
            b, row = last[0], rng.choice([r for r in rows[last[0]] if r != last[1]])
        else:
            b = rng.choice((0, 0, 1, 2, 3)) if rng.random() < 0.4 else rng.randrange(4)
            row = rng.choice(rows[b]) if rng.random() < 0.8 else rng.getrandbits(13)
        last[:] = [b, row]
        return {p + "req_we": rng.getrandbits(1), p + "req_bank": b, p + "req_row": row,
                p + "req_col": rng.getrandbits(10)}

    yield {p + "rst": 1, p + "req_valid": 1, **new_req()}
    yield {p + "rst": 1, p + "req_valid": 0, **new_req()}
    busy = 0.9
    for k in range(n):
        if k % 400 == 0:
            busy = rng.choice((0.95, 0.6, 0.25))
        if req is None or rng.random() < 0.1:
            req = new_req()
        rst = int(rng.random() < 0.0015)
        valid = int(rng.random() < busy)
        yield {p + "rst": rst, p + "req_valid": valid, **req}
        if valid and rng.random() < 0.7:
            req = None


def stimulus(rng):
    la = lane(random.Random(rng.random()), "a_", 2600)
    lb = lane(random.Random(rng.random()), "b_", 2600)
    for x, y in zip(la, lb):
        yield {**x, **y}


@cocotb.test()
async def test_dram_sched(dut):
    rng = tb_rng("dram_sched")
    model = Both()
    outs = [p + n for p in ("a_", "b_") for n in ("cmd", "cmd_bank", "cmd_row", "cmd_col", "req_ready")]
    await run_cycles(dut, model, stimulus(rng), outs, init={"a_rst": 1, "b_rst": 1, "a_req_valid": 0,
                                                           "b_req_valid": 0})
    for m in model.m:   # the stimulus reached the binding cases of T_RRD, T_RC and refresh
        assert m.rrd_waits > 5 and m.rc_waits > 5 and m.refs > 5, (m.p, m.rrd_waits, m.rc_waits, m.refs)
