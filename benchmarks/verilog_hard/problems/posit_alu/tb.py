"""posit_alu: four parameter sets side by side, every output bit in every cycle against the
exact rational model of tb_models/posit (bit-string rounding with saturation)."""
import random
from fractions import Fraction

import cocotb
from posit import decode, nar, posit_op_info, round_posit

from harness.tbkit import run_cycles, tb_rng

SETS = {"a": (8, 0), "b": (16, 2), "c": (10, 3), "d": (32, 2)}
WRAPPER_PORTS = ("clk", "rst", "in_valid", "a_op", "a_a", "a_b", "a_out_valid", "a_result", "b_op", "b_a", "b_b",
                 "b_out_valid", "b_result", "c_op", "c_a", "c_b", "c_out_valid", "c_result", "d_op", "d_a", "d_b",
                 "d_out_valid", "d_result")
OUTPUTS = tuple(f"{t}_{s}" for t in SETS for s in ("out_valid", "result"))


class Model:
    """Result registers of the four instances; unknown until the first reset."""

    def __init__(self):
        self.state = None
        self.kinds = {}

    def outputs(self, inp):
        return self.state

    def step(self, inp):
        if inp["rst"]:
            self.state = {name: 0 for name in OUTPUTS}
        elif self.state is not None:
            for t, (n, es) in SETS.items():
                self.state[f"{t}_out_valid"] = inp["in_valid"]
                if inp["in_valid"]:
                    res, kind = posit_op_info(inp[f"{t}_op"], inp[f"{t}_a"], inp[f"{t}_b"], n, es)
                    self.state[f"{t}_result"] = res
                    self.kinds[(t, kind)] = self.kinds.get((t, kind), 0) + 1


def scale_and_fbits(p, n, es):
    """(floor(log2 |value|), number of fraction bits) of a nonzero, non-NaR pattern."""
    v = abs(decode(p, n, es))
    s = v.numerator.bit_length() - v.denominator.bit_length()
    s = s - 1 if Fraction(2) ** s > v else s
    s = s + 1 if Fraction(2) ** (s + 1) <= v else s
    q = p if not p >> (n - 1) else (1 << n) - p
    bits = [(q >> i) & 1 for i in range(n - 2, -1, -1)]
    m = 1
    while m < len(bits) and bits[m] == bits[0]:
        m += 1
    return s, max(0, len(bits) - m - 1 - es)


def operands(rng, n, es):
    """(op, a, b) from a mixture of classes that reach the corners of posit<n, es>."""
    mask, top = (1 << n) - 1, (1 << (n - 1)) - 1
    special = [0, nar(n), 1, top, 2, top - 1, mask, (1 << n) - top, 1 << (n - 2), (3 << (n - 2)) & mask,
               (1 << (n - 2)) + 1, (1 << (n - 2)) - 1]
    kind = rng.randrange(8)
    op = rng.choice([0, 0, 1, 2, 2])
    a = rng.getrandbits(n)
    if kind == 0:
        return op, rng.choice(special), rng.choice(special + [rng.getrandbits(n)])
    if kind == 1:  # cancellation and near-equal magnitudes
        b = (a + rng.randrange(-3, 4)) & mask
        return rng.choice([0, 1]), a, ((1 << n) - b) & mask if rng.random() < 0.5 else b
    if kind == 2 and a not in (0, nar(n)):  # b a power of two at a's guard position (ties)
        s, f = scale_and_fbits(a, n, es)
        b = round_posit(Fraction(2) ** (s - f - 1 + rng.choice([0, 0, -1, 1])), n, es)
        return rng.choice([0, 1]), a, b if rng.random() < 0.5 else ((1 << n) - b) & mask
    if kind == 3:  # large and small regimes (saturation, minpos/maxpos neighbourhoods)
        big = [top - rng.randrange(8), (1 << n) - top + rng.randrange(8), rng.randrange(1, 9),
               (mask - rng.randrange(8)) & mask]
        return op, rng.choice(big), rng.choice(big + [rng.getrandbits(n)])
    if kind == 4:  # products of short significands (exact results and ties)
        def short():
            p = round_posit(Fraction(rng.choice([1, 3, 5, 7, 9, 15, 17]), 1 << rng.randrange(0, 6)) *
                            Fraction(2) ** rng.randrange(-(n - 2) << es, (n - 2) << es), n, es)
            return p if rng.random() < 0.5 else ((1 << n) - p) & mask
        return rng.choice([0, 1, 2, 2]), short(), short()
    return op, a, rng.getrandbits(n)


def stimulus(rng):
    def cyc(rst=0, valid=0, ops=None):
        inp = {"rst": rst, "in_valid": valid}
        for t, (n, es) in SETS.items():
            op, a, b = ops[t] if ops else (rng.randrange(4), rng.getrandbits(n), rng.getrandbits(n))
            inp.update({f"{t}_op": op, f"{t}_a": a, f"{t}_b": b})
        return inp
    yield cyc(rst=1, valid=1)
    yield cyc(rst=1)
    yield cyc()
    for _ in range(1500):
        ops = {t: operands(rng, n, es) for t, (n, es) in SETS.items()}
        if rng.random() < 0.08:
            yield cyc()
        yield cyc(rst=int(rng.random() < 0.002), valid=1, ops=ops)
    yield cyc()


@cocotb.test()
async def test_posit_alu(dut):
    rng = random.Random(tb_rng("posit_alu").random())
    model = Model()
    init = {name: 0 for name in WRAPPER_PORTS if name not in OUTPUTS and name != "clk"}
    init["rst"] = 1
    await run_cycles(dut, model, stimulus(rng), OUTPUTS, init=init)
    for t in SETS:
        for kind, least in (("tie", 40), ("inexact", 300), ("exact", 200), ("sat", 40)):
            got = model.kinds.get((t, kind), 0)
            assert got >= least, f"coverage: instance {t} {SETS[t]}: {got} {kind} results, want {least}"
    dut._log.info("coverage: %s", model.kinds)
