import cocotb

from harness.tbkit import run_cycles, tb_rng

# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("clk", "rst", "s_valid_a", "s_valid_b", "s_valid_c", "s_pix_a", "s_pix_b", "s_pix_c", "m_ready_a",
                 "m_ready_b", "m_ready_c", "s_ready_a", "s_ready_b", "s_ready_c", "m_valid_a", "m_valid_b",
                 "m_valid_c", "m_last_a", "m_last_b", "m_last_c", "m_win_a", "m_win_b", "m_win_c")
SIZES = (("a", 5, 4), ("b", 8, 3), ("c", 3, 2))


class Lane:
    """Counts accepted pixels and sent windows from reset; pixels are kept by linear index."""

    def __init__(self, tag, w, h):
        self.t, self.w, self.h = tag, w, h
        self.known = False
        self.sent_total = self.stalls = self.lasts = 0

    def reset(self):
        self.known, self.n_in, self.n_out, self.pix = True, 0, 0, {}

    def s_ready(self):
        return int(self.n_in // self.w <= self.n_out // self.w + 1)

    def window_pos(self):
        f, k = divmod(self.n_out, self.w * self.h)
        r, c = divmod(k, self.w)
        return f * self.w * self.h, r, c

    def m_valid(self):
        base, r, c = self.window_pos()
        return int(self.n_in > base + min(r + 1, self.h - 1) * self.w + min(c + 1, self.w - 1))

    def window(self):
        base, r, c = self.window_pos()
        win = 0
        for i in range(3):
            rr = min(max(r - 1 + i, 0), self.h - 1)
            for j in range(3):
                cc = min(max(c - 1 + j, 0), self.w - 1)
                win |= self.pix[base + rr * self.w + cc] << (8 * (3 * i + j))
        return win, int(r == self.h - 1 and c == self.w - 1)

    def outputs(self):
        if not self.known:
            return {}
        t = self.t
        out = {f"s_ready_{t}": self.s_ready(), f"m_valid_{t}": self.m_valid()}
        if out[f"m_valid_{t}"]:
            out[f"m_win_{t}"], out[f"m_last_{t}"] = self.window()
        return out

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        if not self.known:
            return
        t = self.t
        take = inp[f"s_valid_{t}"] and self.s_ready()
        send = self.m_valid() and inp[f"m_ready_{t}"]
        self.stalls += inp[f"s_valid_{t}"] and not take
        if send:
            self.lasts += self.window()[1]
            self.n_out += 1
            self.sent_total += 1
        if take:
            self.pix[self.n_in] = inp[f"s_pix_{t}"]
            self.n_in += 1


class Wins:
    def __init__(self):
        self.lanes = [Lane(*s) for s in SIZES]

    def outputs(self, inp):
        out = {}
        for lane in self.lanes:
            out.update(lane.outputs())
        return out or None

    def step(self, inp):
        for lane in self.lanes:
            lane.step(inp)


MODES = ((1.0, 1.0), (1.0, 0.5), (0.5, 1.0), (1.0, 0.1), (0.2, 0.9), (0.9, 0.9), (0.0, 1.0), (1.0, 0.0))


def covered(wins):
    """The traffic the final check asks of every lane."""
    return all(lane.sent_total > 800 and lane.stalls > 50 and lane.lasts > 20 for lane in wins.lanes)


def stimulus(rng, wins=None):
    base = {"rst": 1}
    for t, _, _ in SIZES:
        base.update({f"s_valid_{t}": 0, f"s_pix_{t}": 0, f"m_ready_{t}": 0})
    yield base
    yield dict(base)
    modes = {}
    i = 0
    # 3000 cycles, then more until every lane has the traffic the check asks (a seed whose modes
    # drew little traffic fell short, and the reference failed): the model's counts, not the design's
    while i < 3000 or (wins is not None and i < 12000 and not covered(wins)):
        inp = {"rst": int(rng.random() < 0.003)}
        for t, _, _ in SIZES:
            if i % 37 == 0:
                modes[t] = rng.choice(MODES)
            p_valid, p_ready = modes[t]
            inp[f"s_valid_{t}"] = int(rng.random() < p_valid)
            inp[f"s_pix_{t}"] = rng.getrandbits(8)
            inp[f"m_ready_{t}"] = int(rng.random() < p_ready)
        i += 1
        yield inp


@cocotb.test()
async def test_win3x3(dut):
    wins = Wins()
    outputs = [f"{n}_{t}" for t, _, _ in SIZES for n in ("s_ready", "m_valid", "m_win", "m_last")]
    init = {"rst": 1, **{f"{n}_{t}": 0 for t, _, _ in SIZES for n in ("s_valid", "m_ready")}}
    await run_cycles(dut, wins, stimulus(tb_rng("win3x3"), wins), outputs, init=init)
    for lane in wins.lanes:
        assert lane.sent_total > 800 and lane.stalls > 50 and lane.lasts > 20, \
            (lane.t, lane.sent_total, lane.stalls, lane.lasts)
