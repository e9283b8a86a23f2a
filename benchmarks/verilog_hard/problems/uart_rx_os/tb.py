import cocotb

from harness.tbkit import run_cycles, tb_rng

IDLE, START, DATA, PAR, STOP = range(5)
CONFIGS = {"a": (8, 0), "b": (7, 1), "c": (8, 2)}


# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("clk", "rst", "tick16", "rx_a", "rx_b", "rx_c", "data_a", "data_c", "data_b", "valid_a", "frame_err_a", "parity_err_a", "valid_b", "frame_err_b", "parity_err_b", "valid_c", "frame_err_c", "parity_err_c")


class Rx:
    def __init__(self, tag):
        self.tag, (self.dbits, self.parity) = tag, CONFIGS[tag]
        self.known = False
        self.frames = self.ferr = self.perr_count = self.busy_resets = 0

    def outputs(self):
        t = self.tag
        if not self.known:
            return {}
        return {f"data_{t}": self.data, f"valid_{t}": self.valid, f"frame_err_{t}": self.frame_err,
                f"parity_err_{t}": self.parity_err}

    def step(self, rst, tick, rx):
        if rst:
            self.busy_resets += int(self.known and self.state != IDLE)
            self.known = True
            self.s1 = self.s2 = 1
            self.state, self.data, self.valid, self.frame_err, self.parity_err = IDLE, 0, 0, 0, 0
            self.tc = self.bc = self.s7 = self.s8 = self.shreg = self.perr = 0
            return
        if not self.known:
            return
        line = self.s2
        self.s1, self.s2 = rx, self.s1
        self.valid = 0
        if not tick:
            return
        if self.state == IDLE:
            if not line:
                self.state, self.tc = START, 0
            return
        tc = self.tc
        self.tc = (tc + 1) & 15
        if tc == 7:
            self.s7 = line
        if tc == 8:
            self.s8 = line
        v = int(self.s7 + self.s8 + line >= 2) if tc == 9 else None
        if self.state == START:
            if tc == 9 and v:
                self.state = IDLE
            elif tc == 15:
                self.state, self.bc = DATA, 0
        elif self.state == DATA:
            if tc == 9:
                self.shreg = (self.shreg & ~(1 << self.bc)) | (v << self.bc)
            if tc == 15:
                if self.bc == self.dbits - 1:
                    self.state = PAR if self.parity else STOP
                self.bc += 1
        elif self.state == PAR:
            if tc == 9:
                ones = bin(self.shreg).count("1")
                expected = (ones + 1) % 2 if self.parity == 1 else ones % 2
                self.perr = int(v != expected)
            if tc == 15:
                self.state = STOP
        elif tc == 9:
            self.data, self.frame_err, self.valid, self.state = self.shreg, int(v == 0), 1, IDLE
            self.parity_err = self.perr if self.parity else 0
            self.frames += 1
            self.ferr += self.frame_err
            self.perr_count += self.parity_err


class Trio:
    def __init__(self):
        self.units = {t: Rx(t) for t in CONFIGS}

    def outputs(self, inp):
        out = {}
        for u in self.units.values():
            out.update(u.outputs())
        return out or None

    def step(self, inp):
        for t, u in self.units.items():
            u.step(inp["rst"], inp["tick16"], inp[f"rx_{t}"])


def line_ticks(rng, tag, n_frames):
    """The line level for each tick: frames with skewed bit lengths, noise and bad bits."""
    dbits, parity = CONFIGS[tag]
    out = [1] * 20
    for f in range(n_frames):
        word = rng.getrandbits(dbits)
        ones = bin(word).count("1")
        bits = [0] + [word >> k & 1 for k in range(dbits)]
        if parity:
            p = (ones + 1) % 2 if parity == 1 else ones % 2
            bits.append(p ^ int(rng.random() < 0.2))
        bits.append(0 if f == 1 else int(rng.random() > 0.12))  # stop bit, sometimes 0 (framing error)
        for b in bits:
            length = 16 + rng.choice((0, 0, 0, -1, 1))
            seg = [b] * length
            if rng.random() < 0.25:                    # one noisy tick near the middle
                k = rng.randrange(5, 12)
                seg[k] ^= 1
            out += seg
        gap = rng.choice((0, 1, 3, 8, 20))
        out += [1] * gap
        if rng.random() < 0.1:                          # a glitch that must be rejected
            out += [0] * rng.randrange(1, 7) + [1] * 20
        if f == 0:
            out += [1] * 5
    return out + [1] * 40


def stimulus(rng):
    lines = {t: line_ticks(tb_rng("uart" + t), t, 8) for t in CONFIGS}
    n = max(len(v) for v in lines.values())
    yield {"rst": 1, "tick16": 1, "rx_a": 0, "rx_b": 0, "rx_c": 0}
    mode = 0
    for i in range(n):
        if i % 400 == 0:
            mode = rng.choice((0, 0, 1, 2))
        level = {t: (v[i] if i < len(v) else 1) for t, v in lines.items()}
        # mode 0: a tick every cycle; 1: every second cycle; 2: irregular (1 to 3 cycles apart)
        gaps = (0, 1, rng.randrange(3))[mode]
        for _ in range(gaps):
            yield {"rst": 0, "tick16": 0, **{f"rx_{t}": level[t] for t in CONFIGS}}
        yield {"rst": 0, "tick16": 1, **{f"rx_{t}": level[t] for t in CONFIGS}}
    yield from mid_frame_resets(rng)


def mid_frame_resets(rng):
    """Red team 15: the synchronous reset in the middle of frames (about ten, at random ticks, so in
    every state of the three receivers); the frame in flight is lost, the model follows the line from
    the reset values (rx_s1 = rx_s2 = 1, IDLE, data = valid = flags = 0)."""
    lines = {t: line_ticks(tb_rng("uart-rst" + t), t, 6) for t in CONFIGS}
    n = max(len(v) for v in lines.values())
    at = set(rng.sample(range(30, n), 10))
    for i in range(n):
        level = {f"rx_{t}": (v[i] if i < len(v) else 1) for t, v in lines.items()}
        for _ in range(rng.randrange(2)):
            yield {"rst": 0, "tick16": 0, **level}
        yield {"rst": int(i in at), "tick16": 1, **level}


@cocotb.test()
async def test_uart_rx(dut):
    m = Trio()
    outputs = [f"{n}_{t}" for t in CONFIGS for n in ("data", "valid", "frame_err", "parity_err")]
    await run_cycles(dut, m, stimulus(tb_rng("uart")), outputs, init={"rst": 1, "tick16": 0})
    u = m.units
    assert all(x.frames >= 6 for x in u.values()), {t: x.frames for t, x in u.items()}
    assert sum(x.busy_resets for x in u.values()) >= 6, {t: x.busy_resets for t, x in u.items()}
    assert sum(x.ferr for x in u.values()) > 0 and u["b"].perr_count + u["c"].perr_count > 0
