import cocotb

from harness.tbkit import Scoreboard, run_cycles, tb_rng

FLAG, ESC = 0x7E, 0x7D
IDLE, DATA, ESC2, CSUM, CSUM2, EOFB = range(6)


def encode(payload):
    """The frame of the specification: flag, stuffed payload, stuffed checksum, flag."""
    out = [FLAG]
    for b in payload + [sum(payload) & 0xFF]:
        out += [ESC, b ^ 0x20] if b in (FLAG, ESC) else [b]
    return out + [FLAG]


class Framer:
    def __init__(self, board):
        self.known, self.board, self.cycle = False, board, 0

    def comb(self, inp):
        st, d = self.state, inp["s_data"]
        special = d in (FLAG, ESC)
        if st == IDLE:
            return inp["s_valid"], FLAG, 0
        if st == DATA:
            return inp["s_valid"], ESC if special else d, int(inp["m_ready"] and not special)
        if st == ESC2:
            return 1, d ^ 0x20, inp["m_ready"]
        if st == CSUM:
            return 1, ESC if self.sum in (FLAG, ESC) else self.sum, 0
        if st == CSUM2:
            return 1, self.sum ^ 0x20, 0
        return 1, FLAG, 0

    def outputs(self, inp):
        if not self.known:
            return None
        mv, md, sr = self.comb(inp)
        out = {"m_valid": mv, "s_ready": sr}
        if mv:
            out["m_data"] = md
        return out

    def step(self, inp):
        self.cycle += 1
        if inp["rst"]:
            self.known, self.state, self.sum = True, IDLE, 0
            return
        if not self.known:
            return
        mv, md, _ = self.comb(inp)
        if not (mv and inp["m_ready"]):
            return
        self.board.observe(md, self.cycle - 1)
        st, d = self.state, inp["s_data"]
        if st == IDLE:
            self.state, self.sum = DATA, 0
        elif st == DATA:
            if d in (FLAG, ESC):
                self.state = ESC2
            else:
                self.sum = (self.sum + d) & 0xFF
                self.state = CSUM if inp["s_last"] else DATA
        elif st == ESC2:
            self.sum = (self.sum + d) & 0xFF
            self.state = CSUM if inp["s_last"] else DATA
        elif st == CSUM:
            self.state = CSUM2 if self.sum in (FLAG, ESC) else EOFB
        elif st == CSUM2:
            self.state = EOFB
        else:
            self.state = IDLE


def payloads(rng):
    yield [0x01, 0x02, 0x03]
    yield [FLAG]
    yield [ESC, FLAG, ESC]
    yield [0x7C, 0x01]            # checksum 0x7D: escaped checksum
    yield [0x3F, 0x3F]            # checksum 0x7E
    yield [0x00]
    yield [0xFF, 0x7F, FLAG, 0x20, 0x5E, 0x5D]
    for _ in range(70):
        n = rng.choice([1, 2, 3, 5, 8, 13])
        p = [rng.choice([FLAG, ESC, rng.getrandbits(8), rng.getrandbits(8)]) for _ in range(n)]
        if rng.random() < 0.3:  # force an escaped checksum
            p.append((rng.choice([FLAG, ESC]) - sum(p)) & 0xFF)
        yield p


def stimulus(rng, m, board):
    yield {"rst": 1, "s_valid": 0, "s_data": 0, "s_last": 0, "m_ready": 1}
    queue = []
    for p in payloads(rng):
        for b in encode(p):
            board.expect(b)
        queue += [(b, int(i == len(p) - 1)) for i, b in enumerate(p)]
    p_valid, p_ready, cyc = 0.8, 0.7, 0
    holding = False
    while queue or m.state != IDLE:
        cyc += 1
        if cyc % 50 == 0:
            p_valid, p_ready = rng.choice((0.3, 0.8, 1.0)), rng.choice((0.3, 0.7, 1.0))
        valid = int(bool(queue) and (holding or rng.random() < p_valid))
        d, last = queue[0] if queue else (rng.getrandbits(8), rng.getrandbits(1))
        inp = {"rst": 0, "s_valid": valid, "s_data": d, "s_last": last, "m_ready": int(rng.random() < p_ready)}
        _, _, s_ready = m.comb(inp)
        holding = bool(valid and not s_ready)
        if valid and s_ready:
            queue.pop(0)
        yield inp
        if cyc > 20000:
            raise AssertionError("testbench: the framer stopped accepting input")
    for _ in range(3):
        yield {"rst": 0, "s_valid": 0, "s_data": 0, "s_last": 0, "m_ready": 1}
    yield from mid_frame_resets(rng, m, board)


def drive(rng, m, queue, holding, p_valid=0.8, p_ready=0.7):
    """One cycle of input from ``queue`` (a list of (byte, last)); returns it and the new holding flag."""
    valid = int(bool(queue) and (holding or rng.random() < p_valid))
    d, last = queue[0] if queue else (rng.getrandbits(8), rng.getrandbits(1))
    inp = {"rst": 0, "s_valid": valid, "s_data": d, "s_last": last, "m_ready": int(rng.random() < p_ready)}
    _, _, s_ready = m.comb(inp)
    if valid and s_ready:
        queue.pop(0)
    return inp, bool(valid and not s_ready)


def mid_frame_resets(rng, m, board):
    """The specification's synchronous reset in the middle of frames (after 0 to all but one of a
    frame's output bytes, so in every state): the frame in flight is lost, the next one is whole.
    Nothing transfers in a reset cycle (s_valid = m_ready = 0)."""
    frames = [[FLAG, ESC, 0x11], [0x7C, 0x01], [0x3F, 0x3F, ESC], [0x20, FLAG]] + \
        [[rng.choice([FLAG, ESC, rng.getrandbits(8)]) for _ in range(rng.choice([1, 2, 4]))] for _ in range(8)]
    for i, p in enumerate(frames):
        out = encode(p)
        for b in out:
            board.expect(b)
        queue = [(b, int(k == len(p) - 1)) for k, b in enumerate(p)]
        cut, start, holding, cyc = (i % len(out)) if i < len(out) else rng.randrange(len(out)), board.matched, False, 0
        while board.matched - start < cut or (cut == 0 and cyc < 2):
            inp, holding = drive(rng, m, queue, holding)
            cyc += 1
            yield inp
            if cyc > 2000:
                raise AssertionError("testbench: the framer stopped sending")
        yield {"rst": 1, "s_valid": 0, "s_data": 0, "s_last": 0, "m_ready": 0}
        board.pending.clear()
    queue = [(b, int(k == 2)) for k, b in enumerate([ESC, 0x42, FLAG])]
    for b in encode([ESC, 0x42, FLAG]):
        board.expect(b)
    holding, cyc = False, 0
    while queue or m.state != IDLE:
        inp, holding = drive(rng, m, queue, holding)
        cyc += 1
        yield inp
        if cyc > 2000:
            raise AssertionError("testbench: the framer stopped accepting input")
    for _ in range(3):
        yield {"rst": 0, "s_valid": 0, "s_data": 0, "s_last": 0, "m_ready": 1}


@cocotb.test()
async def test_pkt_framer(dut):
    board = Scoreboard("m_data")
    m = Framer(board)
    await run_cycles(dut, m, stimulus(tb_rng("framer"), m, board), ["m_valid", "s_ready", "m_data"],
                     init={"rst": 1, "s_valid": 0, "m_ready": 0})
    board.drain_check()
