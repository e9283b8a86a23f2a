import cocotb

from harness.tbkit import run_cycles, tb_rng

# the wrapper's ports, named literally (the evaluator keeps only names the testbench mentions)
WRAPPER_PORTS = ("clk", "rst", "period_a", "duty_a", "dead_a", "fault_a", "fault_clr_a", "cnt_a", "pwm_a", "sync_a",
                 "out_h_a", "out_l_a", "faulted_a", "period_b", "duty_b", "dead_b", "fault_b", "fault_clr_b",
                 "cnt_b", "pwm_b", "sync_b", "out_h_b", "out_l_b", "faulted_b")
LANES = (("a", 8), ("b", 4))
OUTS = ("cnt", "pwm", "sync", "out_h", "out_l", "faulted")


class Lane:
    def __init__(self, tag, cw):
        self.t, self.cw = tag, cw
        self.known = False
        self.long_holds = self.swallowed = self.on_cycles = 0

    def reset(self):
        self.known = True
        self.cnt = self.per = self.duty = self.dead = self.pwm = self.sync = self.hold = self.faulted = 0

    def outputs(self):
        if not self.known:
            return {}
        t = self.t
        settled = self.hold >= self.dead and not self.faulted
        return {f"cnt_{t}": self.cnt, f"pwm_{t}": self.pwm, f"sync_{t}": self.sync, f"faulted_{t}": self.faulted,
                f"out_h_{t}": int(settled and self.pwm == 1), f"out_l_{t}": int(settled and self.pwm == 0)}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        if not self.known:
            return
        t = self.t
        out = self.outputs()
        self.on_cycles += out[f"out_h_{t}"]
        wrap = self.cnt == self.per
        nxt = 0 if wrap else (self.cnt + 1) % (1 << self.cw)
        if wrap:
            self.per, self.duty, self.dead = inp[f"period_{t}"], inp[f"duty_{t}"], inp[f"dead_{t}"]
        pwm = int(nxt < self.duty)
        clear = self.faulted and inp[f"fault_clr_{t}"] and not inp[f"fault_{t}"]
        if pwm != self.pwm or clear:
            if pwm != self.pwm and self.pwm and self.hold < self.dead and not self.faulted:
                self.swallowed += 1
            self.long_holds += self.hold >= 16 and self.dead >= 1
            self.hold = 0
        else:
            self.hold += 1
        self.cnt, self.pwm, self.sync = nxt, pwm, int(wrap)
        if inp[f"fault_{t}"]:
            self.faulted = 1
        elif inp[f"fault_clr_{t}"]:
            self.faulted = 0


class Pwms:
    def __init__(self):
        self.lanes = [Lane(t, cw) for t, cw in LANES]

    def outputs(self, inp):
        out = {}
        for lane in self.lanes:
            out.update(lane.outputs())
        return out or None

    def step(self, inp):
        for lane in self.lanes:
            lane.step(inp)


def settings(rng, cw):
    top = (1 << cw) - 1
    per = rng.choice((0, 1, 2, rng.randint(3, min(top, 24)), rng.randint(0, top), top))
    duty = rng.choice((0, per, per + 1, 1, per - 1, rng.randint(0, per + 1), top))
    dead = rng.choice((0, 15, 1, 2, rng.randint(0, 15), per, duty))
    return per & top, max(duty, 0) & top, dead & 15


def stimulus(rng):
    base = {"rst": 1}
    for t, cw in LANES:
        base.update({f"period_{t}": 0, f"duty_{t}": 0, f"dead_{t}": 0, f"fault_{t}": 0, f"fault_clr_{t}": 0})
    yield base
    yield dict(base)
    cur = {t: settings(rng, cw) for t, cw in LANES}
    p_fault = 0.0
    for i in range(4000):
        inp = {"rst": int(rng.random() < 0.002)}
        if i % 150 == 0:
            p_fault = rng.choice((0.0, 0.0, 0.01, 0.05))
        for t, cw in LANES:
            if rng.random() < 0.03:
                cur[t] = settings(rng, cw)
            per, duty, dead = cur[t]
            inp[f"period_{t}"], inp[f"duty_{t}"], inp[f"dead_{t}"] = per, duty, dead
            inp[f"fault_{t}"] = int(rng.random() < p_fault)
            inp[f"fault_clr_{t}"] = int(rng.random() < (0.1 if p_fault else 0.02))
        yield inp


@cocotb.test()
async def test_pwm(dut):
    pwms = Pwms()
    outputs = [f"{n}_{t}" for t, _ in LANES for n in OUTS]
    await run_cycles(dut, pwms, stimulus(tb_rng("pwm")), outputs, init={"rst": 1})
    for lane in pwms.lanes:
        assert lane.long_holds > 5 and lane.swallowed > 5 and lane.on_cycles > 300, \
            (lane.t, lane.long_holds, lane.swallowed, lane.on_cycles)
